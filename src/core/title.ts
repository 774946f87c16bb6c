import { truncate } from './text.js';

/**
 * The longest title recap keeps. Titles come from pages (`<title>`), PDF metadata, videos and people
 * (`--title`); the model reads one at the head of every prompt, so an unbounded one would eat the
 * context meant for the content. Longer titles are cut, with an ellipsis.
 */
export const MAX_TITLE_CHARS = 200;

/** A title on one line, within MAX_TITLE_CHARS; undefined when nothing is left of it. */
export function capTitle(title: string | undefined): string | undefined {
  if (title === undefined) return undefined;
  // Only the head of a huge title is looked at, so capping costs nothing however long it is.
  const oneLine = title
    .slice(0, MAX_TITLE_CHARS * 4)
    .replace(/\s+/g, ' ')
    .trim();
  return oneLine === '' ? undefined : truncate(oneLine, MAX_TITLE_CHARS);
}

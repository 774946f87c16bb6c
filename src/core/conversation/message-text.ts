/**
 * A chat message's text as the model should read it, on one line: long code blocks collapsed to
 * `[code: N lines]`, quoted lines marked as quotes (so their words are not put in the mouth of the
 * person quoting), files as `[file: name]`. Mentions and the platform's escaping (Slack's `&gt;`) are
 * the platform reader's job; this part is the same everywhere. Every step is a single pass over the lines.
 */

/** Code blocks with more lines than this are collapsed; shorter ones are read as written. */
export const MAX_CODE_LINES = 5;
const FENCE = '```';

export function readableMessageText(text: string, files: readonly string[] = []): string {
  const parts = [...linesWithoutLongCode(text.split('\n'))].filter((part) => part !== '');
  const fileNotes = files.map((name) => `[file: ${oneLine(name)}]`);
  return [...groupQuotes(parts), ...fileNotes].join(' / ');
}

/** The lines, with each fenced block longer than MAX_CODE_LINES replaced by one `[code: N lines]`. */
function* linesWithoutLongCode(lines: readonly string[]): Generator<string> {
  let block: string[] | undefined;
  for (const line of lines) {
    const fences = countFences(line);
    if (block === undefined) {
      if (fences % 2 === 1) block = [line];
      else yield line.trim();
      continue;
    }
    block.push(line);
    if (fences % 2 === 1) {
      yield* codeBlock(block, true);
      block = undefined;
    }
  }
  // A block left open runs to the end of the message.
  if (block !== undefined) yield* codeBlock(block, false);
}

function* codeBlock(block: readonly string[], closed: boolean): Generator<string> {
  const first = block[0] ?? '';
  const last = block.at(-1) ?? '';
  // A fence line is code too when it holds more than the fence: Slack writes "```first line" and
  // "last line```" (docs.slack.dev "Formatting message text": "```multiline code\n2 lines!```"); an
  // opening fence followed by one word alone is Markdown's language name ("```ts").
  const opensWithCode = !isLanguageName(first.slice(first.indexOf(FENCE) + FENCE.length).trim());
  const closesWithCode = closed && block.length > 1 && last.slice(0, last.lastIndexOf(FENCE)).trim() !== '';
  const inner = block.length - (closed ? 2 : 1) + Number(opensWithCode) + Number(closesWithCode);
  if (inner > MAX_CODE_LINES) yield `[code: ${inner} lines]`;
  else for (const line of block) yield line.trim();
}

/** Empty, or one word of letters, digits and `+#._-` (a code block's language: `ts`, `c++`, `objective-c`). */
function isLanguageName(text: string): boolean {
  if (text.length > 20) return false;
  for (const char of text) if (!/[\w+#.-]/.test(char)) return false;
  return true;
}

function countFences(line: string): number {
  let count = 0;
  for (let index = line.indexOf(FENCE); index !== -1; index = line.indexOf(FENCE, index + FENCE.length)) {
    count += 1;
  }
  return count;
}

/**
 * Runs of quoted lines (`> …` in Discord and Slack; Discord's `>>> ` quotes the rest of the message)
 * become one `[quoting: "…"]`.
 */
function groupQuotes(lines: readonly string[]): string[] {
  const result: string[] = [];
  let quote: string[] = [];
  let restIsQuote = false;
  const flush = () => {
    if (quote.length > 0) result.push(`[quoting: "${quote.join(' / ')}"]`);
    quote = [];
  };
  for (const line of lines) {
    if (restIsQuote) {
      quote.push(line);
      continue;
    }
    if (line.startsWith('>>>')) {
      restIsQuote = true;
      const rest = line.slice(3).trim();
      if (rest !== '') quote.push(rest);
    } else if (line.startsWith('>')) {
      quote.push(line.slice(1).trim());
    } else {
      flush();
      result.push(line);
    }
  }
  flush();
  return result;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The text with each `<…>` token replaced by `replace(inside)`, the markup both Discord and Slack write
 * mentions, channels and links in. A `<` inside a token starts the token again (`<a <@1>` holds the
 * token `@1`); a `<` never closed is left as written. Both searches only move forward, so each character
 * is looked at a bounded number of times, whatever the text.
 */
export function replaceTokens(text: string, replace: (inside: string) => string): string {
  let result = '';
  let from = 0;
  let close = -1;
  for (let open = text.indexOf('<'); open !== -1; open = text.indexOf('<', from)) {
    if (close < open) close = text.indexOf('>', open);
    if (close === -1) break;
    const inner = text.indexOf('<', open + 1);
    if (inner !== -1 && inner < close) {
      result += text.slice(from, inner);
      from = inner;
      continue;
    }
    result += text.slice(from, open) + replace(text.slice(open + 1, close));
    from = close + 1;
  }
  return result + text.slice(from);
}

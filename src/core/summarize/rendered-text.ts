import type { Segment } from '../types.js';

/**
 * Text the split reads as blocks of whole lines, and whose parts are read back by their offsets. A
 * string is one block; a long timed document is read this way through `RenderedSegments`, without
 * being rendered whole.
 */
export interface LineBlocks {
  readonly length: number;
  /** The text as consecutive flat strings, each ending just after a newline but the last. */
  blocks(): Iterable<string>;
  slice(start: number, end: number): string;
}

/** Lines are rendered into blocks of about this many characters for the split (a longer line is one). */
const BLOCK_CHARS = 65_536;

/**
 * A timed document as the model reads it (its non-empty segments as `[m:ss] Speaker: text` lines,
 * joined by newlines), rendered only a block of lines at a time. Rendering a transcript whole for a
 * summary in parts was one more copy of its text per job, left behind as garbage once the summary
 * ended (issue 10): the split reads a block at a time, and each part is rendered when it is sent.
 * Every read renders whole lines into one flat string: the split and the token estimate read
 * strings character by character, which through an indirection (or a concatenation that V8 flattens
 * on each slice) made the split of a long caption line take seconds.
 */
export class RenderedSegments implements LineBlocks {
  /** Where each line starts in the rendered text; one more entry: the text's length plus one. */
  private readonly starts: number[] = [];
  private readonly lines: Segment[] = [];

  constructor(
    segments: readonly Segment[],
    private readonly render: (segment: Segment) => string,
  ) {
    let offset = 0;
    for (const segment of segments) {
      const length = render(segment).length;
      if (length === 0) continue;
      this.starts.push(offset);
      this.lines.push(segment);
      offset += length + 1;
    }
    this.starts.push(offset);
    this.length = Math.max(0, offset - 1);
  }

  readonly length: number;

  *blocks(): Iterable<string> {
    let block: string[] = [];
    let size = 0;
    for (const [index, segment] of this.lines.entries()) {
      const line = this.render(segment);
      block.push(line);
      size += line.length + 1;
      if (size >= BLOCK_CHARS && index < this.lines.length - 1) {
        yield `${block.join('\n')}\n`;
        block = [];
        size = 0;
      }
    }
    if (block.length > 0) yield block.join('\n');
  }

  slice(start: number, end: number): string {
    const from = Math.max(0, start);
    const to = Math.min(this.length, end);
    if (to <= from) return '';
    const pieces: string[] = [];
    for (let line = this.lineAt(from); line < this.lines.length; line++) {
      const lineStart = this.starts[line] ?? 0;
      if (lineStart >= to) break;
      const segment = this.lines[line] as Segment;
      const text = this.render(segment);
      pieces.push(text.slice(Math.max(0, from - lineStart), to - lineStart));
      if (to > lineStart + text.length) pieces.push('\n');
    }
    return pieces.join('');
  }

  /** The whole rendered text: for a document that fits one call. */
  toString(): string {
    return this.slice(0, this.length);
  }

  /** The line holding offset `index` (binary search: parts are read in any order). */
  private lineAt(index: number): number {
    let low = 0;
    let high = this.lines.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if ((this.starts[middle] ?? 0) <= index) low = middle;
      else high = middle - 1;
    }
    return low;
  }
}

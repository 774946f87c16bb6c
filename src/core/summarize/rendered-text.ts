import type { Segment } from '../types.js';

/**
 * The reading of text the split needs (a string has all of it): a long timed document is read this
 * way through `RenderedSegments`, without being rendered whole.
 */
export interface TextLike {
  readonly length: number;
  charCodeAt(index: number): number;
  charAt(index: number): string;
  indexOf(search: '\n', from: number): number;
  slice(start: number, end: number): string;
}

/**
 * A timed document as the model reads it (its non-empty segments as `[m:ss] Speaker: text` lines,
 * joined by newlines), rendered a line at a time when read. Rendering a transcript whole for a
 * summary in parts was one more copy of its text per job, left behind as garbage once the summary
 * ended (issue 10): only each part is rendered now, when it is sent.
 */
export class RenderedSegments implements TextLike {
  /** Where each line starts in the rendered text; one more entry: the text's length plus one. */
  private readonly starts: number[] = [];
  private readonly lines: Segment[] = [];
  private cached = -1;
  private cachedLine = '';

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

  charCodeAt(index: number): number {
    if (index < 0 || index >= this.length) return Number.NaN;
    const line = this.lineAt(index);
    const within = index - (this.starts[line] ?? 0);
    const text = this.line(line);
    return within === text.length ? 10 : text.charCodeAt(within);
  }

  charAt(index: number): string {
    const code = this.charCodeAt(index);
    return Number.isNaN(code) ? '' : this.slice(index, index + 1);
  }

  indexOf(_search: '\n', from: number): number {
    if (from >= this.length) return -1;
    const end = (this.starts[this.lineAt(Math.max(0, from)) + 1] ?? 0) - 1;
    return end >= this.length ? -1 : end;
  }

  slice(start: number, end: number): string {
    const from = Math.max(0, start);
    const to = Math.min(this.length, end);
    if (to <= from) return '';
    let out = '';
    for (let line = this.lineAt(from); line < this.lines.length; line++) {
      const lineStart = this.starts[line] ?? 0;
      if (lineStart >= to) break;
      const text = `${this.line(line)}\n`;
      out += text.slice(Math.max(0, from - lineStart), to - lineStart);
    }
    return out;
  }

  /** The whole rendered text: for a document that fits one call. */
  toString(): string {
    return this.slice(0, this.length);
  }

  private line(index: number): string {
    if (index !== this.cached) {
      const segment = this.lines[index];
      this.cachedLine = segment === undefined ? '' : this.render(segment);
      this.cached = index;
    }
    return this.cachedLine;
  }

  /** The line holding offset `index` (binary search: the split reads in order, parts out of order). */
  private lineAt(index: number): number {
    if (this.cached !== -1 && index >= (this.starts[this.cached] ?? 0)) {
      if (index < (this.starts[this.cached + 1] ?? 0)) return this.cached;
    }
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

import { describe, expect, it } from 'vitest';
import { prepassHtml } from '../../../src/core/sources/formats/html-prepass.js';

const html = (source: string, limits = { maxDepth: 64, maxChars: 1_000_000 }) => {
  const result = prepassHtml(source, limits);
  if (result.kind !== 'html') throw new Error(`read as text: ${result.text}`);
  return result.html;
};

describe('the HTML pre-pass', () => {
  it('drops scripts, styles and the like with their content, and keeps the words around them', () => {
    expect(
      html('<p>a<script>if (x < 1) { "</p>" }</script>b<style>p{}</style><svg><svg></svg>x</svg>c</p>'),
    ).toBe('<p>abc</p>');
  });

  it('keeps the attributes Readability reads, and no others', () => {
    expect(html('<div class="post" onclick="x()" data-x="1" id=main style="color:red">t</div>')).toBe(
      '<div class="post" id="main">t</div>',
    );
  });

  it('drops tags deeper than the limit, keeping their text, and closes what it opened', () => {
    expect(html('<div><div><div><p>deep</p></div></div></div>', { maxDepth: 2, maxChars: 1000 })).toBe(
      '<div><div>deep</div></div>',
    );
  });

  it('closes paragraphs and list items the way browsers do', () => {
    expect(html('<p>one<p>two<div>three</div><ul><li>a<li>b</ul>')).toBe(
      '<p>one</p><p>two</p><div>three</div><ul><li>a</li><li>b</li></ul>',
    );
  });

  it('keeps the title, escapes a stray "<", and drops a tag cut off by the end of the file', () => {
    expect(html('<title>A < B</title><p>x < y</p><a href="unclosed')).toBe(
      '<title>A &lt; B</title><p>x &lt; y</p>',
    );
  });

  it('reads a page with no tags, or one too large for the DOM, as plain text', () => {
    expect(prepassHtml('just &amp; text')).toEqual({ kind: 'text', text: 'just & text' });
    expect(
      prepassHtml('<h1>A</h1><p>b <b>c</b></p><script>no</script>', { maxDepth: 64, maxChars: 10 }),
    ).toEqual({
      kind: 'text',
      text: 'A\n\nb c',
    });
  });
});

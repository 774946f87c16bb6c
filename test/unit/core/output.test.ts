import { describe, expect, it } from 'vitest';
import { cleanModelText, parseModelJson, stripBulletMark } from '../../../src/core/summarize/output.js';
import { NotesSchema } from '../../../src/core/summarize/prompt.js';
import { SummarySchema } from '../../../src/core/types.js';

const five = JSON.stringify({ bullets: ['One.', 'Two.', 'Three.', 'Four.', 'Five.'] });

describe('parseModelJson', () => {
  it('accepts exactly five bullets', () => {
    expect(parseModelJson(five, SummarySchema)).toEqual({ ok: true, value: JSON.parse(five) });
  });

  it("removes a reasoning model's <think> block before the answer", () => {
    const outcome = parseModelJson(
      `<think>The user wants {"bullets": []}...</think>\n${five}`,
      SummarySchema,
    );
    expect(outcome.ok).toBe(true);
  });

  it('removes a Markdown code fence around the JSON', () => {
    expect(parseModelJson(`\`\`\`json\n${five}\n\`\`\``, SummarySchema).ok).toBe(true);
  });

  it.each([
    [3, 'exactly 5'],
    [7, 'exactly 5'],
  ])('refuses %i bullets and says it needs %s', (count, expected) => {
    const answer = JSON.stringify({ bullets: Array.from({ length: count }, (_, i) => `Point ${i}.`) });
    const outcome = parseModelJson(answer, SummarySchema);
    expect(outcome).toEqual({ ok: false, problem: `"bullets" must have ${expected} items` });
  });

  it('refuses prose and broken JSON with a reason', () => {
    expect(parseModelJson('Here is a summary: the memo says...', SummarySchema)).toEqual({
      ok: false,
      problem: 'the answer was not valid JSON',
    });
    expect(parseModelJson('{"bullets": ["a", "b"', SummarySchema)).toEqual({
      ok: false,
      problem: 'the answer was not valid JSON',
    });
  });

  it('refuses an answer that is only thinking', () => {
    expect(parseModelJson('<think>still thinking about it', SummarySchema)).toEqual({
      ok: false,
      problem: 'the answer was empty',
    });
  });

  it('refuses an empty bullet, saying it must not be empty', () => {
    const answer = JSON.stringify({ bullets: ['One.', ' ', 'Three.', 'Four.', 'Five.'] });
    expect(parseModelJson(answer, SummarySchema)).toEqual({
      ok: false,
      problem: '"bullets.1" must not be empty',
    });
  });

  it('drops a blank note among good ones instead of refusing the notes', () => {
    const answer = JSON.stringify({ notes: ['First point.', ' ', 'Second point.'] });
    expect(parseModelJson(answer, NotesSchema)).toEqual({
      ok: true,
      value: { notes: ['First point.', 'Second point.'] },
    });
  });

  it('refuses notes that are all blank', () => {
    expect(parseModelJson(JSON.stringify({ notes: [' ', ''] }), NotesSchema).ok).toBe(false);
  });
});

describe('cleanModelText and stripBulletMark', () => {
  it('leaves a clean answer as it is', () => {
    expect(cleanModelText(five)).toBe(five);
  });

  it('removes every <think> block in any case, and an unclosed one to the end', () => {
    expect(cleanModelText(`<think>a</think>${five}<THINK>b</Think>`)).toBe(five);
    expect(cleanModelText(`<think>a</think> ${five} <think>never closed {"bullets": []}`)).toBe(five);
    expect(cleanModelText('</think> stays without its opening')).toBe('</think> stays without its opening');
  });

  it.each([
    ['```json', '```'],
    ['```JSON\n', '\n```'],
    ['```\n', '\n```'],
  ])('removes a fence written as %j … %j', (open, close) => {
    expect(cleanModelText(`${open}${five}${close}`)).toBe(five);
  });

  it('keeps a text that only starts or only ends with a fence, and what is inside a fence', () => {
    expect(cleanModelText(`\`\`\`json\n${five}`)).toBe(`\`\`\`json\n${five}`);
    expect(cleanModelText('```\n{"a": "``` inside"}\n```')).toBe('{"a": "``` inside"}');
    expect(cleanModelText('```')).toBe('```');
  });

  it.each(['- Point.', '• Point.', '* Point.', '1. Point.', '2) Point.'])(
    'strips the list mark of "%s"',
    (bullet) => {
      expect(stripBulletMark(bullet)).toBe('Point.');
    },
  );

  it('keeps a leading number that is part of the sentence', () => {
    expect(stripBulletMark('13 billion parameters are enough.')).toBe('13 billion parameters are enough.');
  });
});

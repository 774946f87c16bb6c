import { describe, expect, it } from 'vitest';
import { mergeCaptions, PARAGRAPH } from '../../../src/core/sources/formats/caption-paragraphs.js';
import { decodeEntities, stripTags } from '../../../src/core/sources/formats/markup.js';
import { parseSrt } from '../../../src/core/sources/formats/srt.js';
import { parseVtt, voiceOf, vttCues } from '../../../src/core/sources/formats/vtt.js';
import { parseTimedText } from '../../../src/core/sources/youtube-answers.js';
import { locateBullets } from '../../../src/core/summarize/moments.js';
import { readFixture } from '../../helpers/fixtures.js';

describe('caption cues', () => {
  it('removes the rolling duplicates of YouTube auto-captions, one segment per cue', () => {
    expect(vttCues(readFixture('files/youtube-auto.vtt'))).toEqual([
      { text: 'google has no mode and neither does', startMs: 160 },
      { text: 'open AI this is from a leaked', startMs: 2879 },
      { text: 'document from inside Google talking', startMs: 5759 },
      { text: 'about how open source large language', startMs: 8400 },
    ]);
  });

  it('reads voices with classes as speakers', () => {
    const vtt = 'WEBVTT\n\n00:01.000 --> 00:02.000\n<v.loud.first Ana Souza>Hello <b>there</b></v>\n';
    expect(parseVtt(vtt)).toEqual([{ text: 'Hello there', startMs: 1000, speaker: 'Ana Souza' }]);
  });

  it.each([
    ['<v Ana>Hello', 'Ana'],
    ['<v.loud.first  Ana Souza >Hello', 'Ana Souza'],
    ['<b>Hi</b> <v\tBob>there', 'Bob'],
    ['<v.a<v Bob>two tags, the first unfinished', 'Bob'],
    ['<v <v Bob>a name cannot start with "<"', 'Bob'],
    ['<v>no name', undefined],
    ['<v. Ana>an empty class', undefined],
    ['<v Ana no end', undefined],
    ['<video>not a voice', undefined],
  ])('reads the voice of %j as %j', (line, speaker) => {
    expect(voiceOf(line)).toBe(speaker);
  });

  it('reads the voice of a tag with four million classes (a regular expression overflowed its stack)', () => {
    const cue = `WEBVTT\n\n00:01.000 --> 00:02.000\n<v${'.a'.repeat(4_000_000)} Ana>Hello\n`;
    expect(vttCues(cue)).toEqual([{ text: 'Hello', startMs: 1000, speaker: 'Ana' }]);
  });

  it('reads a cue of 200,000 lines', () => {
    const vtt = `WEBVTT\n\n00:01.000 --> 00:02.000\n${'word\n'.repeat(200_000)}`;
    const [segment] = vttCues(vtt);
    expect(segment?.text.length).toBe('word '.repeat(200_000).length - 1);
  });

  it('keeps "Name:" speakers in SubRip and drops ASS codes', () => {
    const srt =
      '1\n00:00:01,000 --> 00:00:02,000\n{\\an8}Ana: <i>Hello</i>\n\n2\n00:00:03,000 --> 00:00:04,000\nhttp://x: not a name\n';
    expect(parseSrt(srt)).toEqual([
      { text: 'Hello', startMs: 1000, speaker: 'Ana' },
      { text: 'http://x: not a name', startMs: 3000 },
    ]);
  });
});

describe('mergeCaptions', () => {
  const cue = (text: string, seconds: number, speaker?: string) => ({
    text,
    startMs: seconds * 1000,
    ...(speaker ? { speaker } : {}),
  });

  it('merges cues without punctuation into paragraphs of bounded length, each with its first start', () => {
    const cues = Array.from({ length: 40 }, (_, i) => cue(`words of cue number ${i} go here`, i * 2));
    const merged = mergeCaptions(cues);
    expect(merged.length).toBeGreaterThan(1);
    expect(merged.map((segment) => segment.text).join(' ')).toBe(cues.map((c) => c.text).join(' '));
    for (const paragraph of merged) {
      expect(paragraph.text.length).toBeLessThan(PARAGRAPH.maxChars + 40);
      expect(cues.some((c) => c.startMs === paragraph.startMs && paragraph.text.startsWith(c.text))).toBe(
        true,
      );
    }
  });

  it('ends a paragraph at the end of a sentence once it is long enough, not before', () => {
    const merged = mergeCaptions([
      cue('Short one.', 0),
      cue('This second sentence makes the paragraph long enough to close at its full stop.', 2),
      cue('A new paragraph starts here.', 5),
    ]);
    expect(merged.map((segment) => segment.startMs)).toEqual([0, 5000]);
  });

  it('never merges across speakers, long silences, or untimed segments', () => {
    const merged = mergeCaptions([
      cue('hello', 0, 'Ana'),
      cue('hi', 1, 'Ben'),
      cue('after a pause', 1 + PARAGRAPH.maxGapMs / 1000 + 1, 'Ben'),
      { text: 'no time' },
      { text: 'none either' },
    ]);
    expect(merged.map((segment) => segment.text)).toEqual([
      'hello',
      'hi',
      'after a pause',
      'no time',
      'none either',
    ]);
  });

  it('still links a bullet to the moment of the paragraph that says it', () => {
    const cues = Array.from({ length: 300 }, (_, i) => cue(`plain filler talk ${i % 7} again`, i * 3));
    cues[150] = cue('the committee approved the seventeen bicycle lanes', 450);
    const merged = mergeCaptions(cues);
    const [moment] = locateBullets(['The committee approved seventeen bicycle lanes.'], merged);
    const paragraph = merged.find((segment) => segment.text.includes('seventeen bicycle'));
    expect(moment).toBe(paragraph?.startMs);
    expect(450_000 - (moment ?? 0)).toBeLessThanOrEqual(PARAGRAPH.maxSpanMs);
  });
});

describe('markup in captions', () => {
  it('decodes named, decimal and hex references, and never fails on a number that is no character', () => {
    expect(decodeEntities('a &amp; b &#39;c&#x27; &mdash; &#128512;')).toBe("a & b 'c' — 😀");
    expect(decodeEntities('&#1114112; &#xD800; &#0; &#99999999;')).toBe('\uFFFD \uFFFD \uFFFD \uFFFD');
    expect(decodeEntities('&unknown; &amp')).toBe('&unknown; &amp');
  });

  it('strips tags and keeps a stray "<" as text', () => {
    expect(stripTags('<i>a</i> < b <00:00:01.000><c> c</c>')).toBe('a < b  c');
  });

  it('reads timed text with an unclosed element, keeping what came before', () => {
    expect(parseTimedText('<text start="1" dur="2">one</text><text start="2">two')).toEqual([
      { startMs: 1000, text: 'one' },
    ]);
  });
});

/**
 * Extraction on its own, without a model: parse a 3-hour YouTube auto-caption VTT (rolling duplicates
 * and word timings included) and extract the article from a 1 MB web page. Each case runs in a fresh
 * process so its peak memory (max RSS) is its own; the baseline is an idle process of the same kind.
 * Then what merging caption cues into sentences saves: document tokens per transcript word, with one
 * `[m:ss]` line per cue (before) and per merged paragraph (after).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { extractArticle } from '../src/core/sources/formats/html.js';
import { parseSrt, srtCues } from '../src/core/sources/formats/srt.js';
import { parseVtt, vttCues } from '../src/core/sources/formats/vtt.js';
import { renderForModel } from '../src/core/summarize/chunking.js';
import { estimateTokens } from '../src/core/summarize/tokens.js';
import type { Segment } from '../src/core/types.js';
import { qmsumMeeting, readFixture } from '../test/helpers/fixtures.js';

function words(): string[] {
  return (['Bmr006', 'covid_4', 'education_4'] as const)
    .flatMap((name) => qmsumMeeting(name))
    .flatMap((turn) => turn.content.split(/\s+/))
    .filter((word) => /^[\p{L}'-]+$/u.test(word));
}

function timestamp(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = (seconds % 60).toFixed(3).padStart(6, '0');
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${s}`;
}

/** YouTube's auto-caption shape: each cue repeats the previous line, with 10 ms cues in between. */
export function youtubeVtt(hours: number): string {
  const pool = words();
  const parts = ['WEBVTT\nKind: captions\nLanguage: en\n'];
  let previous = '';
  let w = 0;
  for (let t = 0; t < hours * 3600; t += 2.7) {
    const line = Array.from({ length: 7 }, () => pool[w++ % pool.length]).join(' ');
    const timed = line
      .split(' ')
      .map((word, i) => (i === 0 ? word : `<${timestamp(t + i * 0.3)}><c> ${word}</c>`))
      .join('');
    parts.push(
      `${timestamp(t)} --> ${timestamp(t + 2.69)} align:start position:0%\n${previous || ' '}\n${timed}\n`,
    );
    parts.push(`${timestamp(t + 2.69)} --> ${timestamp(t + 2.7)} align:start position:0%\n${line}\n \n`);
    previous = line;
  }
  return parts.join('\n');
}

/** A news page padded to `bytes` with what real pages carry: scripts, navigation, related links, comments. */
export function largeArticlePage(bytes: number): string {
  const page = readFixture('pages/news-article.html');
  const paragraphs = words();
  const extraStory: string[] = [];
  const boilerplate: string[] = [];
  let w = 0;
  let size = page.length;
  for (let i = 0; size < bytes; i++) {
    const sentence = Array.from({ length: 40 }, () => paragraphs[w++ % paragraphs.length]).join(' ');
    const chunk =
      i % 3 === 0
        ? `<p>${sentence}.</p>`
        : `<div class="comment"><a href="/u/${i}">user${i}</a><span>${sentence}</span><script>track(${i})</script></div>`;
    (i % 3 === 0 ? extraStory : boilerplate).push(chunk);
    size += chunk.length;
  }
  return page
    .replace('<h2>What happens next</h2>', `${extraStory.join('\n')}<h2>What happens next</h2>`)
    .replace('<footer>', `<section class="comments">${boilerplate.join('\n')}</section><footer>`);
}

const CASES: Record<string, () => string> = {
  baseline: () => '{}',
  'vtt-3h': () => {
    const text = youtubeVtt(3);
    const started = performance.now();
    const segments = parseVtt(text);
    return JSON.stringify({
      ms: performance.now() - started,
      inputBytes: text.length,
      segments: segments.length,
    });
  },
  'article-1mb': () => {
    const html = largeArticlePage(1024 * 1024);
    const started = performance.now();
    const article = extractArticle(html);
    return JSON.stringify({
      ms: performance.now() - started,
      inputBytes: html.length,
      textBytes: article?.text.length ?? 0,
    });
  },
};

/** Document tokens (as the model reads the rendered segments) per word said. */
function tokensPerWord(segments: Segment[]): { words: number; lines: number; perWord: number } {
  const words = segments.reduce(
    (total, segment) => total + segment.text.split(/\s+/).filter(Boolean).length,
    0,
  );
  const rendered = renderForModel({ text: '', segments, source: { kind: 'text' } });
  return { words, lines: segments.length, perWord: estimateTokens(rendered) / words };
}

function benchCaptionTokens(): void {
  const cases: [string, () => [Segment[], Segment[]]][] = [
    ['3-hour auto VTT', () => [vttCues(youtubeVtt(3)), parseVtt(youtubeVtt(3))]],
    [
      'youtube-auto.vtt',
      () => [vttCues(readFixture('files/youtube-auto.vtt')), parseVtt(readFixture('files/youtube-auto.vtt'))],
    ],
    [
      'teams-meeting.vtt',
      () => [
        vttCues(readFixture('files/teams-meeting.vtt')),
        parseVtt(readFixture('files/teams-meeting.vtt')),
      ],
    ],
    [
      'meeting-crlf.srt',
      () => [srtCues(readFixture('files/meeting-crlf.srt')), parseSrt(readFixture('files/meeting-crlf.srt'))],
    ],
  ];
  console.log('\nCaptions: document tokens per transcript word (estimateTokens), one line per cue -> merged');
  console.log('case                 words    lines before -> after   tokens/word before -> after');
  for (const [name, read] of cases) {
    const [cues, merged] = read();
    const before = tokensPerWord(cues);
    const after = tokensPerWord(merged);
    console.log(
      [
        name.padEnd(18),
        String(before.words).padStart(7),
        `${before.lines} -> ${after.lines}`.padStart(22),
        `${before.perWord.toFixed(3)} -> ${after.perWord.toFixed(3)}`.padStart(28),
      ].join('  '),
    );
  }
}

export function benchSources(): void {
  const self = fileURLToPath(import.meta.url);
  const run = (name: string) => {
    const output = execFileSync(process.execPath, ['--import', 'tsx', self, name], { encoding: 'utf8' });
    return JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as Record<string, number>;
  };
  const baseline = run('baseline');
  console.log('\nSources (each case in a fresh process; memory is max RSS above an idle process)');
  console.log('case          input     output              time ms   peak memory MB');
  for (const name of ['vtt-3h', 'article-1mb']) {
    const result = run(name);
    const output = 'segments' in result ? `${result.segments} segments` : `${result.textBytes} chars of text`;
    console.log(
      [
        name.padEnd(12),
        `${((result.inputBytes ?? 0) / 1024 / 1024).toFixed(2)} MB`.padStart(8),
        output.padStart(20),
        (result.ms ?? 0).toFixed(1).padStart(9),
        (((result.maxRss ?? 0) - (baseline.maxRss ?? 0)) / 1024).toFixed(1).padStart(15),
      ].join('  '),
    );
  }
  benchCaptionTokens();
}

const name = process.argv[2];
const benchCase = name ? CASES[name] : undefined;
if (benchCase) {
  const result = JSON.parse(benchCase()) as Record<string, number>;
  console.log(JSON.stringify({ ...result, maxRss: process.resourceUsage().maxRSS }));
}

/**
 * What every recap test shares, whatever the platform: a past seeded relative to now, and what the fake
 * Ollama read and answers.
 */
import type { FakeOllama } from '../fakes/ollama.js';

/** A moment `minutes` before now. */
export const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000);

/** A time of yesterday (UTC): within a week, and never across midnight, so a transcript shows only hours. */
export function yesterdayAt(time: string): Date {
  const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  return new Date(`${day}T${time}:00Z`);
}

/** What a transcript line says, without its number, name and time. */
export const saidIn = (line: string) => line.slice(line.indexOf('): ') + 3);

/** Every prompt the model read, joined. */
export const promptsSeen = (ollama: FakeOllama) => ollama.chats.map((chat) => chat.seenPrompt).join('\n');

/** The numbered transcript lines the model read in its single call. */
export function transcriptLines(ollama: FakeOllama): string[] {
  const content = /<content>\n([\s\S]*?)\n<\/content>/.exec(ollama.chats.at(-1)?.seenPrompt ?? '')?.[1];
  return content ? content.split('\n') : [];
}

/** Five bullets for the fake Ollama to answer with, as a model citing message numbers would. */
export function scriptBullets(ollama: FakeOllama, bullets: string[]): void {
  ollama.script({ kind: 'reply', content: JSON.stringify({ bullets }) });
}

/**
 * Three messages every platform's recap must read the same way: a file, a long code block and a quote.
 * Each platform writes them in its own markup; the model reads these lines.
 */
export const WRITTEN = {
  code: Array.from({ length: 12 }, (_, i) => `step(${i});`).join('\n'),
  asTheModelReadsIt: [
    'minutes attached / [file: minutes.pdf]',
    'the fix: / [code: 12 lines] / works now',
    '[quoting: "we ship Friday"] / I never said that',
  ],
};

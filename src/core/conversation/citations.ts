import type { ConversationMessage, Person } from './conversation.js';
import type { Transcript } from './transcript.js';

/**
 * Citations are done in code: the model writes message numbers (`… [4, 17]`), recap keeps those that
 * exist and links each to its message. The model never writes a link, so it cannot invent one.
 */
export interface CitedBullet {
  /** The bullet, without its citation marks. */
  text: string;
  /** The messages it rests on, in conversation order, each once. */
  sources: ConversationMessage[];
}

/** A bracket longer than this is prose, not a citation. */
const MAX_CITATION_CHARS = 60;
/** Two distinctive words in common make a message by the named person the likely source. */
const MIN_SHARED_WORDS = 2;

export function resolveCitations(bullets: readonly string[], transcript: Transcript): CitedBullet[] {
  const people = authorsOf(transcript.numbered);
  return bullets.map((bullet) => {
    const { text, numbers } = extractCitations(bullet, transcript.numbered.length);
    const sources = [...new Set(numbers)]
      .sort((a, b) => a - b)
      .map((number) => transcript.numbered[number - 1])
      .filter((message): message is ConversationMessage => message !== undefined);
    return checkNames({ text, sources }, people, transcript.numbered);
  });
}

/**
 * The numbers in every `[n]`, `[n, m]` or `[n-m]` of a bullet, and its text without them. A bracket
 * that names no message but reads as a year ("released in [2024]") is the bullet's text, not a citation.
 */
function extractCitations(bullet: string, messageCount: number): { text: string; numbers: number[] } {
  const numbers: number[] = [];
  let text = '';
  let from = 0;
  for (let open = bullet.indexOf('['); open !== -1; open = bullet.indexOf('[', from)) {
    const close = bullet.indexOf(']', open);
    const inside = close === -1 ? undefined : bullet.slice(open + 1, close);
    const cited = inside !== undefined && inside.length <= MAX_CITATION_CHARS ? numbersIn(inside) : undefined;
    if (cited === undefined || close === -1 || isYear(cited, messageCount)) {
      text += bullet.slice(from, open + 1);
      from = open + 1;
      continue;
    }
    numbers.push(...cited);
    text += bullet.slice(from, open);
    from = close + 1;
  }
  text += bullet.slice(from);
  return { text: tidy(text), numbers };
}

/** `4, 17` or `3-5` as numbers; undefined when the bracket holds anything else. */
function numbersIn(inside: string): number[] | undefined {
  const numbers: number[] = [];
  for (const item of inside.split(/[,;]/)) {
    const range = /^\s*(\d{1,6})\s*(?:[-–]\s*(\d{1,6})\s*)?$/.exec(item);
    if (!range) return undefined;
    const first = Number(range[1]);
    const last = range[2] === undefined ? first : Number(range[2]);
    // A range is read only when it is short: "[1-900]" cites nothing in particular.
    if (last < first || last - first > 20) return undefined;
    for (let number = first; number <= last; number++) numbers.push(number);
  }
  return numbers.length > 0 ? numbers : undefined;
}

/** One number of four digits that is no message's: a year the model kept from the conversation. */
function isYear(numbers: readonly number[], messageCount: number): boolean {
  const [only] = numbers;
  return numbers.length === 1 && only !== undefined && only > messageCount && only >= 1000 && only <= 2999;
}

function tidy(text: string): string {
  return text
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/ ([.,;:!?])/g, '$1')
    .trim();
}

/**
 * A bullet that names someone who wrote none of the messages it cites, and whom those messages do not
 * name either ("Erin owns the notes", citing Dana's "Erin owns the release notes"), is repaired: the
 * message by that person that shares the most with the bullet joins its sources. When there is none, the
 * name is not kept: the bullet says "someone" instead, rather than put words in a person's mouth.
 */
function checkNames(
  bullet: CitedBullet,
  people: readonly Person[],
  messages: readonly ConversationMessage[],
): CitedBullet {
  let { text } = bullet;
  // The text with the names already handled blanked out, so "Ana" is not found again inside "Ana Lima".
  let masked = text;
  const sources = [...bullet.sources];
  for (const person of people) {
    const found = person.name.length < 2 ? [] : occurrences(masked, person.name);
    if (found.length === 0) continue;
    const cited = sources.some(
      (message) => message.author.id === person.id || occurrences(message.text, person.name).length > 0,
    );
    const best = cited ? undefined : bestMessageBy(person, text, messages);
    if (best) sources.push(best);
    const replacement = cited || best ? person.name : 'someone';
    text = replaceAt(text, found, person.name.length, replacement);
    masked = replaceAt(masked, found, person.name.length, BLANK.repeat(replacement.length));
  }
  const order = new Map(messages.map((message, index) => [message.id, index]));
  sources.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  return { text, sources };
}

const BLANK = '\u0000';

function authorsOf(messages: readonly ConversationMessage[]): Person[] {
  const people = new Map<string, Person>();
  for (const message of messages) people.set(message.author.id, message.author);
  // Longer names first, so "Ana Lima" is checked before "Ana".
  return [...people.values()].sort((a, b) => b.name.length - a.name.length);
}

/** Where the name stands as a whole word (not "Ana" inside "Banana"). */
function occurrences(text: string, name: string): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + name.length)) {
    if (!isWordChar(text[at - 1]) && !isWordChar(text[at + name.length])) found.push(at);
  }
  return found;
}

function replaceAt(text: string, positions: readonly number[], length: number, replacement: string): string {
  let result = '';
  let from = 0;
  for (const at of positions) {
    result += text.slice(from, at) + replacement;
    from = at + length;
  }
  return result + text.slice(from);
}

function isWordChar(char: string | undefined): boolean {
  return char !== undefined && /[\p{L}\p{N}]/u.test(char);
}

function bestMessageBy(
  person: Person,
  bullet: string,
  messages: readonly ConversationMessage[],
): ConversationMessage | undefined {
  const wanted = distinctiveWords(bullet);
  let best: { message: ConversationMessage; shared: number } | undefined;
  for (const message of messages) {
    if (message.author.id !== person.id) continue;
    let shared = 0;
    for (const word of distinctiveWords(message.text)) if (wanted.has(word)) shared += 1;
    if (shared >= MIN_SHARED_WORDS && (!best || shared > best.shared)) best = { message, shared };
  }
  return best?.message;
}

function distinctiveWords(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((word) => word.length >= 4),
  );
}

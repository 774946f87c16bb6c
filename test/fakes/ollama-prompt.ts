/**
 * How Ollama 0.17.4 turns a chat into the tokens the model reads, for the fake server. Each rule
 * names the file of the release it follows (github.com/ollama/ollama@v0.17.4), and the contract
 * suite (test/contract/ollama.contract.test.ts) checks each against the real server.
 */
import { decode, encode } from 'gpt-tokenizer/encoding/cl100k_base';

export interface ChatMessageIn {
  role: string;
  content: string;
}

/** The prompt as the model read it, and what the server did to make it fit. */
export interface ReadPrompt {
  /** Tokens in the whole conversation as sent (before anything was dropped or cut). */
  sentTokens: number;
  /** Tokens the model read: `prompt_eval_count`. */
  readTokens: number;
  /** What the model read, decoded. */
  seenPrompt: string;
  /** Messages dropped whole from the front (server/prompt.go, chatPrompt). */
  droppedMessages: number;
  /** Whether tokens were cut from the front of what remained (runner.go, NewSequence). */
  cut: boolean;
}

/** The prompt is longer than num_ctx and the request said `truncate: false`. */
export class InputTooLong extends Error {}

/** api/types.go, DefaultOptions: NumKeep 4, the prompt's first tokens (BOS and the turn header). */
const NUM_KEEP = 4;

/** A chat template's rendering (Gemma 3's turn markers; the fake's tokenizer is cl100k). */
function render(messages: readonly ChatMessageIn[]): string {
  const turns = messages.map((m) => `<start_of_turn>${m.role}\n${m.content}<end_of_turn>\n`).join('');
  return `${turns}<start_of_turn>model\n`;
}

export interface Tokenizer {
  encode(text: string): number[];
  decode(tokens: number[]): string;
}

/** cl100k, close to Llama 3's vocabulary; special-token text is read as plain text, as a template's would be. */
export const CL100K: Tokenizer = {
  encode: (text) => encode(text, { allowedSpecial: new Set(), disallowedSpecial: new Set() }),
  decode,
};

/**
 * One token per UTF-16 unit (scaled by the fake's tokenInflation, e.g. 0.25 for four characters a
 * token): for benchmarks, where a real tokenizer in the fake would cost more than the work measured.
 */
export const CHARACTERS: Tokenizer = {
  encode(text) {
    const codes = new Array<number>(text.length);
    for (let index = 0; index < text.length; index++) codes[index] = text.charCodeAt(index);
    return codes;
  },
  decode(tokens) {
    let text = '';
    for (let index = 0; index < tokens.length; index += 8192) {
      text += String.fromCharCode(...tokens.slice(index, index + 8192));
    }
    return text;
  },
};

/**
 * server/prompt.go, chatPrompt: when the whole chat is longer than num_ctx and `truncate` is not
 * false, whole messages are dropped from the front, always keeping the system messages and the last
 * message; with `truncate: false` nothing is dropped. runner/ollamarunner/runner.go, NewSequence: a
 * prompt still longer than num_ctx is refused (400, "the input length exceeds the context length")
 * when `truncate` is false, else cut: its first NUM_KEEP tokens are kept and the tokens after them
 * dropped until it fits. `prompt_eval_count` is the length of what is kept, whatever the prompt cache
 * holds (numPromptInputs = len(inputs), before the cache is consulted).
 */
export function readPrompt(
  messages: readonly ChatMessageIn[],
  numCtx: number,
  truncate: boolean,
  { tokenizer, inflation }: { tokenizer: Tokenizer; inflation: number },
): ReadPrompt {
  const tokenize = (text: string) => tokenizer.encode(text);
  const scaled = (tokens: readonly number[]) => Math.ceil(tokens.length * inflation);
  const whole = tokenize(render(messages));
  const sentTokens = scaled(whole);
  const fromMessage = (start: number) => [
    ...messages.slice(0, start).filter((m) => m.role === 'system'),
    ...messages.slice(start),
  ];
  let start = 0;
  while (truncate && start < messages.length - 1) {
    if (scaled(tokenize(render(fromMessage(start)))) <= numCtx) break;
    start += 1;
  }
  const kept = fromMessage(start);
  const droppedMessages = messages.length - kept.length;
  // Tokenizing is most of the fake's time: the whole chat's tokens serve when nothing was dropped.
  const tokens = droppedMessages === 0 ? whole : tokenize(render(kept));
  const count = scaled(tokens);
  if (count <= numCtx) {
    return { sentTokens, readTokens: count, seenPrompt: render(kept), droppedMessages, cut: false };
  }
  if (!truncate) throw new InputTooLong('the input length exceeds the context length');
  const keepTail = Math.floor(numCtx / inflation) - NUM_KEEP;
  const seen = [...tokens.slice(0, NUM_KEEP), ...tokens.slice(tokens.length - keepTail)];
  return {
    sentTokens,
    readTokens: scaled(seen),
    seenPrompt: tokenizer.decode(seen),
    droppedMessages,
    cut: true,
  };
}

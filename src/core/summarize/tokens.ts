/**
 * A conservative token count that needs no model-specific tokenizer. Ollama serves many model
 * families (Llama, Qwen, Gemma, Mistral), each with its own vocabulary, and has no endpoint to count
 * tokens, so we estimate from the kind of each character run, erring high. Calibrated against a
 * 100k-vocabulary BPE (cl100k, close to Llama 3's) on English, transcripts, Cyrillic, CJK and code: the
 * unit tests hold the estimate above the real count for each. The summarizer then checks the count the
 * server reports (`prompt_eval_count`), so an estimate that was too low is caught, never trusted.
 */

// One regex pass: each alternative is a run of one kind of text.
const RUNS =
  /(\p{Script=Latin}+)|([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}]+)|(\p{L}+)|(\p{N}+)|(\n+)|([ \t]+)|([\p{P}\p{S}]+)|(\p{M}+)|([\s\S])/gu;

// Frequent English words are one token each; longer and rarer words split into pieces of about four
// letters; words with accents split sooner.
const SHORT_WORD = 6;
const MEDIUM_WORD = 10;
const LONG_WORD_CHARS_PER_TOKEN = 4;
const ACCENTED_CHARS_PER_TOKEN = 2.5;
const OTHER_ALPHABET_CHARS_PER_TOKEN = 2;
const CJK_TOKENS_PER_CHAR = 1.5;
const SPACES_PER_TOKEN = 4;
/** Extra headroom on top of the per-run estimate. */
const SAFETY_FACTOR = 1.1;

export function estimateTokens(text: string): number {
  let tokens = 0;
  for (const match of text.matchAll(RUNS)) {
    const run = match[0];
    const length = run.length;
    if (match[1] !== undefined) tokens += latinWordTokens(run);
    else if (match[2] !== undefined) tokens += Math.ceil([...run].length * CJK_TOKENS_PER_CHAR);
    else if (match[3] !== undefined) tokens += Math.ceil(length / OTHER_ALPHABET_CHARS_PER_TOKEN);
    else if (match[4] !== undefined) tokens += length;
    else if (match[5] !== undefined) tokens += 1;
    else if (match[6] !== undefined) tokens += length === 1 ? 0 : Math.ceil(length / SPACES_PER_TOKEN);
    else if (match[7] !== undefined) tokens += length;
    else tokens += utf8Length(run);
  }
  return Math.ceil(tokens * SAFETY_FACTOR);
}

function latinWordTokens(word: string): number {
  const length = word.length;
  if (/[^A-Za-z]/.test(word)) return Math.ceil(length / ACCENTED_CHARS_PER_TOKEN);
  if (length <= SHORT_WORD) return 1;
  if (length <= MEDIUM_WORD) return 2;
  return Math.ceil(length / LONG_WORD_CHARS_PER_TOKEN);
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

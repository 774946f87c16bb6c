/** What the fake Ollama answers: a model-like answer for a schema, and the shapes of its listings. */

import type { FakeModel } from './ollama.js';

/** Valid JSON for the requested schema, built from the words of what the model read. */
export function answerLikeAModel(seenPrompt: string, format: unknown): string {
  const asString = format as { type?: string; minLength?: number; const?: unknown } | undefined;
  if (asString?.const !== undefined) return JSON.stringify(asString.const);
  if (asString?.type === 'string')
    return JSON.stringify('word '.repeat(Math.ceil((asString.minLength ?? 1) / 5)));
  const { key, count, maxLength } = arrayFieldOf(format);
  const content = /<(content|notes)>\n([\s\S]*?)\n<\/\1>/.exec(seenPrompt)?.[2] ?? seenPrompt;
  const words = content.split(/\s+/).filter((word) => /\p{L}/u.test(word));
  const items = Array.from({ length: count }, (_, index) => {
    const start = Math.floor((index * words.length) / count);
    const excerpt = words.slice(start, start + 8).join(' ');
    return `Point ${index + 1} covers ${excerpt || 'nothing'}.`.slice(0, maxLength);
  });
  return JSON.stringify({ [key]: items });
}

interface ArraySchema {
  minItems?: number;
  maxItems?: number;
  items?: { maxLength?: number };
}

function arrayFieldOf(format: unknown): { key: string; count: number; maxLength: number } {
  const properties = (format as { properties?: Record<string, ArraySchema> })?.properties;
  const [key, schema] = Object.entries(properties ?? { bullets: {} })[0] ?? ['bullets', {}];
  const count =
    schema.minItems === schema.maxItems && schema.minItems
      ? schema.minItems
      : Math.max(schema.minItems ?? 5, 5);
  return { key, count, maxLength: schema.items?.maxLength ?? Number.POSITIVE_INFINITY };
}

/** An answer streamed in small pieces, as tokens arrive. */
export function pieces(content: string): string[] {
  const characters = [...content];
  const result: string[] = [];
  for (let index = 0; index < characters.length; index += 4)
    result.push(characters.slice(index, index + 4).join(''));
  return result;
}

const DETAILS = { format: 'gguf', parameter_size: '3.2B', quantization_level: 'Q4_K_M' };

/**
 * A model's full name, as Ollama lists and matches it: a name without a tag takes `latest`
 * (types/model/name.go, defaultTag; /api/tags and /api/ps show DisplayShortest, name:tag).
 */
export function fullName(name: string): string {
  return name.includes(':') ? name : `${name}:latest`;
}

export function tagOf(model: FakeModel) {
  return {
    name: fullName(model.name),
    model: fullName(model.name),
    modified_at: '2026-01-01T00:00:00Z',
    size: 2_019_393_189,
    digest: 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72',
    details: { ...DETAILS, family: model.architecture ?? 'llama' },
  };
}

export function psOf(loaded: { model: string; numCtx: number }) {
  const name = fullName(loaded.model);
  return { name, model: name, size: 463_118_848, size_vram: 0, context_length: loaded.numCtx };
}

export function showOf(model: FakeModel) {
  const architecture = model.architecture ?? 'llama';
  return {
    modelfile: `FROM ${model.name}`,
    parameters: 'stop "<|eot_id|>"',
    template: '{{ .Prompt }}',
    details: { ...DETAILS, family: architecture },
    model_info: {
      'general.architecture': architecture,
      'general.parameter_count': 3_212_749_888,
      ...(model.contextLength === undefined
        ? {}
        : { [`${architecture}.context_length`]: model.contextLength }),
    },
    capabilities: ['completion'],
    modified_at: '2026-01-01T00:00:00Z',
  };
}

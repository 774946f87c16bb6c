/**
 * Whether a worker's Ollama host can take jobs: it answers, and it has the model. Asked with Ollama's
 * `GET /api/tags` (docs/api.md, "List Local Models"), which loads no model and costs the host nothing.
 */
import { z } from 'zod';

const Tags = z.object({ models: z.array(z.object({ name: z.string(), model: z.string().optional() })) });

export type HostState = { ready: true } | { ready: false; reason: string };

/** `llama3.2` is listed as `llama3.2:latest`; a tag given explicitly must match as given. */
function listed(names: readonly string[], model: string): boolean {
  const wanted = model.includes(':') ? model : `${model}:latest`;
  return names.some((name) => name === wanted || name === model);
}

export async function probeHost(
  host: string,
  model: string,
  options: { timeoutMs?: number; fetch?: typeof globalThis.fetch } = {},
): Promise<HostState> {
  const fetch = options.fetch ?? globalThis.fetch;
  try {
    const response = await fetch(`${host}/api/tags`, {
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
    if (!response.ok) return { ready: false, reason: `${host} answered ${response.status} to /api/tags` };
    const tags = Tags.safeParse(await response.json());
    if (!tags.success) return { ready: false, reason: `${host} does not answer as Ollama does` };
    const names = tags.data.models.flatMap((entry) => [entry.name, entry.model ?? entry.name]);
    return listed(names, model)
      ? { ready: true }
      : { ready: false, reason: `${host} does not have ${model} (run \`ollama pull ${model}\` there)` };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ready: false, reason: `${host} did not answer (${reason})` };
  }
}

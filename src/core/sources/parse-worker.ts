/**
 * The child process every uploaded file, fetched page and YouTube answer is parsed in (started by
 * `runBounded`). It watches its own memory, caps the buffers the parsers allocate, parses, and sends
 * back the result, or the error that says why not, as plain data.
 */
import { isRecapError } from '../errors.js';
import { capAllocations } from './allocation-cap.js';
import { MEMORY_LIMIT_EXIT, watchMemory } from './bounded-process.js';
import { parseFile } from './parse-file.js';
import type { WorkerAnswer, WorkerRequest } from './parse-protocol.js';
import { toWire } from './shared-text.js';

watchMemory(Number(process.argv[2]));

process.once('message', (request: WorkerRequest) => {
  // Past the cap, the process stops at once: a parser that catches the error cannot go on.
  capAllocations(request.limits.maxExpandedBytes, () => process.exit(MEMORY_LIMIT_EXIT));
  const started = performance.now();
  const stats = () => ({
    ms: performance.now() - started,
    peakMemoryMb: process.resourceUsage().maxRSS / 1024,
  });
  parse(request).then(
    (value) => send({ ok: true, value, stats: stats() }),
    (error: unknown) =>
      send({
        stats: stats(),
        ...(isRecapError(error)
          ? { ok: false, code: error.code, userMessage: error.userMessage }
          : { ok: false, failure: error instanceof Error ? error.message : String(error) }),
      }),
  );
});

async function parse(request: WorkerRequest): Promise<unknown> {
  if (request.kind === 'file') return toWire(await parseFile(request));
  const { parseYouTubeAnswer } = await import('./youtube-answers.js');
  return parseYouTubeAnswer(request);
}

function send(answer: WorkerAnswer): void {
  process.send?.(answer);
}

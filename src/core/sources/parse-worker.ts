/**
 * The child process every uploaded file and fetched page is parsed in (started by `runBounded`). It
 * watches its own memory, caps the buffers the parsers allocate, parses, and sends back the Document,
 * or the error that says why not, as plain data.
 */
import { isRecapError } from '../errors.js';
import { capAllocations } from './allocation-cap.js';
import { MEMORY_LIMIT_EXIT, watchMemory } from './bounded-process.js';
import { type ParseAnswer, type ParseRequest, parseFile } from './parse-file.js';

watchMemory(Number(process.argv[2]));

process.once('message', (request: ParseRequest) => {
  // Past the cap, the process stops at once: a parser that catches the error cannot go on.
  capAllocations(request.limits.maxExpandedBytes, () => process.exit(MEMORY_LIMIT_EXIT));
  const started = performance.now();
  parseFile(request).then(
    (document) => {
      const stats = { ms: performance.now() - started, peakMemoryMb: process.resourceUsage().maxRSS / 1024 };
      send({ ok: true, document, stats });
    },
    (error: unknown) =>
      send(
        isRecapError(error)
          ? { ok: false, code: error.code, userMessage: error.userMessage }
          : { ok: false, failure: error instanceof Error ? error.message : String(error) },
      ),
  );
});

function send(answer: ParseAnswer): void {
  process.send?.(answer);
}

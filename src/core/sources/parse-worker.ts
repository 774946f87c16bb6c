/**
 * The worker thread every uploaded file and fetched page is parsed in (started by `bounded-worker`).
 * It caps the buffers the parsers allocate, parses, and posts back the Document, or the error that
 * says why not, as plain data.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isRecapError } from '../errors.js';
import { capAllocations } from './allocation-cap.js';
import type { WorkerMessage } from './bounded-worker.js';
import { type ParseAnswer, type ParseRequest, parseFile } from './parse-file.js';

const request = workerData as ParseRequest;
const post = (message: WorkerMessage<ParseAnswer>) => parentPort?.postMessage(message);

capAllocations(request.limits.maxExpandedBytes, () =>
  post({
    type: 'limit',
    limit: 'memory',
    message: `allocated more than ${request.limits.maxExpandedBytes} bytes of buffers`,
  }),
);

parseFile(request).then(
  (document) => post({ type: 'answer', value: { ok: true, document } }),
  (error: unknown) =>
    post({
      type: 'answer',
      value: isRecapError(error)
        ? { ok: false, code: error.code, userMessage: error.userMessage }
        : { ok: false, failure: error instanceof Error ? error.message : String(error) },
    }),
);

/**
 * Loaded into an app under test (`node --import`): times each request to /slack/… from its arrival at the
 * HTTP server (its headers read) to its 2xx response written, through Node's own diagnostics channels,
 * and writes the times (ms, in the order they ended) as JSON to ACK_TIMING_FILE when the process exits.
 * The same for every app, bare or recap, so their server-side figures are taken alike; recap's own
 * `recap_ack_seconds` is measured between the same two points. What it leaves out is the time before
 * the process reads a request (the connection waiting to be accepted, the machine's other work).
 */
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const file = process.env.ACK_TIMING_FILE;
const arrivals = new WeakMap();
const times = [];

subscribe('http.server.request.start', ({ request, response }) => {
  if (request.url?.startsWith('/slack/')) arrivals.set(response, performance.now());
});
subscribe('http.server.response.finish', ({ response }) => {
  const arrived = arrivals.get(response);
  if (arrived !== undefined && response.statusCode < 300) times.push(performance.now() - arrived);
});
if (file) process.on('exit', () => writeFileSync(file, JSON.stringify(times)));

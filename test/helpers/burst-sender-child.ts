/**
 * The child half of burst-sender.ts: sends each burst it is given at once, every request on a fresh
 * connection, and times each from its connection to the first line of the response.
 */
import { connect } from 'node:net';
import type { BurstOrder, BurstReport } from './burst-sender.js';

/** Milliseconds to a 2xx status line; null for anything else, or a connection that ended without one. */
function send(port: number, request: string): Promise<number | null> {
  return new Promise((resolve) => {
    const sentAt = performance.now();
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    let head = '';
    const done = (latency: number | null) => {
      resolve(latency);
      socket.destroy();
    };
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      head += chunk;
      if (head.includes('\r\n')) done(/^HTTP\/1\.1 2\d\d /.test(head) ? performance.now() - sentAt : null);
    });
    socket.on('error', () => done(null));
    socket.on('close', () => done(null));
  });
}

process.on('message', (order: BurstOrder) => {
  void Promise.all(order.requests.map((request) => send(order.port, request))).then((latencies) =>
    process.send?.({ id: order.id, latencies } satisfies BurstReport),
  );
});
process.send?.('ready');

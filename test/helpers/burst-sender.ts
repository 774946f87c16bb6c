/**
 * Requests sent to an app from a process of their own, so that what the sender does (building,
 * writing and reading hundreds of requests) costs the app's process nothing: the acknowledgement
 * bench's bursts, and the flood of test/security/flood.ts, whose app shares the test's event loop.
 * Raw sockets, not fetch: sending 500 requests through fetch took the sender itself several hundred
 * milliseconds, which would have counted as the app's. Each request is timed from its connection to
 * the first line of the response (for Slack, the acknowledgement).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { SIGNING_SECRET, slackSignature } from '../fakes/slack.js';

export interface BurstOrder {
  id: number;
  port: number;
  /** Whole HTTP/1.1 requests, each ending its connection (rawPost). */
  requests: string[];
}

export interface BurstReport {
  id: number;
  /** Milliseconds to a 2xx status line, or null (another status, or no answer). */
  latencies: (number | null)[];
}

export interface BurstSender {
  /** Sends every request at once; resolves with each one's latency (undefined: not acknowledged). */
  send(port: number, requests: string[]): Promise<(number | undefined)[]>;
  close(): void;
}

/** A POST with its whole body, closing the connection after the answer. */
export function rawPost(port: number, path: string, headers: Record<string, string>, body: string): string {
  const lines = Object.entries({ ...headers, 'content-length': String(Buffer.byteLength(body)) }).map(
    ([name, value]) => `${name}: ${value}`,
  );
  return [`POST ${path} HTTP/1.1`, `host: 127.0.0.1:${port}`, ...lines, 'connection: close', '', body].join(
    '\r\n',
  );
}

/** Slack in HTTP mode: a request to the app's /slack/events, signed as Slack signs (a form or a JSON body). */
export function signedSlackPost(port: number, body: URLSearchParams | Record<string, unknown>): string {
  const form = body instanceof URLSearchParams;
  const text = form ? body.toString() : JSON.stringify(body);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers = {
    'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json',
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': slackSignature(SIGNING_SECRET, timestamp, text),
  };
  return rawPost(port, '/slack/events', headers, text);
}

export async function startBurstSender(): Promise<BurstSender> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./burst-sender-child.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await once(child, 'message');
  const waiting = new Map<number, (latencies: (number | null)[]) => void>();
  child.on('message', (report: BurstReport) => waiting.get(report.id)?.(report.latencies));
  let next = 0;
  return {
    send(port, requests) {
      const id = next++;
      return new Promise((resolve) => {
        waiting.set(id, (latencies) => {
          waiting.delete(id);
          resolve(latencies.map((latency) => latency ?? undefined));
        });
        child.send({ id, port, requests } satisfies BurstOrder);
      });
    },
    close: () => void child.kill(),
  };
}

/**
 * `/healthz` (the process is alive), `/readyz` (it can do its work now: 200, or 503 with what is missing)
 * and `/metrics` (Prometheus), on METRICS_PORT. Nothing else is served; nothing here changes anything.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeCauses, RecapError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Metrics } from './metrics.js';

/** Each check: true, or what is wrong. */
export type Readiness = Record<string, true | string>;

/** Each chat platform's connection as a check of its own (`platform1`, `platform2`). */
export function platformChecks(platforms: readonly { ready(): true | string }[]): Readiness {
  return Object.fromEntries(platforms.map((platform, index) => [`platform${index + 1}`, platform.ready()]));
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

export async function startHealthServer(options: {
  port: number;
  metrics: Metrics;
  ready: () => Promise<Readiness>;
  log: Logger;
}): Promise<HealthServer> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') return void response.writeHead(405).end();
    answer(path, options).then(
      ({ status, type, body }) => response.writeHead(status, { 'content-type': type }).end(body),
      (error: unknown) => {
        options.log.warn(`${path}: ${describeCauses(error)}`);
        response.writeHead(500, { 'content-type': 'text/plain' }).end('error\n');
      },
    );
  });
  await listen(server, options.port);
  const port = (server.address() as AddressInfo).port;
  options.log.info(`health and metrics on http://0.0.0.0:${port} (/healthz, /readyz, /metrics)`);
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function answer(
  path: string,
  options: { metrics: Metrics; ready: () => Promise<Readiness> },
): Promise<{ status: number; type: string; body: string }> {
  switch (path) {
    case '/healthz':
      return { status: 200, type: 'text/plain', body: 'ok\n' };
    case '/readyz': {
      const checks = await options.ready();
      const ready = Object.values(checks).every((check) => check === true);
      return {
        status: ready ? 200 : 503,
        type: 'application/json',
        body: `${JSON.stringify({ ready, checks })}\n`,
      };
    }
    case '/metrics':
      return {
        status: 200,
        type: options.metrics.registry.contentType,
        body: await options.metrics.registry.metrics(),
      };
    default:
      return { status: 404, type: 'text/plain', body: 'not found\n' };
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: unknown) => {
    throw new RecapError(
      'config_invalid',
      (error as { code?: string }).code === 'EADDRINUSE'
        ? `METRICS_PORT ${port} is already in use. Set METRICS_PORT to a free port.`
        : `Cannot listen on METRICS_PORT ${port} (${(error as Error).message}).`,
      { cause: error },
    );
  });
}

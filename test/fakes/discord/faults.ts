/**
 * One-shot faults for the fake Discord: a 429 as Discord sends it, or a failure (5xx or an API error).
 * Rate limit responses follow developers/topics/rate-limits.mdx ("Header Format", "Exceeding A Rate
 * Limit" and its three examples): `retry_after` in seconds (a float) in the body, `Retry-After` in whole
 * seconds, `X-RateLimit-*` headers, `X-RateLimit-Global` only for the global limit, `X-RateLimit-Scope`.
 * @discordjs/rest (SequentialHandler and BurstHandler, `runRequest`) reads `Retry-After`,
 * `X-RateLimit-Global`, `X-RateLimit-Scope`, `X-RateLimit-Remaining` and `X-RateLimit-Reset-After`, and
 * waits before it retries; it also retries a 5xx itself (`handleErrors`, up to `retries`, 3 by default).
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { sendJson } from '../http.js';

export interface RateLimitSpec {
  retryAfterMs: number;
  /** The bot's global limit (50 requests a second) rather than the route's. */
  global?: boolean;
  /** `user` (the bot's own limit on the route, the default) or `shared` (the resource's, e.g. a busy channel). */
  scope?: 'user' | 'shared';
}

export interface FailureSpec {
  status: number;
  /** A JSON error code (opcodes-and-status-codes.mdx, "JSON Error Codes"); 0 when left out. */
  code?: number;
  message?: string;
}

type Fault =
  | { kind: 'rate-limit'; spec: RateLimitSpec }
  | { kind: 'fail'; spec: FailureSpec }
  /** Lets one matching request through untouched: queued before a fault, it delays it to a later call. */
  | { kind: 'pass' };

/**
 * Faults queued per route, each answered once. A route is written as in the docs' routes, with `:name`
 * for any one path segment: `'POST /channels/:id/messages'`,
 * `'PATCH /webhooks/:id/:token/messages/@original'`.
 */
export class Faults {
  private readonly queued: { route: string; fault: Fault }[] = [];

  add(route: string, fault: Fault): void {
    if (!/^(GET|POST|PUT|PATCH|DELETE) \//.test(route)) {
      throw new Error(`a route is "METHOD /path/:param", not ${JSON.stringify(route)}`);
    }
    this.queued.push({ route, fault });
  }

  /** The first fault queued for this request, removed from the queue (a `pass` is removed and answers nothing). */
  take(method: string, path: string): { route: string; fault: Exclude<Fault, { kind: 'pass' }> } | undefined {
    const index = this.queued.findIndex(({ route }) => routeMatches(route, method, path));
    const taken = index < 0 ? undefined : this.queued.splice(index, 1)[0];
    return taken && taken.fault.kind !== 'pass' ? { route: taken.route, fault: taken.fault } : undefined;
  }
}

export function routeMatches(route: string, method: string, path: string): boolean {
  const [routeMethod, routePath = ''] = route.split(' ');
  if (routeMethod !== method) return false;
  const expected = routePath.split('/').filter(Boolean);
  const actual = path.split('/').filter(Boolean);
  return expected.length === actual.length && expected.every((s, i) => s.startsWith(':') || s === actual[i]);
}

export function sendFault(
  response: ServerResponse,
  route: string,
  fault: Exclude<Fault, { kind: 'pass' }>,
): unknown {
  if (fault.kind === 'fail') {
    const { status, code = 0 } = fault.spec;
    const message =
      fault.spec.message ?? (status >= 500 ? `${status}: Internal Server Error` : 'Bad Request');
    return sendJson(response, status, { message, code });
  }
  const { retryAfterMs, global = false, scope = 'user' } = fault.spec;
  const seconds = retryAfterMs / 1000;
  // The docs' examples: `Retry-After: 65` beside `"retry_after": 64.57`, so the header is rounded up.
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'retry-after': String(Math.ceil(seconds)),
    'x-ratelimit-scope': global ? 'global' : scope,
  };
  if (global) headers['x-ratelimit-global'] = 'true';
  else {
    Object.assign(headers, {
      'x-ratelimit-limit': '5',
      // A shared (per-resource) limit leaves the bot's own bucket untouched, as in the docs' example.
      'x-ratelimit-remaining': scope === 'shared' ? '4' : '0',
      'x-ratelimit-reset': ((Date.now() + retryAfterMs) / 1000).toFixed(3),
      'x-ratelimit-reset-after': seconds.toFixed(3),
      'x-ratelimit-bucket': createHash('sha1').update(route).digest('hex').slice(0, 16),
    });
  }
  response.writeHead(429, headers);
  return response.end(
    JSON.stringify({
      message:
        scope === 'shared' && !global ? 'The resource is being rate limited.' : 'You are being rate limited.',
      retry_after: Number(seconds.toFixed(3)),
      global,
    }),
  );
}

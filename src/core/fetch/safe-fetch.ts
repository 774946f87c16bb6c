import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';
import { cancelledError, isRecapError, RecapError } from '../errors.js';
import { formatBytes } from '../text.js';
import type { AddressPolicy } from './address-policy.js';
import { type Deadline, startDeadline } from './deadline.js';
import { readCapped } from './read-capped.js';

/** Resolves a host name to all its addresses (dns.lookup by default; replaceable in tests). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export interface SafeFetchOptions {
  policy: AddressPolicy;
  timeoutMs: number;
  maxRedirects?: number;
  resolve?: Resolver;
  userAgent?: string;
}

export interface FetchRequest {
  /** Content types accepted (media types without parameters, e.g. "text/html"; "*\/*" for any). */
  accept: readonly string[];
  /** The most bytes of (decoded) body read; more is refused. */
  maxBytes: number;
  signal: AbortSignal;
  headers?: Record<string, string>;
}

export interface FetchedBody {
  /** The final URL, after redirects. */
  url: URL;
  status: number;
  contentType: string;
  headers: Headers;
  bytes: Uint8Array;
}

/** Fetches what chat users link to: GET only, public addresses only, bounded in time and size. */
export type SafeFetch = (url: URL, request: FetchRequest) => Promise<FetchedBody>;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const DEFAULT_USER_AGENT = 'recap/0.1 (a chat bot that summarizes shared links)';

export function createSafeFetch(options: SafeFetchOptions): SafeFetch {
  const resolve = options.resolve ?? systemResolver;
  const maxRedirects = options.maxRedirects ?? 5;
  // The address is checked when the connection is made, so a name that resolves to an inside address
  // is refused too, including one whose DNS answer changes between a check and the connection.
  const guardedLookup: LookupFunction = (hostname, lookupOptions, callback) => {
    checkedAddresses(hostname, options.policy, resolve).then(
      (addresses) => {
        const family = typeof lookupOptions === 'object' ? lookupOptions.family : undefined;
        const usable =
          family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
        if ((lookupOptions as { all?: boolean }).all) {
          (callback as (error: null, addresses: LookupAddress[]) => void)(null, usable);
        } else {
          const first = usable[0] ?? addresses[0];
          if (!first) callback(new Error(`no address for ${hostname}`), '', 4);
          else callback(null, first.address, first.family);
        }
      },
      (error: Error) => callback(error, '', 4),
    );
  };
  const agent = new Agent({
    connect: { lookup: guardedLookup, timeout: options.timeoutMs },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });

  return async (startUrl, request) => {
    // One deadline for the whole fetch (every redirect, the headers and the body): undici's own
    // timeouts only measure the gaps between chunks, so a server dripping a byte at a time beats them.
    const deadline = startDeadline(request.signal, options.timeoutMs);
    try {
      return await fetchFollowingRedirects(startUrl, request, deadline);
    } finally {
      deadline.dispose();
    }
  };

  async function fetchFollowingRedirects(
    startUrl: URL,
    request: FetchRequest,
    deadline: Deadline,
  ): Promise<FetchedBody> {
    let url = startUrl;
    // Credentials given for one site (a Slack file's bearer token) never follow a redirect elsewhere.
    const sameOriginHeaders = request.headers ?? {};
    for (let hop = 0; ; hop++) {
      checkUrl(url, options.policy);
      let response: Awaited<ReturnType<typeof undiciFetch>>;
      try {
        response = await undiciFetch(url, {
          method: 'GET',
          redirect: 'manual',
          dispatcher: agent,
          signal: deadline.signal,
          headers: {
            'user-agent': options.userAgent ?? DEFAULT_USER_AGENT,
            accept: request.accept.join(', '),
            ...(url.origin === startUrl.origin ? sameOriginHeaders : {}),
          },
        });
      } catch (error) {
        throw fetchFailure(error, url, request.signal, deadline);
      }
      if (REDIRECTS.has(response.status)) {
        await response.body?.cancel();
        const location = response.headers.get('location');
        if (!location) throw linkFailed(url, `it redirected (HTTP ${response.status}) without saying where`);
        if (hop >= maxRedirects) throw linkFailed(url, `it redirected more than ${maxRedirects} times`);
        url = new URL(location, url);
        continue;
      }
      await refuseUnreadable(response, url, request.accept);
      const bytes = await readBody(response, request.maxBytes, url, request.signal, deadline);
      return {
        url,
        status: response.status,
        contentType: mediaType(response),
        headers: response.headers as unknown as Headers,
        bytes,
      };
    }
  }
}

type UndiciResponse = Awaited<ReturnType<typeof undiciFetch>>;

function mediaType(response: UndiciResponse): string {
  return (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Refuses an HTTP error or a content type recap cannot read, before reading the body. */
async function refuseUnreadable(
  response: UndiciResponse,
  url: URL,
  accept: readonly string[],
): Promise<void> {
  if (!response.ok) {
    await response.body?.cancel();
    throw new RecapError(
      'link_failed',
      `${url.href} answered with HTTP ${response.status}${statusHint(response.status)}.`,
      { cause: new Error(`HTTP ${response.status} from ${url.href}`) },
    );
  }
  const contentType = mediaType(response);
  if (!accept.includes('*/*') && !accept.includes(contentType)) {
    await response.body?.cancel();
    throw new RecapError(
      'unsupported_input',
      `${url.href} is ${contentType ? `"${contentType}"` : 'of an unknown type'}, which recap cannot read. It reads web pages, plain text, Markdown, PDF and subtitle files.`,
    );
  }
}

/** Checks the scheme, credentials and (for an IP literal) the address, before any connection. */
function checkUrl(url: URL, policy: AddressPolicy): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw blocked(url, `only http and https links are followed, not ${url.protocol.replace(':', '')}`);
  }
  if (url.username || url.password) throw blocked(url, 'links with a user name or password are not followed');
  const host = url.hostname;
  if (policy.allowsHostName(host)) return;
  const literal = host.startsWith('[') ? host.slice(1, -1) : /^[\d.]+$/.test(host) ? host : undefined;
  if (literal !== undefined) {
    const refusal = policy.refusalFor(literal);
    if (refusal) throw blocked(url, refusal);
  }
}

async function checkedAddresses(
  hostname: string,
  policy: AddressPolicy,
  resolve: Resolver,
): Promise<LookupAddress[]> {
  const addresses = await resolve(hostname);
  if (addresses.length === 0) throw new Error(`no address for ${hostname}`);
  if (policy.allowsHostName(hostname)) return addresses;
  for (const { address } of addresses) {
    const refusal = policy.refusalFor(address);
    if (refusal)
      throw new BlockedAddress(
        `${hostname} resolves to ${refusal.replace(/^\S+ is /, 'an address that is ')}`,
      );
  }
  return addresses;
}

class BlockedAddress extends Error {}

function systemResolver(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    );
  });
}

/** The body, refused when it claims or turns out to be larger than `maxBytes`. */
async function readBody(
  response: UndiciResponse,
  maxBytes: number,
  url: URL,
  callerSignal: AbortSignal,
  deadline: Deadline,
): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge(url, maxBytes);
  }
  try {
    return await readCapped(response.body, {
      maxBytes,
      signal: deadline.signal,
      tooLarge: () => tooLarge(url, maxBytes),
    });
  } catch (error) {
    if (isRecapError(error) && error.code === 'input_too_large') throw error;
    throw fetchFailure(error, url, callerSignal, deadline);
  }
}

function fetchFailure(error: unknown, url: URL, callerSignal: AbortSignal, deadline: Deadline): RecapError {
  if (callerSignal.aborted) return cancelledError(callerSignal.reason);
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof BlockedAddress) return blocked(url, current.message);
    current = current.cause;
  }
  if (deadline.expired) return linkFailed(url, 'it took too long to answer', error);
  return linkFailed(url, 'it could not be reached', error);
}

function blocked(url: URL, reason: string): RecapError {
  return new RecapError(
    'link_blocked',
    `Not opening ${url.href}: ${reason}. Links must point to public web sites; an admin can allow internal hosts with FETCH_ALLOW_HOSTS.`,
  );
}

function linkFailed(url: URL, reason: string, cause?: unknown): RecapError {
  return new RecapError(
    'link_failed',
    `Couldn't fetch ${url.href}: ${reason}. Check the link, or upload the file instead.`,
    {
      cause,
    },
  );
}

function tooLarge(url: URL, maxBytes: number): RecapError {
  return new RecapError(
    'input_too_large',
    `${url.href} is larger than ${formatBytes(maxBytes)}, the most recap reads. Share a shorter document or a link to its text.`,
  );
}

function statusHint(status: number): string {
  if (status === 401 || status === 403)
    return ': it needs a login recap does not have; upload the file instead';
  if (status === 404 || status === 410) return ': the page does not exist';
  if (status === 429) return ': the site is limiting requests; try again later';
  return '';
}

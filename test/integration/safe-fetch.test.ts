import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAddressPolicy } from '../../src/core/fetch/address-policy.js';
import { createSafeFetch, type Resolver } from '../../src/core/fetch/safe-fetch.js';
import { type LocalServer, listenLocal } from '../fakes/http.js';
import { startDrippingServer } from '../fakes/web.js';

/** Every request the test server saw; a hostile link must add none. */
const seen: string[] = [];
const authorizations: string[] = [];
let server: LocalServer;
let port: number;

beforeAll(async () => {
  server = await listenLocal((request, response) => {
    seen.push(`${request.headers.host} ${request.url}`);
    authorizations.push(`${request.headers.host} ${request.headers.authorization ?? 'none'}`);
    const url = new URL(request.url ?? '/', 'http://x');
    const to = url.searchParams.get('to');
    if (url.pathname === '/redirect' && to) {
      response.writeHead(302, { location: to });
      return void response.end();
    }
    if (url.pathname === '/loop') {
      const n = Number(url.searchParams.get('n') ?? '0');
      response.writeHead(302, { location: `/loop?n=${n + 1}` });
      return void response.end();
    }
    if (url.pathname === '/big') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      return void response.end('x'.repeat(5000));
    }
    if (url.pathname === '/binary') {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      return void response.end('MZ');
    }
    if (url.pathname === '/slow') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('start');
      return; // never ends
    }
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('hello from the intranet');
  });
  port = Number(new URL(server.url).port);
});
afterAll(() => server.close());

/** Test DNS: names the tests make up, resolving where each case needs. */
const dns: Record<string, LookupAddress[]> = {
  'wiki.corp.test': [{ address: '127.0.0.1', family: 4 }],
  'files.corp.test': [{ address: '127.0.0.1', family: 4 }],
  'evil.test': [{ address: '127.0.0.1', family: 4 }],
  'metadata.test': [{ address: '169.254.169.254', family: 4 }],
  'mixed.test': [
    { address: '93.184.216.34', family: 4 },
    { address: '127.0.0.1', family: 4 },
  ],
  'v6loop.test': [{ address: '::1', family: 6 }],
  'mapped.test': [{ address: '::ffff:10.0.0.1', family: 6 }],
  'compatible.test': [{ address: '::7f00:1', family: 6 }],
  localhost: [{ address: '127.0.0.1', family: 4 }],
};
const resolver: Resolver = async (hostname) => {
  const answer = dns[hostname];
  if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return answer;
};

function fetcher(allow: string[] = ['wiki.corp.test'], timeoutMs = 2000) {
  return createSafeFetch({ policy: createAddressPolicy(allow), timeoutMs, resolve: resolver });
}

const request = () => ({
  accept: ['text/plain', 'text/html'],
  maxBytes: 1000,
  signal: new AbortController().signal,
});

describe('safe fetch', () => {
  const hostile = (): string[] => [
    `http://127.0.0.1:${port}/`,
    `http://localhost:${port}/`,
    `http://2130706433:${port}/`,
    `http://0x7f.1:${port}/`,
    `http://0x7f000001:${port}/`,
    `http://0177.0.0.1:${port}/`,
    `http://017700000001:${port}/`,
    `http://127.1:${port}/`,
    `http://127.000.000.001:${port}/`,
    `http://[::1]:${port}/`,
    `http://[::ffff:127.0.0.1]:${port}/`,
    `http://[0:0:0:0:0:ffff:7f00:1]:${port}/`,
    `http://0.0.0.0:${port}/`,
    `http://0:${port}/`,
    `http://[::]:${port}/`,
    `http://[::127.0.0.1]:${port}/`,
    'http://[::169.254.169.254]/',
    'http://[::10.0.0.1]/',
    'http://[::8.8.8.8]/',
    'http://[::1:2]/',
    'http://10.0.0.1/',
    'http://172.16.5.4/',
    'http://192.168.1.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://100.64.0.1/',
    'http://224.0.0.1/',
    'http://255.255.255.255/',
    'http://[fc00::1]/',
    'http://[fd12:3456:789a::1]/',
    'http://[fe80::1]/',
    'http://[ff02::1]/',
    'http://[64:ff9b::7f00:1]/',
    'http://[64:ff9b:1::a00:1]/',
    `http://evil.test:${port}/`,
    'http://metadata.test/latest/meta-data/',
    `http://mixed.test:${port}/`,
    `http://v6loop.test:${port}/`,
    'http://mapped.test/',
    `http://compatible.test:${port}/`,
    `http://user:secret@wiki.corp.test:${port}/`,
    'ftp://wiki.corp.test/file.txt',
    'file:///etc/passwd',
    'gopher://wiki.corp.test:70/',
    'data:text/plain,hello',
    'javascript:alert(1)',
    `http://wiki.corp.test:${port}/redirect?to=${encodeURIComponent(`http://127.0.0.1:${port}/secret`)}`,
    `http://wiki.corp.test:${port}/redirect?to=${encodeURIComponent('http://169.254.169.254/')}`,
    `http://wiki.corp.test:${port}/redirect?to=${encodeURIComponent(`http://evil.test:${port}/`)}`,
    `http://wiki.corp.test:${port}/redirect?to=${encodeURIComponent('file:///etc/passwd')}`,
    `http://wiki.corp.test:${port}/redirect?to=${encodeURIComponent(`http://[::1]:${port}/`)}`,
  ];

  it('has at least 30 hostile links to try', () => {
    expect(hostile().length).toBeGreaterThanOrEqual(30);
  });

  it('refuses every hostile link and redirect without ever requesting it', async () => {
    const fetch = fetcher();
    for (const link of hostile()) {
      seen.length = 0;
      const outcome = await fetch(new URL(link), request()).then(
        () => 'fetched',
        (error: { code?: string }) => error.code,
      );
      expect(outcome, link).toBe('link_blocked');
      // A redirect's first hop is to the allowed host; what it points to must never be requested.
      expect(
        seen.filter((line) => !line.startsWith(`wiki.corp.test:${port} /redirect`)),
        link,
      ).toEqual([]);
    }
  });

  it('says why a link was refused and how an admin can allow internal hosts', async () => {
    await expect(fetcher()(new URL('http://169.254.169.254/latest/'), request())).rejects.toMatchObject({
      userMessage: expect.stringMatching(/169\.254\.169\.254 is a link-local address.*FETCH_ALLOW_HOSTS/),
    });
  });

  it('fetches an internal host an admin allowed by name', async () => {
    const body = await fetcher(['wiki.corp.test'])(new URL(`http://wiki.corp.test:${port}/page`), request());
    expect(Buffer.from(body.bytes).toString()).toBe('hello from the intranet');
    expect(body.contentType).toBe('text/plain');
  });

  it.each([['127.0.0.0/8'], ['127.0.0.1'], ['::ffff:127.0.0.0/104']])(
    'fetches an address an admin allowed as %s',
    async (entry) => {
      const body = await fetcher([entry])(new URL(`http://127.0.0.1:${port}/`), request());
      expect(body.status).toBe(200);
    },
  );

  it('still refuses other inside addresses when one range is allowed', async () => {
    await expect(fetcher(['127.0.0.1/32'])(new URL('http://10.1.2.3/'), request())).rejects.toMatchObject({
      code: 'link_blocked',
    });
  });

  it('follows up to five redirects, checking each, and refuses the sixth', async () => {
    const fetch = fetcher(['wiki.corp.test']);
    const to = `http://wiki.corp.test:${port}/ok`;
    const ok = await fetch(
      new URL(`http://wiki.corp.test:${port}/redirect?to=${encodeURIComponent(to)}`),
      request(),
    );
    expect(ok.url.href).toBe(to);
    await expect(fetch(new URL(`http://wiki.corp.test:${port}/loop`), request())).rejects.toMatchObject({
      code: 'link_failed',
      userMessage: expect.stringContaining('more than 5 times'),
    });
    expect(seen.filter((line) => line.includes('/loop')).length).toBeLessThanOrEqual(6 + 1);
  });

  it('sends credentials to the origin they were given for, never across a redirect to another', async () => {
    authorizations.length = 0;
    const fetch = fetcher(['wiki.corp.test', 'files.corp.test']);
    const elsewhere = `http://files.corp.test:${port}/ok`;
    const sameSite = `http://wiki.corp.test:${port}/ok`;
    const headers = { authorization: 'Bearer xoxb-secret' };
    await fetch(new URL(`http://wiki.corp.test:${port}/redirect?to=${encodeURIComponent(sameSite)}`), {
      ...request(),
      headers,
    });
    await fetch(new URL(`http://wiki.corp.test:${port}/redirect?to=${encodeURIComponent(elsewhere)}`), {
      ...request(),
      headers,
    });
    expect(authorizations).toEqual([
      `wiki.corp.test:${port} Bearer xoxb-secret`,
      `wiki.corp.test:${port} Bearer xoxb-secret`,
      `wiki.corp.test:${port} Bearer xoxb-secret`,
      `files.corp.test:${port} none`,
    ]);
  });

  it('refuses a body over the size cap, counting the bytes actually read', async () => {
    await expect(fetcher()(new URL(`http://wiki.corp.test:${port}/big`), request())).rejects.toMatchObject({
      code: 'input_too_large',
    });
  });

  it('refuses a content type it cannot read', async () => {
    await expect(fetcher()(new URL(`http://wiki.corp.test:${port}/binary`), request())).rejects.toMatchObject(
      {
        code: 'unsupported_input',
        userMessage: expect.stringContaining('application/octet-stream'),
      },
    );
  });

  it('gives up on a server that stops sending, within its time limit', async () => {
    await expect(
      fetcher(['wiki.corp.test'], 300)(new URL(`http://wiki.corp.test:${port}/slow`), request()),
    ).rejects.toMatchObject({
      code: 'link_failed',
      userMessage: expect.stringContaining('too long'),
    });
  });

  it('gives up on a body sent one byte at a time, by a total deadline that garbage collection cannot lose', async () => {
    const dripping = await startDrippingServer();
    try {
      const timeoutMs = 300;
      const outcome = await dripping.outcomeOf(
        () =>
          fetcher(['127.0.0.1'], timeoutMs)(new URL(`${dripping.url}/drip`), { ...request(), maxBytes: 1e6 }),
        timeoutMs,
      );
      expect(outcome).toMatch(/took too long/);
    } finally {
      await dripping.close();
    }
  });

  it('says a host that does not exist could not be reached', async () => {
    await expect(fetcher()(new URL('http://nowhere.test/'), request())).rejects.toMatchObject({
      code: 'link_failed',
    });
  });
});

/**
 * Slack's guards that no integration test reaches: a response_url's 30 minutes and 5 uses, and the rule
 * that the bot token goes only to the listed file hosts, over https.
 */
import { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { SlackCalls } from '../../../src/bots/slack/slack-calls.js';
import { mayHaveToken } from '../../../src/bots/slack/surface.js';
import { collectingLogger } from '../../helpers/logs.js';

const MINUTE = 60_000;

/** SlackCalls on a clock the test moves, whose response_url posts are counted and always accepted. */
function callsAt(start: number) {
  const clock = { now: start };
  const posts: string[] = [];
  const fetch = (async (url: string | URL | Request) => {
    posts.push(String(url));
    return new Response('ok', { status: 200 });
  }) as typeof globalThis.fetch;
  const calls = new SlackCalls(new WebClient('xoxb-unused'), {
    log: collectingLogger([]),
    fetch,
    now: () => clock.now,
  });
  return { calls, clock, posts };
}

describe('a response_url', () => {
  const issuedAt = 1_000_000;

  it('is used for 30 minutes after Slack issued it, and refused from then on without a call', async () => {
    const { calls, clock, posts } = callsAt(issuedAt);
    const responseUrl = { url: 'https://hooks.example/1', issuedAt, uses: 0 };
    clock.now = issuedAt + 30 * MINUTE - 1;
    await calls.respond(responseUrl, { text: 'in time' });
    clock.now = issuedAt + 30 * MINUTE;
    await expect(calls.respond(responseUrl, { text: 'too late' })).rejects.toMatchObject({
      code: 'surface_expired',
    });
    expect(posts).toHaveLength(1);
  });

  it('is used five times, and refused the sixth without a call', async () => {
    const { calls, posts } = callsAt(issuedAt);
    const responseUrl = { url: 'https://hooks.example/1', issuedAt, uses: 0 };
    for (let use = 0; use < 5; use++) await calls.respond(responseUrl, { text: `post ${use}` });
    expect(responseUrl.uses).toBe(5);
    expect(calls.responseUrlAlive(responseUrl)).toBe(false);
    await expect(calls.respond(responseUrl, { text: 'sixth' })).rejects.toMatchObject({
      code: 'surface_expired',
    });
    expect(posts).toHaveLength(5);
  });
});

describe('the bot token on a file download', () => {
  const hosts = ['files.slack.com'];

  it('goes to a listed host over https', () => {
    expect(mayHaveToken(new URL('https://files.slack.com/files-pri/T1-F1/a.txt'), hosts)).toBe(true);
  });

  it('never goes over plain http, even to a listed host', () => {
    expect(mayHaveToken(new URL('http://files.slack.com/files-pri/T1-F1/a.txt'), hosts)).toBe(false);
  });

  it('never goes to another host, however like Slack it looks', () => {
    for (const address of [
      'https://files.slack.com.evil.example/a.txt',
      'https://evil.example/files.slack.com/a.txt',
      'https://slack.com/files-pri/T1-F1/a.txt',
    ])
      expect(mayHaveToken(new URL(address), hosts), address).toBe(false);
  });

  it('goes over plain http only to this machine (the fakes), when it is listed', () => {
    expect(mayHaveToken(new URL('http://127.0.0.1:8080/files-pri/a.txt'), ['127.0.0.1:8080'])).toBe(true);
    expect(mayHaveToken(new URL('http://127.0.0.1:8080/files-pri/a.txt'), hosts)).toBe(false);
  });
});

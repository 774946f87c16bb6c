/** What the Slack integration tests read from the fake's record of Web API calls, and the servers they start. */
import { expect } from 'vitest';
import { listenLocal } from '../fakes/http.js';
import type { WebApiCall } from '../fakes/slack.js';
import { waitFor } from './discord-harness.js';
import type { SlackHarness } from './slack-harness.js';

export type Block = { type: string; text?: { text: string }; elements?: { text: string }[] };
export const blocksOf = (call: WebApiCall | undefined) => (call?.args.blocks as Block[] | undefined) ?? [];
export const sectionText = (call: WebApiCall | undefined) =>
  blocksOf(call).find((b) => b.type === 'section')?.text?.text ?? '';
export const bulletLines = (call: WebApiCall | undefined) =>
  sectionText(call)
    .split('\n')
    .filter((line) => line.startsWith('• '));
export const summaryCall = (h: SlackHarness) =>
  waitFor(() =>
    h.slack.calls.find(
      (c) => ['chat.postMessage', 'chat.update'].includes(c.method) && blocksOf(c).length > 0,
    ),
  );

/** A person shares a file with the bot in a direct message; returns the message's ts. */
export async function shareInDirectMessage(h: SlackHarness, fileId: string): Promise<string> {
  const ts = h.slack.nextTs();
  const event = {
    type: 'message',
    subtype: 'file_share',
    channel_type: 'im',
    channel: 'D0000001',
    user: 'U0000002',
    text: '',
    ts,
    files: [{ id: fileId }],
  };
  await h.postEvent(h.slack.eventBody(event));
  return ts;
}

export function expectPlainEverywhere(h: SlackHarness): void {
  const posts = h.slack.calls.filter((c) => c.method === 'chat.postMessage' || c.method === 'chat.update');
  expect(posts.length).toBeGreaterThan(0);
  // Form-encoded by the Web API client, so the flags arrive as text.
  for (const call of posts)
    expect(call.args, call.method).toMatchObject({ parse: 'none', link_names: 'false' });
}

/** Servers a test started besides the harness (closed by `closeServers`, after each test). */
export const servers: { close(): Promise<void> }[] = [];

export async function closeServers(): Promise<void> {
  await Promise.all(servers.splice(0).map((server) => server.close()));
}

/** A server standing for one outside address (a response_url, a remote file's host): records each request. */
export async function recorder(answers: { status: number; body?: string }[] = []) {
  const requests: { path: string; authorization: string | undefined; body: string }[] = [];
  const server = await listenLocal((request, response, body) => {
    requests.push({
      path: request.url ?? '',
      authorization: request.headers.authorization,
      body: body.toString(),
    });
    const answer = answers.shift() ?? { status: 200, body: 'ok' };
    response.writeHead(answer.status, { 'content-type': 'text/plain' });
    response.end(answer.body ?? '');
  });
  servers.push(server);
  return { ...server, requests };
}

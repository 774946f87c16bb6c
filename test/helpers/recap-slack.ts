/**
 * What the Slack recap tests share: the harness per test, the ways to ask, and the recap as the person
 * saw it, read from the fake Slack's records (response_url posts, ephemeral messages, Web API calls).
 */
import type { WebApiCall } from '../fakes/slack.js';
import { waitFor } from './discord-harness.js';
import { closedAfterEach } from './per-test.js';
import { type SlackHarness, startSlackHarness } from './slack-harness.js';

export * from './recap.js';

export type Block = { type: string; text?: { text: string }; elements?: { text: string }[] };
type Json = Record<string, unknown>;

/** Starts a harness for the test, closed after it. */
export function slackHarnessPerTest() {
  return closedAfterEach()(startSlackHarness);
}

/** `/recap <text>` from a person in a channel (ana in #general by default). */
export async function recapCommand(h: SlackHarness, text: string, user = 'U0000001', channel = 'C0000001') {
  const form = h.slack.commandForm(text, channel, user, '/recap');
  await h.postCommand(form);
  return form;
}

/** A message's blocks, wherever it was sent. */
export const blocksIn = (payload: Json | undefined) => (payload?.blocks as Block[] | undefined) ?? [];

export const headerOf = (blocks: Block[]) => blocks.find((b) => b.type === 'header')?.text?.text;

/** The bullet sections of a recap. */
export const bulletsIn = (blocks: Block[]) =>
  blocks.filter((b) => b.type === 'section').map((b) => b.text?.text ?? '');

/** The context lines of a recap (who asked, the footer). */
export const contextsIn = (blocks: Block[]) =>
  blocks.filter((b) => b.type === 'context').map((b) => b.elements?.[0]?.text ?? '');

const isRecap = (payload: Json | undefined) => headerOf(blocksIn(payload))?.startsWith('Recap of');

/** The recap posted privately through a response_url. */
export function privateRecap(h: SlackHarness): Promise<Json> {
  return waitFor(() => h.slack.responses.find((r) => isRecap(r.body))?.body);
}

/** The recap shown as an ephemeral message (no response_url: a mention). */
export function ephemeralRecap(h: SlackHarness): Promise<{ channel: string; user: string; message: Json }> {
  return waitFor(() => h.slack.ephemerals.find((e) => isRecap(e.message)));
}

/** The Web API call that made a public recap (an update of its placeholder, or a new post). */
export function publicRecap(h: SlackHarness): Promise<WebApiCall> {
  return waitFor(() =>
    h.slack.calls.find((c) => ['chat.update', 'chat.postMessage'].includes(c.method) && isRecap(c.args)),
  );
}

/** What the person was told privately, once it is not the first notice. */
export function privateWords(h: SlackHarness): Promise<string> {
  return waitFor(() => {
    const said = h.slack.responses.map((r) => String(r.body.text ?? ''));
    return said.find((text) => !text.startsWith(':memo: Recapping'));
  });
}

export const historyCalls = (h: SlackHarness) => h.slack.callsTo('conversations.history');

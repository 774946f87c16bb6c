/**
 * How a Slack job ends when the place it answers in changes under it: the placeholder deleted while the
 * model works, chat.update and chat.delete refused, a 429 on the answer, an archived channel. Each ends
 * with the summary, or what went wrong, where the person sees it, and no placeholder left waiting.
 */
import { describe, expect, it } from 'vitest';
import { startFakeWeb } from '../fakes/web.js';
import { waitFor } from '../helpers/discord-harness.js';
import { closedAfterEach } from '../helpers/per-test.js';
import { type SlackHarness, startSlackHarness } from '../helpers/slack-harness.js';

const closing = closedAfterEach();
const startHarness = closing(startSlackHarness);
const startWeb = closing(startFakeWeb);

type Stored = { ts: string; user?: string; text?: string; thread_ts?: string; blocks?: unknown };
const CHANNEL = 'C0000001';
const WAITING = ':hourglass_flowing_sand:';

const botMessages = (h: SlackHarness, channel = CHANNEL) =>
  ((h.slack.workspace.messages.get(channel) ?? []) as Stored[]).filter((m) => m.user === h.slack.bot.userId);
const isSummary = (m: Stored) => JSON.stringify(m.blocks ?? '').split('• ').length - 1 === 5;

/**
 * A mention with a link, its chat held on the model so the test can act while it works: the placeholder's
 * ts, and `answer()` to let the model answer.
 */
async function mentionWhileWorking(): Promise<{
  h: SlackHarness;
  placeholder: string;
  thread: string;
  answer: () => void;
}> {
  const web = await startWeb();
  const h = await startHarness();
  const answer = h.ollama.hold();
  const thread = h.slack.nextTs();
  await h.postEvent(
    h.slack.eventBody({
      type: 'app_mention',
      user: 'U0000002',
      text: `<@${h.slack.bot.userId}> <${web.url}/notes.txt>`,
      ts: thread,
      channel: CHANNEL,
    }),
  );
  await waitFor(() => h.ollama.chats.length > 0, 'the chat on the model');
  const placeholder = await waitFor(
    () => botMessages(h).find((m) => m.text?.startsWith(WAITING))?.ts,
    'the placeholder',
  );
  return { h, placeholder, thread, answer };
}

describe('Slack: the answer when its place changes under it', () => {
  it('answers in the thread when the placeholder was deleted while the model worked', async () => {
    const { h, placeholder, thread, answer } = await mentionWhileWorking();
    h.slack.deleteMessage(CHANNEL, placeholder);
    answer();
    const summary = await waitFor(() => botMessages(h).find(isSummary));
    expect(summary).toMatchObject({ thread_ts: thread });
    expect(botMessages(h).filter((m) => m.text?.startsWith(WAITING))).toEqual([]);
  });

  it('answers in the thread and marks the placeholder when it can be neither updated nor deleted', async () => {
    const { h, placeholder, thread, answer } = await mentionWhileWorking();
    h.slack.failNext('chat.update', { error: 'cant_update_message' });
    h.slack.failNext('chat.delete', { error: 'cant_delete_message' });
    answer();
    const summary = await waitFor(() => botMessages(h).find(isSummary));
    expect(summary).toMatchObject({ thread_ts: thread });
    await waitFor(() => !h.slack.workspace.find(CHANNEL, placeholder)?.text?.startsWith(WAITING));
    expect(h.slack.workspace.find(CHANNEL, placeholder)?.text).toMatch(/answer is below/);
  });

  it('waits out a 429 on the answer and puts the summary in the placeholder', async () => {
    const { h, placeholder, answer } = await mentionWhileWorking();
    h.slack.rateLimitNext('chat.update', 1);
    answer();
    await waitFor(() => isSummary(h.slack.workspace.find(CHANNEL, placeholder) as Stored));
    expect(botMessages(h)).toHaveLength(1);
  });

  it('answers in a direct message when the placeholder is gone and recap was removed from the channel', async () => {
    const { h, placeholder, answer } = await mentionWhileWorking();
    h.slack.deleteMessage(CHANNEL, placeholder);
    h.slack.setMembers(CHANNEL, ['U0000001', 'U0000002', 'U0000003']);
    answer();
    // The thread and an ephemeral message need recap in the channel: the last resort is the App Home DM.
    const direct = await waitFor(() => botMessages(h, 'D0000001').find(isSummary));
    expect(direct.text).toMatch(/^About what you asked for in <#C0000001>/);
  });

  it('tells the person privately when the channel is archived', async () => {
    const web = await startWeb();
    const harness = await startHarness();
    const h = harness;
    h.slack.seedChannel('C0000005', { archived: true, members: [h.slack.bot.userId, 'U0000001'] });
    await h.postCommand(h.slack.commandForm(`${web.url}/notes.txt`, 'C0000005'));
    const answer = await waitFor(() => h.slack.responses[0]);
    expect(JSON.stringify(answer)).toMatch(/archived/);
    expect(botMessages(h, 'C0000005')).toEqual([]);
  });
});

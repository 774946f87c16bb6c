import { afterEach, describe, expect, it } from 'vitest';
import { SIGNING_SECRET, slackSignature } from '../fakes/slack.js';
import { waitFor } from '../helpers/discord-harness.js';
import { closedAfterEach } from '../helpers/per-test.js';
import { closeServers, recorder, summaryCall } from '../helpers/slack-calls.js';
import { startSlackHarness } from '../helpers/slack-harness.js';

/** Slack: every request ends visibly, whatever fails on the way. */

const closing = closedAfterEach();
const startHarness = closing(startSlackHarness);
afterEach(closeServers);

describe('Slack: every request ends visibly', () => {
  it('tries the response_url again when it fails once, and leaves no parent message behind', async () => {
    const harness = await startHarness();
    const respond = await recorder([{ status: 503 }]);
    await harness.postCommand({
      ...harness.slack.commandForm('http://169.254.169.254/latest/meta-data/'),
      response_url: `${respond.url}/commands/T1/1/secret`,
    });
    await waitFor(() => respond.requests.length === 2);
    expect(JSON.parse(respond.requests[1]?.body ?? '{}')).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/Not opening .*link-local/),
    });
    const parent = harness.slack.callsTo('chat.postMessage')[0];
    await waitFor(() => harness.slack.callsTo('chat.delete')[0]);
    expect(harness.slack.callsTo('chat.delete')[0]?.args.ts).toBeDefined();
    expect(parent?.args.thread_ts).toBeUndefined();
  });

  it('tells the person privately through the bot when the response_url has expired', async () => {
    const harness = await startHarness();
    const respond = await recorder([{ status: 404, body: 'expired_url' }]);
    await harness.postCommand({
      ...harness.slack.commandForm('http://169.254.169.254/latest/meta-data/'),
      response_url: `${respond.url}/commands/T1/1/secret`,
    });
    const ephemeral = await waitFor(() => harness.slack.callsTo('chat.postEphemeral')[0]);
    expect(ephemeral.args).toMatchObject({
      channel: 'C0000001',
      user: 'U0000001',
      text: expect.stringMatching(/Not opening .*link-local/),
    });
    await waitFor(() => harness.slack.callsTo('chat.delete')[0]);
    // An expired response_url is not tried again.
    expect(respond.requests).toHaveLength(1);
  });

  it('says how to invite it when the Summarize shortcut is used in a channel it is not in', async () => {
    const harness = await startHarness();
    harness.slack.notInChannel.add('C0000009');
    const message = harness.slack.addMessage('C0000009', { user: 'U0000002', text: 'Notes: launch in May.' });
    await harness.postShortcut(harness.slack.shortcutPayload('C0000009', message));
    const reply = await waitFor(() => harness.slack.responses[0]);
    expect(reply.body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('/invite @recap'),
    });
    expect(harness.ollama.chats).toEqual([]);
  });

  it('limits how often one person can ask, before the shared queue', async () => {
    const harness = await startHarness({ userLimit: 1 });
    await harness.postCommand(harness.slack.commandForm('The first request: the budget review.'));
    await waitFor(() => harness.slack.calls.find((c) => String(c.args.text).startsWith(':memo:')));
    await harness.postCommand(harness.slack.commandForm('The second request: the hiring plan.'));
    const refusal = await waitFor(() => harness.slack.responses[0]);
    expect(refusal.body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('Please wait'),
    });
    expect(harness.ollama.chats).toHaveLength(1);
  });

  it('runs a command replayed within the signature window once (the same trigger_id)', async () => {
    const harness = await startHarness();
    const form = harness.slack.commandForm('Notes: the office moves in June.');
    expect((await harness.postCommand(form)).status).toBe(200);
    expect((await harness.postCommand(form)).status).toBe(200);
    await waitFor(() => harness.slack.calls.find((c) => String(c.args.text).startsWith(':memo:')));
    expect(
      harness.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === undefined),
    ).toHaveLength(1);
    expect(harness.ollama.chats).toHaveLength(1);
  });

  it('refuses a request signed more than five minutes in the future', async () => {
    const harness = await startHarness();
    const body = new URLSearchParams(harness.slack.commandForm('Notes.')).toString();
    const ahead = Math.floor(Date.now() / 1000) + 6 * 60;
    const response = await harness.post(body, {
      contentType: 'application/x-www-form-urlencoded',
      timestamp: ahead,
      signature: slackSignature(SIGNING_SECRET, ahead, body),
    });
    expect(response.status).toBe(401);
    expect(harness.slack.callsTo('chat.postMessage')).toEqual([]);
  });

  it('never answers a mention written by a bot', async () => {
    const harness = await startHarness();
    const ts = harness.slack.nextTs();
    await harness.postEvent(
      harness.slack.eventBody({
        type: 'app_mention',
        user: 'U0000009',
        bot_id: 'B0000009',
        text: `<@${harness.slack.bot.userId}> https://example.com/a`,
        ts,
        channel: 'C0000001',
      }),
    );
    // A person's mention after it is answered: the bot's was seen first and ignored.
    await harness.postEvent(
      harness.slack.eventBody({
        type: 'app_mention',
        user: 'U0000003',
        text: `<@${harness.slack.bot.userId}> hello`,
        ts: harness.slack.nextTs(),
        channel: 'C0000001',
      }),
    );
    await waitFor(() =>
      harness.slack.callsTo('chat.postMessage').find((c) => String(c.args.text).startsWith('Mention me')),
    );
    expect(harness.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === ts)).toEqual([]);
    expect(harness.slack.callsTo('files.info')).toEqual([]);
  });

  it("sends the bot token only to Slack's file hosts: a remote file's own address gets none", async () => {
    const harness = await startHarness();
    const remote = await recorder([
      { status: 200, body: 'Remote notes: the vendor contract renews in March.' },
    ]);
    const message = harness.slack.addMessage('C0000001', {
      user: 'U0000002',
      text: 'a remote file',
      files: [
        {
          id: 'F0REMOTE1',
          name: 'notes.txt',
          mimetype: 'text/plain',
          url_private: `${remote.url}/notes.txt`,
        },
      ],
    });
    await harness.postShortcut(harness.slack.shortcutPayload('C0000001', message));
    await summaryCall(harness);
    expect(remote.requests).toEqual([
      expect.objectContaining({ path: '/notes.txt', authorization: undefined }),
    ]);
  });
});

import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createChatRuntime, createRecap } from '../../src/app.js';
import { startSlackApp } from '../../src/bots/slack/app.js';
import { loadConfig } from '../../src/config.js';
import { listenLocal } from '../fakes/http.js';
import {
  SIGNING_SECRET,
  SLACK_APP_TOKEN,
  SLACK_BOT_TOKEN,
  slackSignature,
  startFakeSlack,
  type WebApiCall,
} from '../fakes/slack.js';
import { startFakeWeb } from '../fakes/web.js';
import { waitFor } from '../helpers/discord-harness.js';
import { fixturePath } from '../helpers/fixtures.js';
import { collectingLogger } from '../helpers/logs.js';
import { type SlackHarness, startSlackHarness } from '../helpers/slack-harness.js';

let harness: SlackHarness | undefined;
let web: Awaited<ReturnType<typeof startFakeWeb>> | undefined;
afterEach(async () => {
  await harness?.close();
  await web?.close();
  harness = web = undefined;
});

type Block = { type: string; text?: { text: string }; elements?: { text: string }[] };
const blocksOf = (call: WebApiCall | undefined) => (call?.args.blocks as Block[] | undefined) ?? [];
const sectionText = (call: WebApiCall | undefined) =>
  blocksOf(call).find((b) => b.type === 'section')?.text?.text ?? '';
const bulletLines = (call: WebApiCall | undefined) =>
  sectionText(call)
    .split('\n')
    .filter((line) => line.startsWith('• '));
const summaryCall = (h: SlackHarness) =>
  waitFor(() =>
    h.slack.calls.find(
      (c) => ['chat.postMessage', 'chat.update'].includes(c.method) && blocksOf(c).length > 0,
    ),
  );

/** A person shares a file with the bot in a direct message; returns the message's ts. */
async function shareInDirectMessage(h: SlackHarness, fileId: string): Promise<string> {
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

function expectPlainEverywhere(h: SlackHarness): void {
  const posts = h.slack.calls.filter((c) => c.method === 'chat.postMessage' || c.method === 'chat.update');
  expect(posts.length).toBeGreaterThan(0);
  // Form-encoded by the Web API client, so the flags arrive as text.
  for (const call of posts)
    expect(call.args, call.method).toMatchObject({ parse: 'none', link_names: 'false' });
}

describe('Slack request signing (HTTP mode)', () => {
  it("reproduces Slack's documented signature example", () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(slackSignature('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body)).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });

  it("answers Slack's URL verification challenge when the Request URL is set up", async () => {
    harness = await startSlackHarness();
    const response = await harness.post(
      JSON.stringify({ token: 'x', challenge: 'c-123', type: 'url_verification' }),
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('c-123');
  });

  it('refuses a request with a bad signature, and one signed more than five minutes ago', async () => {
    harness = await startSlackHarness();
    const fields = harness.slack.commandForm('hello');
    const body = new URLSearchParams(fields).toString();
    const contentType = 'application/x-www-form-urlencoded';
    const forged = await harness.post(body, {
      contentType,
      signature: slackSignature('wrong-secret', Math.floor(Date.now() / 1000), body),
    });
    expect(forged.status).toBe(401);
    const old = Math.floor(Date.now() / 1000) - 6 * 60;
    const stale = await harness.post(body, {
      contentType,
      timestamp: old,
      signature: slackSignature(SIGNING_SECRET, old, body),
    });
    expect(stale.status).toBe(401);
    expect(harness.slack.callsTo('chat.postMessage')).toEqual([]);
  });
});

describe('Slack: /summarize', () => {
  it('acknowledges at once, posts a parent message, shows progress on it, and puts five bullets in its thread', async () => {
    web = await startFakeWeb();
    harness = await startSlackHarness({ ollama: { answerDelayMs: 300 } });
    const link = `${web.url}/news/bike-lanes`;
    const response = await harness.postCommand(harness.slack.commandForm(`<${link}|the bike lane story>`));
    expect(response.status).toBe(200);
    // The acknowledgement did not wait for the summary.
    expect(harness.slack.calls.filter((c) => blocksOf(c).length > 0)).toEqual([]);

    const summary = await summaryCall(harness);
    const parent = harness.slack.callsTo('chat.postMessage')[0];
    expect(parent?.args.text).toBe(
      `:hourglass_flowing_sand: Summarizing ${new URL(link).host}/news/bike-lanes…`,
    );
    expect(parent?.args.thread_ts).toBeUndefined();
    const parentTs = harness.slack.calls.find(
      (c) => c.method === 'chat.update' && String(c.args.text).includes('Reading'),
    )?.args.ts;
    expect(parentTs).toBeDefined();
    expect(summary.method).toBe('chat.postMessage');
    expect(summary.args.thread_ts).toBe(parentTs);
    expect(blocksOf(summary).map((b) => b.type)).toEqual(['header', 'section', 'context']);
    expect(blocksOf(summary)[0]?.text?.text).toBe('City council approves bike lane network');
    expect(bulletLines(summary)).toHaveLength(5);
    expect(String(summary.args.text)).toContain('City council approves bike lane network');
    const done = await waitFor(() =>
      harness?.slack.calls.find(
        (c) => c.method === 'chat.update' && String(c.args.text).startsWith(':memo:'),
      ),
    );
    expect(done.args.ts).toBe(parentTs);
    expectPlainEverywhere(harness);
  });

  it.each([
    ['says how to invite it when it is not in the channel', 'Notes about the launch plan.', '/invite @recap'],
    ['shows the usage privately when given nothing', '', 'Usage: `/summarize'],
  ])('%s', async (_name, text, expected) => {
    harness = await startSlackHarness();
    harness.slack.notInChannel.add('C0000009');
    await harness.postCommand(harness.slack.commandForm(text, 'C0000009'));
    const reply = await waitFor(() => harness?.slack.responses[0]);
    expect(reply.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining(expected) });
  });

  it('reports an error privately and removes its parent message', async () => {
    harness = await startSlackHarness();
    await harness.postCommand(harness.slack.commandForm('http://169.254.169.254/latest/meta-data/'));
    const reply = await waitFor(() => harness?.slack.responses[0]);
    expect(reply.body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/Not opening .*link-local/),
    });
    await waitFor(() => harness?.slack.callsTo('chat.delete')[0]);
  });
});

describe('Slack: the Summarize message shortcut', () => {
  it("summarizes a message's file, downloaded with the bot token, in that message's thread", async () => {
    harness = await startSlackHarness();
    const file = harness.slack.addFile(
      'standup.vtt',
      readFileSync(fixturePath('files/teams-meeting.vtt')),
      'text/vtt',
    );
    const message = harness.slack.addMessage('C0000001', {
      user: 'U0000002',
      text: 'recording notes',
      files: [{ id: file.id, name: file.name }],
    });
    const response = await harness.postShortcut(harness.slack.shortcutPayload('C0000001', message));
    expect(response.status).toBe(200);
    const summary = await summaryCall(harness);
    expect(bulletLines(summary)).toHaveLength(5);
    expect(harness.slack.callsTo('files.info')[0]?.args.file).toBe(file.id);
    expect(harness.slack.downloads).toEqual([
      { path: expect.stringContaining('standup.vtt'), authorization: 'Bearer xoxb-test-token' },
    ]);
    const placeholder = harness.slack.callsTo('chat.postMessage')[0];
    expect(placeholder?.args.thread_ts).toBe(message.ts);
    expect(summary).toMatchObject({ method: 'chat.update', args: { channel: 'C0000001' } });
  });
});

describe('Slack: mentions and direct messages', () => {
  it("summarizes the thread's parent when mentioned in a thread", async () => {
    web = await startFakeWeb();
    harness = await startSlackHarness();
    const parent = harness.slack.addMessage('C0000001', {
      user: 'U0000002',
      text: `Read this: <${web.url}/report.pdf>`,
    });
    const mentionTs = harness.slack.nextTs();
    await harness.postEvent(
      harness.slack.eventBody({
        type: 'app_mention',
        user: 'U0000003',
        text: `<@${harness.slack.bot.userId}> tl;dr?`,
        ts: mentionTs,
        thread_ts: parent.ts,
        channel: 'C0000001',
      }),
    );
    const summary = await summaryCall(harness);
    expect(bulletLines(summary)).toHaveLength(5);
    expect(harness.slack.callsTo('conversations.replies')[0]?.args).toMatchObject({
      channel: 'C0000001',
      ts: parent.ts,
    });
    for (const post of harness.slack.callsTo('chat.postMessage')) expect(post.args.thread_ts).toBe(parent.ts);
  });

  it('summarizes a link in the message that mentions it, in that message’s thread', async () => {
    web = await startFakeWeb();
    harness = await startSlackHarness();
    const ts = harness.slack.nextTs();
    await harness.postEvent(
      harness.slack.eventBody({
        type: 'app_mention',
        user: 'U0000003',
        text: `<@${harness.slack.bot.userId}> <${web.url}/notes.txt>`,
        ts,
        channel: 'C0000001',
      }),
    );
    await summaryCall(harness);
    expect(harness.slack.callsTo('chat.postMessage')[0]?.args.thread_ts).toBe(ts);
  });

  it('summarizes a file shared in a direct message', async () => {
    harness = await startSlackHarness();
    const file = harness.slack.addFile(
      'minutes.docx',
      readFileSync(fixturePath('files/minutes.docx')),
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    const ts = await shareInDirectMessage(harness, String(file.id));
    await summaryCall(harness);
    expect(harness.ollama.chats[0]?.messages.at(-1)?.content).toContain(
      'Decision: ship the café naïve release on 3 March.',
    );
    expect(harness.slack.callsTo('chat.postMessage')[0]?.args).toMatchObject({
      channel: 'D0000001',
      thread_ts: ts,
    });
  });

  it('escapes what the model wrote: a transcript full of <!channel> and @here pings nobody', async () => {
    harness = await startSlackHarness();
    const file = harness.slack.addFile(
      'all-hands.txt',
      Buffer.from(
        '<!channel> <!here> @here the all hands moves to Friday. <!everyone> <@U0000002> presents. Reply & ask <b>questions</b>.',
      ),
      'text/plain',
    );
    await shareInDirectMessage(harness, String(file.id));
    const summary = await summaryCall(harness);
    const everything = JSON.stringify(summary.args);
    expect(everything).toContain('&lt;!channel&gt;');
    expect(everything).not.toMatch(/<!channel>|<!here>|<!everyone>|<@U/);
    expect(summary.args.text).not.toMatch(/<!|<@/);
    expectPlainEverywhere(harness);
  });

  it('answers a retried event once', async () => {
    web = await startFakeWeb();
    harness = await startSlackHarness({ ollama: { answerDelayMs: 200 } });
    const body = harness.slack.eventBody({
      type: 'app_mention',
      user: 'U0000003',
      text: `<@${harness.slack.bot.userId}> <${web.url}/notes.txt>`,
      ts: harness.slack.nextTs(),
      channel: 'C0000001',
    });
    expect((await harness.postEvent(body)).status).toBe(200);
    expect((await harness.postEvent(body, 1)).status).toBe(200);
    expect((await harness.postEvent(body, 2)).status).toBe(200);
    await summaryCall(harness);
    // A later mention, answered after the retries: had one of them started a job, its placeholder
    // would have come before this one's (placeholders go out in the order requests came in).
    const later = harness.slack.eventBody({
      type: 'app_mention',
      user: 'U0000003',
      text: `<@${harness.slack.bot.userId}> <${web.url}/readme.md>`,
      ts: harness.slack.nextTs(),
      channel: 'C0000001',
    });
    expect((await harness.postEvent(later)).status).toBe(200);
    await waitFor(() =>
      harness?.slack.calls.find((c) => JSON.stringify(c.args.blocks ?? []).includes(`${web?.url}/readme.md`)),
    );
    expect(harness.slack.callsTo('chat.postMessage')).toHaveLength(2);
    expect(harness.ollama.chats).toHaveLength(2);
  });

  it('waits out a rate-limited Web API call (HTTP 429, Retry-After) and still answers', async () => {
    web = await startFakeWeb();
    harness = await startSlackHarness();
    harness.slack.rateLimitOnce.add('chat.postMessage');
    await harness.postEvent(
      harness.slack.eventBody({
        type: 'app_mention',
        user: 'U0000003',
        text: `<@${harness.slack.bot.userId}> <${web.url}/notes.txt>`,
        ts: harness.slack.nextTs(),
        channel: 'C0000001',
      }),
    );
    await summaryCall(harness);
    const attempts = harness.slack.callsTo('chat.postMessage');
    expect(attempts).toHaveLength(2);
    expect(attempts[1]?.args).toEqual(attempts[0]?.args);
  });

  it('tells the person when the file cannot be read (in the thread) and when the model is down (privately)', async () => {
    harness = await startSlackHarness();
    const file = harness.slack.addFile(
      'scan.pdf',
      readFileSync(fixturePath('files/scanned.pdf')),
      'application/pdf',
    );
    await shareInDirectMessage(harness, String(file.id));
    const scanError = await waitFor(() =>
      harness?.slack.calls.find(
        (c) => c.method === 'chat.update' && String(c.args.text).startsWith(':warning:'),
      ),
    );
    expect(scanError.args.text).toMatch(/looks like a scan/);

    await harness.ollama.close();
    await harness.postCommand(
      harness.slack.commandForm('The budget was approved and the launch moves to May.'),
    );
    const down = await waitFor(() => harness?.slack.responses[0]);
    expect(down.body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/Can't reach Ollama at .*`ollama serve`/),
    });
  });
});

describe('Slack: Socket Mode', () => {
  it('connects with the app token, acknowledges envelopes, and answers mentions, commands and shortcuts once each', async () => {
    web = await startFakeWeb();
    harness = await startSlackHarness({ socketMode: true });
    const { slack } = harness;
    expect(slack.callsTo('apps.connections.open')[0]?.token).toBe('xapp-1-test-token');
    expect(slack.socketConnections()).toBe(1);

    const event = slack.eventBody({
      type: 'app_mention',
      user: 'U0000003',
      text: `<@${slack.bot.userId}> <${web.url}/notes.txt|notes>`,
      ts: slack.nextTs(),
      channel: 'C0000001',
    });
    const ack = await slack.sendEnvelope('events_api', event);
    expect(ack).toMatchObject({ envelope_id: expect.any(String) });
    await slack.sendEnvelope('events_api', event, 1);
    const first = await summaryCall(harness);
    expect(bulletLines(first)).toHaveLength(5);

    const commandAck = await slack.sendEnvelope('slash_commands', slack.commandForm(`${web.url}/readme.md`));
    expect(commandAck.envelope_id).toBeDefined();
    await waitFor(() =>
      slack.calls.find((c) => c.method === 'chat.update' && String(c.args.text).startsWith(':memo:')),
    );

    const message = slack.addMessage('C0000001', { user: 'U0000002', text: `see <${web.url}/report.pdf>` });
    await slack.sendEnvelope('interactive', slack.shortcutPayload('C0000001', message));
    await waitFor(() => slack.calls.filter((c) => blocksOf(c).length > 0).length >= 3);

    // The retried mention was not answered a second time: three requests, three summaries.
    expect(slack.calls.filter((c) => blocksOf(c).length > 0)).toHaveLength(3);
    expect(harness.ollama.chats).toHaveLength(3);
  });
});

/** A server standing for one outside address (a response_url, a remote file's host): records each request. */
async function recorder(answers: { status: number; body?: string }[] = []) {
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

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('Slack: every request ends visibly', () => {
  it('tries the response_url again when it fails once, and leaves no parent message behind', async () => {
    harness = await startSlackHarness();
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
    await waitFor(() => harness?.slack.callsTo('chat.delete')[0]);
    expect(harness.slack.callsTo('chat.delete')[0]?.args.ts).toBeDefined();
    expect(parent?.args.thread_ts).toBeUndefined();
  });

  it('tells the person privately through the bot when the response_url has expired', async () => {
    harness = await startSlackHarness();
    const respond = await recorder([{ status: 404, body: 'expired_url' }]);
    await harness.postCommand({
      ...harness.slack.commandForm('http://169.254.169.254/latest/meta-data/'),
      response_url: `${respond.url}/commands/T1/1/secret`,
    });
    const ephemeral = await waitFor(() => harness?.slack.callsTo('chat.postEphemeral')[0]);
    expect(ephemeral.args).toMatchObject({
      channel: 'C0000001',
      user: 'U0000001',
      text: expect.stringMatching(/Not opening .*link-local/),
    });
    await waitFor(() => harness?.slack.callsTo('chat.delete')[0]);
    // An expired response_url is not tried again.
    expect(respond.requests).toHaveLength(1);
  });

  it('says how to invite it when the Summarize shortcut is used in a channel it is not in', async () => {
    harness = await startSlackHarness();
    harness.slack.notInChannel.add('C0000009');
    const message = harness.slack.addMessage('C0000009', { user: 'U0000002', text: 'Notes: launch in May.' });
    await harness.postShortcut(harness.slack.shortcutPayload('C0000009', message));
    const reply = await waitFor(() => harness?.slack.responses[0]);
    expect(reply.body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('/invite @recap'),
    });
    expect(harness.ollama.chats).toEqual([]);
  });

  it('limits how often one person can ask, before the shared queue', async () => {
    harness = await startSlackHarness({ userLimit: 1 });
    await harness.postCommand(harness.slack.commandForm('The first request: the budget review.'));
    await waitFor(() => harness?.slack.calls.find((c) => String(c.args.text).startsWith(':memo:')));
    await harness.postCommand(harness.slack.commandForm('The second request: the hiring plan.'));
    const refusal = await waitFor(() => harness?.slack.responses[0]);
    expect(refusal.body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('Please wait'),
    });
    expect(harness.ollama.chats).toHaveLength(1);
  });

  it('runs a command replayed within the signature window once (the same trigger_id)', async () => {
    harness = await startSlackHarness();
    const form = harness.slack.commandForm('Notes: the office moves in June.');
    expect((await harness.postCommand(form)).status).toBe(200);
    expect((await harness.postCommand(form)).status).toBe(200);
    await waitFor(() => harness?.slack.calls.find((c) => String(c.args.text).startsWith(':memo:')));
    expect(
      harness.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === undefined),
    ).toHaveLength(1);
    expect(harness.ollama.chats).toHaveLength(1);
  });

  it('refuses a request signed more than five minutes in the future', async () => {
    harness = await startSlackHarness();
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
    harness = await startSlackHarness();
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
      harness?.slack.callsTo('chat.postMessage').find((c) => String(c.args.text).startsWith('Mention me')),
    );
    expect(harness.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === ts)).toEqual([]);
    expect(harness.slack.callsTo('files.info')).toEqual([]);
  });

  it("sends the bot token only to Slack's file hosts: a remote file's own address gets none", async () => {
    harness = await startSlackHarness();
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

/** recap's Slack app on its own, against the Web API at `apiUrl`. */
function slackAppAt(apiUrl: string, mode: { signingSecret?: string; appToken?: string; port: number }) {
  const log = collectingLogger([]);
  const recap = createRecap(loadConfig({}));
  const runtime = createChatRuntime(loadConfig({}), recap, log);
  return startSlackApp({
    botToken: SLACK_BOT_TOKEN,
    ...mode,
    apiUrl,
    fileHosts: [],
    runtime,
    fetchFile: recap.fetch,
    log,
  });
}

describe('Slack: starting up', () => {
  it('says in one line that PORT is taken, instead of crashing', async () => {
    const taken = await listenLocal(() => undefined);
    servers.push(taken);
    const port = Number(new URL(taken.url).port);
    const slack = await startFakeSlack();
    servers.push(slack);
    await expect(slackAppAt(slack.apiUrl, { signingSecret: SIGNING_SECRET, port })).rejects.toMatchObject({
      code: 'config_invalid',
      userMessage: `PORT ${port} is already in use, so the Slack app cannot listen for events. Set PORT to a free port, or stop what uses it.`,
    });
  });

  it('gives up soon, with the cause, when Socket Mode cannot get a connection, rather than retrying for ever', async () => {
    const slack = await startFakeSlack();
    servers.push(slack);
    // Slack answers the bot token, but hands out no socket: every apps.connections.open fails.
    const gateway = await listenLocal(async (request, response, body) => {
      if (request.url?.endsWith('/apps.connections.open')) {
        response.writeHead(503).end('down');
        return;
      }
      const upstream = await fetch(`${slack.url}${request.url}`, {
        method: 'POST',
        headers: {
          'content-type': String(request.headers['content-type']),
          authorization: String(request.headers.authorization),
        },
        body,
      });
      response.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
    });
    servers.push(gateway);
    await expect(slackAppAt(`${gateway.url}/api/`, { appToken: SLACK_APP_TOKEN, port: 0 })).rejects.toThrow(
      /503/,
    );
  });
});

describe('Slack: under a burst', () => {
  it('gives each job its own signal: thirty requests at once add no listener to a shared one', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      harness = await startSlackHarness({ ollama: { answerDelayMs: 20 }, env: { RECAP_QUEUE_MAX: '40' } });
      const h = harness;
      const asks = Array.from({ length: 30 }, (_, i) => ({
        ...h.slack.commandForm(`Meeting ${i}: quarter ${i} budget approved.`, 'C0000001', `U1${i}`),
        // Slack's trigger ids are unique; the fake's repeat within a millisecond.
        trigger_id: `${i}.burst.${Date.now()}`,
      }));
      await Promise.all(asks.map((form) => h.postCommand(form)));
      await waitFor(
        () => h.slack.calls.filter((c) => String(c.args.text).startsWith(':memo:')).length === 30,
        20_000,
      );
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});

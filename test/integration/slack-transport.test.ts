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
} from '../fakes/slack.js';
import { startFakeWeb } from '../fakes/web.js';
import { waitFor } from '../helpers/discord-harness.js';
import { collectingLogger } from '../helpers/logs.js';
import { closedAfterEach } from '../helpers/per-test.js';
import { blocksOf, bulletLines, closeServers, servers, summaryCall } from '../helpers/slack-calls.js';
import { startSlackHarness } from '../helpers/slack-harness.js';

/** Slack: how requests arrive (signed HTTP, Socket Mode), starting up, and a burst. */

const closing = closedAfterEach();
const startHarness = closing(startSlackHarness);
const startWeb = closing(startFakeWeb);
afterEach(closeServers);

describe('Slack request signing (HTTP mode)', () => {
  it("reproduces Slack's documented signature example", () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(slackSignature('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body)).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });

  it("answers Slack's URL verification challenge when the Request URL is set up", async () => {
    const harness = await startHarness();
    const response = await harness.post(
      JSON.stringify({ token: 'x', challenge: 'c-123', type: 'url_verification' }),
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('c-123');
  });

  it('refuses a request with a bad signature, and one signed more than five minutes ago', async () => {
    const harness = await startHarness();
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

describe('Slack: Socket Mode', () => {
  it('connects with the app token, acknowledges envelopes, and answers mentions, commands and shortcuts once each', async () => {
    const web = await startWeb();
    const harness = await startHarness({ socketMode: true });
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
      const harness = await startHarness({ ollama: { answerDelayMs: 20 }, env: { RECAP_QUEUE_MAX: '40' } });
      const h = harness;
      const asks = Array.from({ length: 30 }, (_, i) => ({
        ...h.slack.commandForm(`Meeting ${i}: quarter ${i} budget approved.`, 'C0000001', `U1${i}`),
        // Slack's trigger ids are unique; the fake's repeat within a millisecond.
        trigger_id: `${i}.burst.${Date.now()}`,
      }));
      await Promise.all(asks.map((form) => h.postCommand(form)));
      await waitFor(
        () => h.slack.calls.filter((c) => String(c.args.text).startsWith(':memo:')).length === 30,
        'the 30 summaries',
      );
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});

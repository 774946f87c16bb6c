/**
 * Slack, where it fails quietly in real life: a download Slack refuses with its sign-in page, a link
 * sent in a direct message (as recap's own "invite me" notice suggests), and the HTTP server's errors.
 */
import { Server } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startFakeWeb } from '../fakes/web.js';
import { waitFor } from '../helpers/discord-harness.js';
import { closedAfterEach } from '../helpers/per-test.js';
import { placeholderOutcome, type SlackHarness, startSlackHarness } from '../helpers/slack-harness.js';

const closing = closedAfterEach();
const startHarness = closing(startSlackHarness);
const startWeb = closing(startFakeWeb);

/** A person's message in their direct message with recap (D0000001); returns its ts. */
async function directMessage(h: SlackHarness, fields: Record<string, unknown>): Promise<string> {
  const ts = h.slack.nextTs();
  const event = { type: 'message', channel_type: 'im', channel: 'D0000001', user: 'U0000002', ts, ...fields };
  await h.postEvent(h.slack.eventBody(event));
  return ts;
}

const outcome = placeholderOutcome;

const bullets = (text: string) => text.split('\n').filter((line) => line.startsWith('• '));

describe('Slack: a download refused with the sign-in page', () => {
  it('refuses a download that was redirected off the file hosts, and summarizes nothing', async () => {
    const harness = await startHarness();
    harness.slack.refuseFiles();
    // An HTML file: only where the download ended says it was not the file.
    const file = harness.slack.addFile('agenda.html', Buffer.from('<p>Agenda</p>'), 'text/html');
    await directMessage(harness, { subtype: 'file_share', text: '', files: [{ id: file.id }] });
    expect(await outcome(harness)).toMatch(
      /would not let me download agenda\.html: it sent its sign-in page/,
    );
    expect(harness.ollama.chats).toHaveLength(0);
    expect(harness.slack.downloads[0]?.authorization).toBe('Bearer xoxb-test-token');
  });

  it('refuses an HTML answer for a file that is not HTML, even from a listed host', async () => {
    // The sign-in page's host is listed too: only the type says it was not the file.
    const harness = await startHarness({
      fileHosts: (slack) => [new URL(slack.url).host, new URL(slack.signInUrl).host],
    });
    harness.slack.refuseFiles();
    const file = harness.slack.addFile('notes.txt', Buffer.from('The launch moves to May.'), 'text/plain');
    await directMessage(harness, { subtype: 'file_share', text: '', files: [{ id: file.id }] });
    expect(await outcome(harness)).toMatch(/would not let me download notes\.txt: it sent its sign-in page/);
    expect(harness.ollama.chats).toHaveLength(0);
  });

  it('still summarizes the file when Slack serves it', async () => {
    const harness = await startHarness();
    const file = harness.slack.addFile('notes.txt', Buffer.from('The launch moves to May.'), 'text/plain');
    await directMessage(harness, { subtype: 'file_share', text: '', files: [{ id: file.id }] });
    expect(bullets(await outcome(harness))).toHaveLength(5);
  });
});

describe('Slack: a direct message to recap', () => {
  it('summarizes a link sent in a direct message, in its thread there', async () => {
    const web = await startWeb();
    const harness = await startHarness();
    const ts = await directMessage(harness, { text: `<${web.url}/notes.txt>` });
    expect(bullets(await outcome(harness))).toHaveLength(5);
    expect(harness.slack.callsTo('chat.postMessage')[0]?.args).toMatchObject({
      channel: 'D0000001',
      thread_ts: ts,
    });
  });

  it('says how to ask when a direct message has no link or file', async () => {
    const harness = await startHarness();
    const ts = await directMessage(harness, { text: 'hello there' });
    const notice = await waitFor(() => harness.slack.callsTo('chat.postMessage')[0]);
    expect(notice.args).toMatchObject({ channel: 'D0000001', thread_ts: ts });
    expect(String(notice.args.text)).toMatch(/Send me a link or a file here/);
  });
});

describe('Slack: the HTTP server', () => {
  it('logs an error of its listening socket (EMFILE on accept) and keeps serving', async () => {
    const harness = await startHarness();
    const port = harness.app.port;
    const server = (process as unknown as { _getActiveHandles(): unknown[] })
      ._getActiveHandles()
      .find((handle): handle is Server => {
        const address = handle instanceof Server ? handle.address() : undefined;
        return typeof address === 'object' && address?.port === port;
      });
    expect(server).toBeDefined();
    // What net.Server emits when accept() fails (lib/net.js onconnection): with no listener, a crash.
    server?.emit('error', Object.assign(new Error('accept EMFILE'), { code: 'EMFILE', syscall: 'accept' }));
    expect(harness.logs.some((line) => line.includes('accept EMFILE'))).toBe(true);
    const response = await harness.postCommand(harness.slack.commandForm('The launch moves to May.'));
    expect(response.status).toBe(200);
  });
});

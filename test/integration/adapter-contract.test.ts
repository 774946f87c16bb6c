/**
 * The adapter contract, run against both fakes: every way of asking, in every failure mode, ends with
 * something the person can see (the summary, or a message saying what went wrong and what to do), and
 * no placeholder is left saying it is still working.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeWeb } from '../fakes/web.js';
import { type DiscordHarness, startDiscordHarness, waitFor } from '../helpers/discord-harness.js';
import { type SlackHarness, startSlackHarness } from '../helpers/slack-harness.js';

type Json = Record<string, unknown>;
type What = 'readable' | 'unreadable';

/** What the person who asked can see, read from the fake platform's final state. */
interface Seen {
  summaries: number;
  errors: string[];
  /** Messages still saying recap is working. */
  waiting: number;
}

interface Session {
  ask(entry: string, what: What): Promise<void>;
  seen(): Seen;
  /** The model has been reached: the job is under way. */
  working(): boolean;
  modelDown(): Promise<void>;
  stop(): Promise<void>;
  /** The platform fails the next call of the kind that carries this entry's answer, once. */
  failOnce(entry: string): void;
  /** The bot may not post in the channel where it was asked (for the entries in `closable`). */
  closePlace(): void;
  /** The credential of the private reply dies (for the entries in `credentialed`). */
  expireCredential(entry: string): void;
  close(): Promise<void>;
}

interface Driver {
  name: string;
  entries: string[];
  /** Entries asked in a channel, where the bot may lack the right to post. */
  closable: string[];
  /** Entries whose private reply goes through an expiring credential. */
  credentialed: string[];
  /** `heldModel`: the model holds every chat unanswered, so recap is still at work when it stops. */
  start(options: { heldModel?: boolean }): Promise<Session>;
}

const NOTES = 'Standup notes: the launch moves to May, Ana owns the pricing page, support hires two people.';
/** A file each platform shares: one recap reads, one it refuses (name, bytes, content type). */
const FILES: Record<What, [string, Buffer, string]> = {
  readable: ['notes.txt', Buffer.from(NOTES), 'text/plain'],
  unreadable: ['virus.exe', Buffer.from('MZ\0\0'), 'application/octet-stream'],
};
/** Whether a message says what went wrong: a line of it starts with the marker (a direct message opens with a heading). */
const saysProblem = (text: string, marker: string) =>
  text.split('\n').some((line) => line.startsWith(marker));
const isSummary = (description: unknown) =>
  String(description ?? '')
    .split('\n')
    .filter((l) => l.startsWith('• ')).length === 5;

const discord: Driver = {
  name: 'Discord',
  entries: ['slash', 'message-command', 'mention'],
  // A mention where the bot may not post is answered in a direct message (the fake opens DM channels).
  closable: ['slash', 'message-command', 'mention'],
  credentialed: ['slash', 'message-command'],
  async start({ heldModel }) {
    const h: DiscordHarness = await startDiscordHarness();
    if (heldModel) h.ollama.hold();
    const tokens = new Map<string, string>();
    // A private status can no longer be touched once its token has expired (Discord drops it when the
    // person dismisses it): from then on it does not count as left waiting.
    let expired = false;
    const file = (what: What) => h.discord.attachment(...FILES[what]);
    const bot = h.discord.bot.id;
    const inDirectMessage = (m: Json) => h.discord.channels.get(String(m.channel_id))?.type === 1;
    return {
      async ask(entry, what) {
        if (entry === 'slash') tokens.set(entry, h.discord.slashCommand({ file: file(what) }).token);
        if (entry === 'message-command') {
          const target = h.discord.existingMessage({ content: 'see file', attachments: [file(what)] });
          tokens.set(entry, h.discord.messageCommand(target).token);
        }
        if (entry === 'mention') h.discord.postMessage({ content: `<@${bot}>`, attachments: [file(what)] });
      },
      seen() {
        const mine = [...h.discord.messages.values()].filter(
          (m) => (m.author as Json | undefined)?.id === bot,
        );
        return {
          summaries: mine.filter((m) => ((m.embeds ?? []) as Json[]).some((e) => isSummary(e.description)))
            .length,
          // What went wrong: a warning, or a notice in a direct message (a last resort's heading first).
          errors: mine
            .filter((m) => saysProblem(String(m.content ?? ''), '⚠️') || inDirectMessage(m))
            .map((m) => String(m.content ?? ''))
            .filter((c) => c !== ''),
          waiting: mine.filter(
            (m) =>
              !(expired && Number(m.flags ?? 0) & 64) &&
              (String(m.content ?? '').startsWith('⏳') ||
                (Number(m.flags ?? 0) & 128 && !m.content && !((m.embeds ?? []) as Json[]).length)),
          ).length,
        };
      },
      working: () => h.ollama.chats.length > 0,
      modelDown: () => h.ollama.close(),
      stop: () => h.runtime.stop(),
      failOnce(entry) {
        h.discord.failNext(
          entry === 'mention' ? 'PATCH /channels/:id/messages/:id' : 'POST /channels/:id/messages',
          {
            status: 503,
          },
        );
      },
      closePlace() {
        h.discord.setPermission(
          h.discord.textChannelId,
          { deny: ['CreatePublicThreads', 'SendMessages', 'SendMessagesInThreads'] },
          'bot',
        );
      },
      expireCredential(entry) {
        const token = tokens.get(entry);
        if (token) h.discord.expireInteraction(token);
        expired = true;
      },
      close: () => h.close(),
    };
  },
};

const slack: Driver = {
  name: 'Slack',
  entries: ['command', 'shortcut', 'mention', 'direct-message'],
  // Mentions and direct messages reach recap only where it is.
  closable: ['command', 'shortcut'],
  credentialed: ['command'],
  async start({ heldModel }) {
    const web = await startFakeWeb();
    const h: SlackHarness = await startSlackHarness();
    if (heldModel) h.ollama.hold();
    let channel = 'C0000001';
    const file = (what: What) => h.slack.addFile(...FILES[what]);
    const bot = h.slack.bot.userId;
    return {
      async ask(entry, what) {
        if (entry === 'command') {
          const link =
            what === 'readable' ? `${web.url}/notes.txt` : 'http://169.254.169.254/latest/meta-data/';
          await h.postCommand(h.slack.commandForm(link, channel));
        }
        if (entry === 'shortcut') {
          const f = file(what);
          const message = h.slack.addMessage(channel, {
            user: 'U0000002',
            text: 'see file',
            files: [{ id: f.id, name: f.name }],
          });
          await h.postShortcut(h.slack.shortcutPayload(channel, message));
        }
        if (entry === 'mention' || entry === 'direct-message') {
          const f = file(what);
          const dm = entry === 'direct-message';
          await h.postEvent(
            h.slack.eventBody({
              type: dm ? 'message' : 'app_mention',
              ...(dm ? { subtype: 'file_share', channel_type: 'im' } : {}),
              channel: dm ? 'D0000001' : channel,
              user: 'U0000002',
              text: dm ? '' : `<@${bot}>`,
              ts: h.slack.nextTs(),
              files: [{ id: f.id, name: f.name }],
            }),
          );
        }
      },
      seen() {
        const posted = [...h.slack.workspace.messages.values()].flat().filter((m) => m.user === bot);
        const everything = [
          ...posted,
          ...h.slack.ephemerals.map((e) => e.message),
          ...h.slack.responses.map((r) => (r as { body?: Json }).body ?? (r as Json)),
        ] as Json[];
        const text = (m: Json) => String(m.text ?? '');
        const sections = (m: Json) =>
          ((m.blocks ?? []) as Json[]).map((b) => (b.text as Json | undefined)?.text);
        return {
          summaries: everything.filter((m) => sections(m).some(isSummary)).length,
          errors: everything
            .map(text)
            .filter((t) => saysProblem(t, ':warning:') || t.includes('/invite @recap')),
          waiting: posted.filter((m) => text(m).startsWith(':hourglass_flowing_sand:')).length,
        };
      },
      working: () => h.ollama.chats.length > 0,
      modelDown: () => h.ollama.close(),
      stop: () => h.runtime.stop(),
      failOnce(entry) {
        h.slack.failNext(entry === 'command' ? 'chat.postMessage' : 'chat.update', { status: 503 });
      },
      closePlace() {
        channel = 'C0000009';
        h.slack.seedChannel(channel, { members: ['U0000001', 'U0000002'] });
      },
      expireCredential() {
        h.slack.failResponseUrlNext({ status: 404 });
      },
      async close() {
        await h.close();
        await web.close();
      },
    };
  },
};

let session: Session | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

/** Waits until the person sees an outcome and no placeholder is left; returns what they see. */
async function outcome(s: Session): Promise<Seen> {
  return waitFor(() => {
    const seen = s.seen();
    return (seen.summaries > 0 || seen.errors.length > 0) && seen.waiting === 0 && seen;
  });
}

describe.each([discord, slack])('$name: every request ends visibly', (driver) => {
  describe.each(driver.entries)('%s', (entry) => {
    it('shows the summary', async () => {
      session = await driver.start({});
      await session.ask(entry, 'readable');
      expect(await outcome(session)).toMatchObject({ summaries: 1, errors: [] });
    });

    it('says what went wrong when the content cannot be read', async () => {
      session = await driver.start({});
      await session.ask(entry, 'unreadable');
      expect((await outcome(session)).errors.join('\n')).toMatch(/not supported|Not opening/);
    });

    it('says how to fix it when the model is down', async () => {
      session = await driver.start({});
      await session.modelDown();
      await session.ask(entry, 'readable');
      expect((await outcome(session)).errors.join('\n')).toMatch(/ollama serve/);
    });

    it('still shows the summary when a platform call fails once', async () => {
      session = await driver.start({});
      session.failOnce(entry);
      await session.ask(entry, 'readable');
      expect((await outcome(session)).summaries).toBe(1);
    });

    it('says recap is restarting when it stops during the job', async () => {
      session = await driver.start({ heldModel: true });
      await session.ask(entry, 'readable');
      const s = session;
      await waitFor(() => s.working());
      await s.stop();
      expect((await outcome(s)).errors.join('\n')).toMatch(/recap is restarting/);
    });
  });

  describe.each(driver.closable)('%s, where the bot may not post', (entry) => {
    it('still shows the summary, or says how to let recap in', async () => {
      session = await driver.start({});
      session.closePlace();
      await session.ask(entry, 'readable');
      const seen = await outcome(session);
      // Slack: "Invite me with /invite @recap"; Discord: "Ask an admin to check its role".
      expect(seen.summaries === 1 || /\/invite @recap|Ask an admin/.test(seen.errors.join('\n'))).toBe(true);
    });
  });

  describe.each(driver.credentialed)('%s, once its private reply has expired', (entry) => {
    it('still tells the person that recap is restarting', async () => {
      session = await driver.start({ heldModel: true });
      await session.ask(entry, 'readable');
      const s = session;
      await waitFor(() => s.working());
      s.expireCredential(entry);
      await s.stop();
      expect((await outcome(s)).errors.join('\n')).toMatch(/recap is restarting/);
    });
  });
});

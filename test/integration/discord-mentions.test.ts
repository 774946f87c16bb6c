import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startFakeWeb } from '../fakes/web.js';
import { bulletsOf, embedOf, expectNoPings, type Json, threadCreatedOn } from '../helpers/discord-calls.js';
import { type DiscordHarness, startDiscordHarness, waitFor } from '../helpers/discord-harness.js';
import { fixturePath } from '../helpers/fixtures.js';
import { closedAfterEach } from '../helpers/per-test.js';

/** Discord: mentioning the bot, in a reply or with a link or file of its own. */

const closing = closedAfterEach();
const startHarness = closing(startDiscordHarness);
const startWeb = closing(startFakeWeb);

/** A person replies to `shared`, mentioning the bot (Discord sends the replied-to message along unless told not to). */
function replyMentioning(
  h: DiscordHarness,
  shared: Json,
  text: string,
  options: { withoutReferenced?: boolean } = {},
) {
  return h.discord.postMessage({
    content: `<@${h.discord.bot.id}> ${text}`,
    replyTo: String(shared.id),
    ...options,
  });
}

describe('Discord: mentions', () => {
  it('summarizes the message replied to, in a thread on it', async () => {
    const web = await startWeb();
    const harness = await startHarness();
    const shared = harness.discord.existingMessage({ content: `${web.url}/report.pdf` });
    replyMentioning(harness, shared, 'summary please');
    await threadCreatedOn(harness, String(shared.id));
    const placeholder = await waitFor(() =>
      harness.discord.rest.find((c) => c.method === 'POST' && c.path === `/channels/${shared.id}/messages`),
    );
    expect(placeholder.body?.content).toBe('⏳ Reading…');
    const final = await waitFor(() =>
      harness.discord.rest.find(
        (c) =>
          c.method === 'PATCH' &&
          c.path.startsWith(`/channels/${shared.id}/messages/`) &&
          embedOf(c)?.description,
      ),
    );
    expect(bulletsOf(embedOf(final))).toHaveLength(5);
    expectNoPings(harness);
  });

  it('reads the message replied to when Discord did not send it along, and summarizes it', async () => {
    const web = await startWeb();
    const harness = await startHarness();
    const shared = harness.discord.existingMessage({ content: `${web.url}/report.pdf` });
    replyMentioning(harness, shared, 'summary please', { withoutReferenced: true });
    await threadCreatedOn(harness, String(shared.id));
    const final = await waitFor(() =>
      harness.discord.rest.find((c) => c.method === 'PATCH' && embedOf(c)?.description),
    );
    expect(bulletsOf(embedOf(final))).toHaveLength(5);
    expect(
      harness.discord.rest.filter((c) => c.method === 'GET' && c.path.endsWith(`/messages/${shared.id}`)),
    ).toHaveLength(1);
  });

  it('asks Discord nothing for the reply of a person over their limit, not even the message replied to', async () => {
    const harness = await startHarness({ userLimit: 1 });
    harness.discord.slashCommand({ text: 'First request about the budget review.' });
    await waitFor(() => harness.discord.rest.find((c) => c.method === 'POST' && embedOf(c)?.description));
    const shared = harness.discord.existingMessage({ content: 'https://example.com/report.pdf' });
    const mention = replyMentioning(harness, shared, 'summary please', { withoutReferenced: true });
    const refusal = await waitFor(() =>
      harness.discord.rest.find(
        (c) =>
          c.method === 'POST' && (c.body?.message_reference as Json | undefined)?.message_id === mention.id,
      ),
    );
    expect(refusal.body?.content).toContain('Please wait');
    expect(harness.discord.rest.filter((c) => c.path.includes(String(shared.id)))).toEqual([]);
  });

  it('says so in the thread when the message replied to has nothing to summarize', async () => {
    const harness = await startHarness();
    const shared = harness.discord.existingMessage({ content: '   ' });
    replyMentioning(harness, shared, 'and this?', { withoutReferenced: true });
    await threadCreatedOn(harness, String(shared.id));
    const error = await waitFor(() =>
      harness.discord.rest.find((c) => c.method === 'PATCH' && String(c.body?.content).startsWith('⚠️')),
    );
    expect(error.body?.content).toContain(
      'The message you replied to has no link, file or text to summarize.',
    );
  });

  it('summarizes an attachment in the message that mentions the bot', async () => {
    const harness = await startHarness();
    const file = harness.discord.attachment(
      'minutes.docx',
      readFileSync(fixturePath('files/minutes.docx')),
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    const message = harness.discord.postMessage({
      content: `<@${harness.discord.bot.id}>`,
      attachments: [file],
    });
    const thread = await threadCreatedOn(harness, String(message.id));
    expect(thread.body?.name).toBe('Summary: minutes.docx');
    await waitFor(() => harness.discord.rest.find((c) => c.method === 'PATCH' && embedOf(c)?.description));
    expect(harness.ollama.chats[0]?.messages.at(-1)?.content).toContain(
      'Action: Ben updates the pricing page.',
    );
  });

  it('pings nobody even when the transcript is full of @everyone', async () => {
    const harness = await startHarness();
    const file = harness.discord.attachment(
      'all-hands.txt',
      Buffer.from(
        '@everyone @here the all hands moves to Friday. @everyone bring questions. <@123456> will present the roadmap.',
      ),
      'text/plain',
    );
    harness.discord.postMessage({ content: `<@${harness.discord.bot.id}> tl;dr?`, attachments: [file] });
    const final = await waitFor(() =>
      harness.discord.rest.find((c) => c.method === 'PATCH' && embedOf(c)?.description),
    );
    expect(embedOf(final)?.description).not.toMatch(/(?<!\\)@everyone|(?<!\\)<@/);
    expectNoPings(harness);
  });

  it('ignores bots, itself, and messages that do not mention it', async () => {
    const harness = await startHarness();
    harness.discord.postMessage({
      content: `<@${harness.discord.bot.id}> https://example.com/a`,
      author: harness.discord.otherBot,
    });
    harness.discord.postMessage({
      content: `<@${harness.discord.bot.id}> https://example.com/b`,
      author: harness.discord.bot,
    });
    harness.discord.postMessage({ content: 'https://example.com/c without a mention' });
    const marker = harness.discord.postMessage({ content: `<@${harness.discord.bot.id}> hello` });
    // The last message is answered with the usage text: everything before it was seen and ignored.
    const reply = await waitFor(() =>
      harness.discord.rest.find(
        (c) =>
          c.method === 'POST' && (c.body?.message_reference as Json | undefined)?.message_id === marker.id,
      ),
    );
    expect(reply.body?.content).toContain('Reply to a message');
    expect(harness.discord.rest.filter((c) => c.path.endsWith('/threads'))).toEqual([]);
  });

  it('tells the person what went wrong in the thread when the file cannot be read', async () => {
    const harness = await startHarness();
    const file = harness.discord.attachment(
      'scan.pdf',
      readFileSync(fixturePath('files/scanned.pdf')),
      'application/pdf',
    );
    harness.discord.postMessage({ content: `<@${harness.discord.bot.id}>`, attachments: [file] });
    const error = await waitFor(() =>
      harness.discord.rest.find((c) => c.method === 'PATCH' && String(c.body?.content).startsWith('⚠️')),
    );
    expect(error.body?.content).toMatch(/looks like a scan/);
  });
});

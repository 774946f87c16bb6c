/**
 * Every recap ends visibly, through the runtime's one fallback policy: the recap, or a message saying what
 * went wrong, and no placeholder left saying recap is working. Both platforms, real client libraries.
 */
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/discord-harness.js';
import { callsFor, embedOf, finalWords, recapHarnessPerTest, recapReply } from '../helpers/recap-discord.js';
import {
  ago,
  blocksIn,
  ephemeralRecap,
  headerOf,
  privateWords,
  recapCommand,
  slackHarnessPerTest,
} from '../helpers/recap-slack.js';

const discord = recapHarnessPerTest();
const slack = slackHarnessPerTest();

describe('Discord: a recap that cannot be made', () => {
  async function seeded(options: Parameters<typeof discord>[0] = {}) {
    const h = await discord(options);
    h.discord.seedHistory(h.discord.textChannelId, [
      { author: 'dana', content: 'We ship Friday', at: ago(5) },
    ]);
    return h;
  }

  it('says privately what went wrong when the model is down', async () => {
    const h = await seeded();
    await h.ollama.close();
    const { token } = h.discord.chatCommand('recap', {});
    expect(await finalWords(h, token)).toMatch(/^⚠️ .*ollama serve/);
  });

  it('removes a public recap’s reply and says privately what went wrong', async () => {
    const h = await seeded();
    await h.ollama.close();
    const { token } = h.discord.chatCommand('recap', { public: true });
    const followUp = await waitFor(() =>
      callsFor(h, token).find((c) => c.method === 'POST' && /\/webhooks\/\d+\/[^/]+$/.test(c.path)),
    );
    expect(followUp.body).toMatchObject({ flags: 64, content: expect.stringMatching(/ollama serve/) });
    await waitFor(() => callsFor(h, token).find((c) => c.method === 'DELETE'));
  });

  it('edits a public recap in by the bot once the interaction token has expired', async () => {
    const h = await seeded();
    const answer = h.ollama.hold();
    const { token } = h.discord.chatCommand('recap', { public: true });
    // Once the reply is there (its id read back), the token dies: the model is still writing.
    await waitFor(() => callsFor(h, token).some((c) => c.method === 'GET'), "the reply's id read back");
    h.discord.expireInteraction(token);
    answer();
    const edited = await waitFor(() =>
      h.discord.rest.find((c) => c.method === 'PATCH' && c.path.startsWith('/channels/') && embedOf(c)),
    );
    expect(edited.body?.content).toMatch(/^📝 Recap requested by/);
  });

  it('says recap is restarting when it stops during a recap', async () => {
    const h = await seeded();
    h.ollama.hold();
    const { token } = h.discord.chatCommand('recap', {});
    await waitFor(() => h.ollama.chats.length > 0, 'the chat on the model');
    await h.runtime.stop();
    expect(await finalWords(h, token)).toMatch(/recap is restarting, so this recap was stopped/);
  });

  it('shows the recap when the platform fails an answer once', async () => {
    const h = await seeded();
    h.discord.failNext('PATCH /webhooks/:id/:token/messages/@original', { status: 503 });
    const { token } = h.discord.chatCommand('recap', {});
    expect(embedOf(await recapReply(h, token))?.title).toBe('Recap of #general, in the last 24 hours');
  });
});

describe('Slack: a recap that cannot be made', () => {
  async function seeded(options: Parameters<typeof slack>[0] = {}) {
    const h = await slack(options);
    h.slack.seedHistory('C0000001', [{ user: 'U0000002', text: 'We ship Friday', at: ago(5) }]);
    return h;
  }

  it('says privately what went wrong when the model is down', async () => {
    const h = await seeded();
    await h.ollama.close();
    await recapCommand(h, '');
    expect(await privateWords(h)).toMatch(/^:warning: .*ollama serve/);
  });

  it('removes a public recap’s placeholder and says privately what went wrong', async () => {
    const h = await seeded();
    await h.ollama.close();
    await recapCommand(h, 'public');
    expect(await privateWords(h)).toMatch(/ollama serve/);
    await waitFor(() => h.slack.callsTo('chat.delete').length === 1);
    const byRecap = (h.slack.workspace.messages.get('C0000001') ?? []).filter((m) => m.user === 'UBOT0001');
    expect(byRecap).toEqual([]);
  });

  it('posts the recap anew when its placeholder cannot be updated, leaving no placeholder', async () => {
    const h = await seeded();
    // Every update of the placeholder is refused, progress included.
    for (let i = 0; i < 20; i++) h.slack.failNext('chat.update', { error: 'cant_update_message' });
    await recapCommand(h, 'public');
    const posted = await waitFor(() =>
      h.slack.callsTo('chat.postMessage').find((c) => headerOf(blocksIn(c.args))?.startsWith('Recap of')),
    );
    expect(posted.args.channel).toBe('C0000001');
    await waitFor(() => h.slack.callsTo('chat.delete').length === 1);
  });

  it('falls back to ephemeral messages when the response_url is refused', async () => {
    const h = await seeded();
    const answer = h.ollama.hold();
    h.slack.failResponseUrlNext({ status: 404 });
    await recapCommand(h, '');
    // The first notice went to an ephemeral message instead, and the recap went on.
    const notice = await waitFor(() => h.slack.ephemerals[0], 'the first notice');
    expect(notice.message.text).toMatch(/^:memo: Recapping/);
    await waitFor(() => h.ollama.chats.length > 0, 'the chat on the model');
    h.slack.failResponseUrlNext({ status: 404 });
    answer();
    expect((await ephemeralRecap(h)).user).toBe('U0000001');
  });

  it('says recap is restarting when it stops during a recap', async () => {
    const h = await seeded();
    h.ollama.hold();
    await recapCommand(h, '');
    await waitFor(() => h.ollama.chats.length > 0, 'the chat on the model');
    await h.runtime.stop();
    expect(await privateWords(h)).toMatch(/recap is restarting, so this recap was stopped/);
  });
});

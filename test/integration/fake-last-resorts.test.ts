/**
 * The fakes where recap's last resorts go (direct messages) and where its de-duplication looks (Slack's
 * trigger_id), each rule exercised through the real clients over a socket. The sources of the rules are
 * in the fakes' modules.
 */
import { Routes } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { discordError, fakeDiscordPerTest, fakeSlackPerTest, slackError } from '../helpers/fake-clients.js';

const startSlack = fakeSlackPerTest();
const discordFake = fakeDiscordPerTest();

type Json = Record<string, unknown>;

describe('fake Discord: direct messages', () => {
  it('opens a DM channel with a person, the same one every time, where the bot may post', async () => {
    const { discord, rest } = await discordFake.start();
    const person = discord.addUser('dana');
    const open = () =>
      rest.post(Routes.userChannels(), { body: { recipient_id: person.id } }) as Promise<Json>;
    const dm = await open();
    expect(dm).toMatchObject({ type: 1, recipients: [{ id: person.id }] });
    expect((await open()).id).toBe(dm.id);
    const sent = (await rest.post(Routes.channelMessages(String(dm.id)), {
      body: { content: 'your summary' },
    })) as Json;
    expect(discord.messages.get(String(sent.id))).toMatchObject({
      channel_id: dm.id,
      content: 'your summary',
    });
  });

  it('returns the DM channel already open with a person', async () => {
    const { discord, rest } = await discordFake.start();
    const dm = (await rest.post(Routes.userChannels(), { body: { recipient_id: discord.alice.id } })) as Json;
    expect(dm.id).toBe(discord.dmChannelId);
  });

  it('refuses an unknown person with 10013, and a message to one who takes no DMs with 50007', async () => {
    const { discord, rest } = await discordFake.start();
    const unknown = await discordError(rest.post(Routes.userChannels(), { body: { recipient_id: '42' } }));
    expect([unknown.status, unknown.code]).toEqual([404, 10013]);
    discord.refuseDirectMessages(discord.alice);
    const dm = (await rest.post(Routes.userChannels(), { body: { recipient_id: discord.alice.id } })) as Json;
    const refused = await discordError(
      rest.post(Routes.channelMessages(String(dm.id)), { body: { content: 'hello' } }),
    );
    expect([refused.status, refused.code]).toEqual([403, 50007]);
  });
});

describe('fake Slack: posts to a person', () => {
  it('puts a post to a user id in the direct message between the app and that person', async () => {
    const { slack, client } = await startSlack();
    const first = await client.chat.postMessage({ channel: 'U0000001', text: 'your summary' });
    expect(first.channel).toMatch(/^D/);
    const again = await client.chat.postMessage({ channel: 'U0000001', text: 'another' });
    expect(again.channel).toBe(first.channel);
    expect(slack.workspace.messages.get(String(first.channel))?.map((m) => m.text)).toEqual([
      'your summary',
      'another',
    ]);
    // Ben already has a direct message with the app.
    expect((await client.chat.postMessage({ channel: 'U0000002', text: 'hi' })).channel).toBe('D0000001');
  });

  it('answers channel_not_found for an unknown person, and messages_tab_disabled without a Messages tab', async () => {
    const { slack, client } = await startSlack();
    expect(await slackError(client.chat.postMessage({ channel: 'U0000099', text: 'hi' }))).toBe(
      'channel_not_found',
    );
    slack.disableMessagesTab();
    expect(await slackError(client.chat.postMessage({ channel: 'U0000001', text: 'hi' }))).toBe(
      'messages_tab_disabled',
    );
    expect(await slackError(client.chat.postMessage({ channel: 'D0000001', text: 'hi' }))).toBe(
      'messages_tab_disabled',
    );
    // Channels are not affected.
    expect((await client.chat.postMessage({ channel: 'C0000001', text: 'hi' })).ok).toBe(true);
  });
});

describe('fake Slack: what identifies an interaction', () => {
  it('gives every command and shortcut a trigger_id of its own, even within one millisecond', async () => {
    const { slack } = await startSlack();
    const message = slack.addMessage('C0000001', { user: 'U0000002', text: 'see this' });
    const ids = Array.from({ length: 200 }, (_, index) =>
      index % 2
        ? slack.commandForm('notes').trigger_id
        : String(slack.shortcutPayload('C0000001', message).trigger_id),
    );
    expect(new Set(ids).size).toBe(ids.length);
    // Shaped as Slack's are: 398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c
    for (const id of ids) expect(id).toMatch(/^\d+\.\d+\.[0-9a-f]{32}$/);
  });
});

/**
 * What a Discord recap makes of what people wrote: files, long code and quotes as the model reads them,
 * a bullet's names checked against the messages it cites, the language asked for, and the limits
 * (RECAP_MAX_MESSAGES on `last`, RECAP_MAX_WINDOW on `window`) said in the footer. Real discord.js bot,
 * fake Discord, fake Ollama.
 */
import { describe, expect, it } from 'vitest';
import {
  ago,
  bulletsOf,
  embedOf,
  historyReads,
  recapHarnessPerTest,
  recapReply,
  saidIn,
  scriptBullets,
  transcriptLines,
  WRITTEN,
  yesterdayAt,
} from '../helpers/recap-discord.js';

const start = recapHarnessPerTest();

describe('Discord: what people wrote, as the model reads it', () => {
  it('names files, collapses long code and marks quotes as someone else’s words', async () => {
    const h = await start();
    const d = h.discord;
    d.seedHistory(d.textChannelId, [
      {
        author: 'dana',
        content: 'minutes attached',
        attachments: [{ id: '1', filename: 'minutes.pdf', size: 10, url: 'https://cdn.example/m.pdf' }],
        at: yesterdayAt('09:00'),
      },
      {
        author: 'erin',
        content: `the fix:\n\`\`\`js\n${WRITTEN.code}\n\`\`\`\nworks now`,
        at: yesterdayAt('09:01'),
      },
      { author: 'sam', content: '> we ship Friday\nI never said that', at: yesterdayAt('09:02') },
    ]);
    const { token } = d.chatCommand('recap', { window: '3d' });
    await recapReply(h, token);
    expect(transcriptLines(h.ollama).map(saidIn)).toEqual(WRITTEN.asTheModelReadsIt);
  });
});

describe('Discord: the names in a bullet', () => {
  it('repairs a bullet that names someone who wrote none of the messages it cites', async () => {
    const h = await start();
    const d = h.discord;
    const dana = d.addUser('dana', { globalName: 'Dana' });
    const erin = d.addUser('erin', { globalName: 'Erin' });
    const [, , erinsOwn] = d.seedHistory(d.textChannelId, [
      { author: dana, content: 'We ship on Friday', at: ago(30) },
      { author: dana, content: 'QA signs off Thursday', at: ago(25) },
      { author: erin, content: 'I will ship on Friday after QA', at: ago(20) },
    ]);
    scriptBullets(h.ollama, [
      'Erin decided to ship on Friday [1].',
      'Dana said QA signs off Thursday [2].',
      'c [1].',
      'd [2].',
      'e [3].',
    ]);
    const { token } = d.chatCommand('recap', {});
    const bullets = bulletsOf(embedOf(await recapReply(h, token)));
    // Erin wrote nothing of [1]: her own message on the same subject is cited with it.
    expect(bullets[0]).toContain(`/${d.textChannelId}/${String(erinsOwn?.id)})`);
    expect(bullets[0]?.startsWith('• Erin decided to ship on Friday.')).toBe(true);
  });
});

describe('Discord: the language asked for', () => {
  it('asks the model to write in it', async () => {
    const h = await start();
    h.discord.seedHistory(h.discord.textChannelId, [{ author: 'dana', content: 'Hola', at: ago(5) }]);
    const { token } = h.discord.chatCommand('recap', { language: 'French' });
    await recapReply(h, token);
    expect(h.ollama.chats.at(-1)?.seenPrompt).toContain('Write in French.');
  });
});

describe('Discord: the limits', () => {
  it('keeps RECAP_MAX_MESSAGES of a longer `last` and counts the rest exactly', async () => {
    const h = await start({ env: { RECAP_MAX_MESSAGES: '5' } });
    const d = h.discord;
    d.seedHistory(
      d.textChannelId,
      Array.from({ length: 10 }, (_, i) => ({ author: 'dana', content: `point ${i}`, at: ago(20 - i) })),
    );
    const { token } = d.chatCommand('recap', { last: 8 });
    const footer = embedOf(await recapReply(h, token))?.footer?.text;
    expect(transcriptLines(h.ollama).map(saidIn)).toEqual([5, 6, 7, 8, 9].map((i) => `point ${i}`));
    expect(footer).toMatch(/^5 messages by 1 person, .+ UTC; 3 older messages beyond the limit · /);
  });

  it('reads no further back than RECAP_MAX_WINDOW, and says so', async () => {
    const h = await start();
    const d = h.discord;
    d.seedHistory(d.textChannelId, [
      { author: 'dana', content: 'ten days ago', at: ago(10 * 24 * 60) },
      { author: 'erin', content: 'six days ago', at: ago(6 * 24 * 60) },
    ]);
    const { token } = d.chatCommand('recap', { window: '30d' });
    const reply = await recapReply(h, token);
    expect(transcriptLines(h.ollama).map(saidIn)).toEqual(['six days ago']);
    expect(embedOf(reply)?.footer?.text).toMatch(
      /^1 message by 1 person, .+ UTC; only the last 7 days read · /,
    );
    expect(historyReads(h, d.textChannelId)).toHaveLength(1);
  });
});

/**
 * The fakes where recap's last resorts go (direct messages) and where its de-duplication looks (Slack's
 * trigger_id), each rule exercised through the real clients over a socket. The sources of the rules are
 * in the fakes' modules.
 */
import { describe, expect, it } from 'vitest';
import { fakeSlackPerTest } from '../helpers/fake-clients.js';

const startSlack = fakeSlackPerTest();

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

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

describe('the conversation recap settings', () => {
  it('default to 1,000 messages over at most 7 days, public allowed, no channel denied', () => {
    expect(loadConfig({}).recaps).toEqual({
      maxMessages: 1000,
      maxWindowMs: 7 * 86_400_000,
      publicAllowed: true,
      denyChannels: new Set(),
    });
  });

  it('read a window as people write it, a yes/no and a list of channels', () => {
    const recaps = loadConfig({
      RECAP_MAX_MESSAGES: '200',
      RECAP_MAX_WINDOW: '48h',
      RECAP_PUBLIC_ALLOWED: 'false',
      RECAP_DENY_CHANNELS: 'C0HR, 123456789012345678 ',
    }).recaps;
    expect(recaps).toEqual({
      maxMessages: 200,
      maxWindowMs: 48 * 3_600_000,
      publicAllowed: false,
      denyChannels: new Set(['C0HR', '123456789012345678']),
    });
    expect(loadConfig({ RECAP_PUBLIC_ALLOWED: 'No' }).recaps.publicAllowed).toBe(false);
  });

  it('say what a bad value must be', () => {
    expect(() =>
      loadConfig({ RECAP_MAX_WINDOW: 'a week', RECAP_PUBLIC_ALLOWED: 'maybe', RECAP_MAX_MESSAGES: '0' }),
    ).toThrow(
      '3 settings need fixing: RECAP_MAX_MESSAGES must be a whole number from 1 to 10000, not "0"; ' +
        'RECAP_MAX_WINDOW must be a duration such as 7d, 48h or 90min, not "a week"; ' +
        'RECAP_PUBLIC_ALLOWED must be true or false, not "maybe".',
    );
  });

  it('are left out of what the CLI reads, like every chat setting', () => {
    expect(loadConfig({ RECAP_MAX_WINDOW: 'never' }, 'summarize').recaps.maxWindowMs).toBe(7 * 86_400_000);
    expect(() => loadConfig({ RECAP_MAX_WINDOW: 'never' })).toThrow(/RECAP_MAX_WINDOW/);
  });
});

describe('the Slack manifest, for recaps', () => {
  const manifest = readFileSync(new URL('../../slack/manifest.yaml', import.meta.url), 'utf8');

  it('declares /recap, the Recap thread shortcut and the scopes reading history and names needs', () => {
    expect(manifest).toMatch(/- command: \/recap\n/);
    expect(manifest).toMatch(/- name: Recap thread\n\s+type: message\n\s+callback_id: recap_thread\n/);
    for (const scope of [
      'channels:history',
      'groups:history',
      'im:history',
      'mpim:history',
      'channels:read',
      'groups:read',
      'im:read',
      'mpim:read',
      'users:read',
    ]) {
      expect(manifest).toMatch(new RegExp(`^\\s+- ${scope}$`, 'm'));
    }
  });
});

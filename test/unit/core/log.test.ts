import { describe, expect, it } from 'vitest';
import { describeCauses, RecapError } from '../../../src/core/errors.js';
import { createLogger, type LoggerSettings } from '../../../src/core/pino-logger.js';

function capture(settings: LoggerSettings) {
  const lines: string[] = [];
  const log = createLogger(settings, { write: (line) => void lines.push(line) });
  return { log, text: () => lines.join('') };
}

describe('createLogger', () => {
  it('writes one JSON object per line with the bound and given fields', () => {
    const { log, text } = capture({ level: 'info', format: 'json' });
    log.child({ platform: 'slack', request: 'Ev1' }).info('slack: summarized', { stage: 'deliver', ms: 12 });
    const [line, ...rest] = text().trimEnd().split('\n');
    expect(rest).toEqual([]);
    expect(JSON.parse(line ?? '')).toMatchObject({
      level: 30,
      msg: 'slack: summarized',
      platform: 'slack',
      request: 'Ev1',
      stage: 'deliver',
      ms: 12,
    });
  });

  it('drops lines below the level set', () => {
    const { log, text } = capture({ level: 'warn', format: 'json' });
    log.debug('chatter');
    log.info('routine');
    log.warn('worth a look');
    expect(text()).not.toMatch(/chatter|routine/);
    expect(text()).toContain('worth a look');
    expect(log.level).toBe('warn');
  });

  it('writes a readable line with the fields as key=value when pretty', () => {
    const { log, text } = capture({ level: 'debug', format: 'pretty' });
    log.child({ platform: 'discord' }).debug('discord: gateway resumed', { shard: 0 });
    expect(text()).toMatch(/DEBUG.*discord: gateway resumed platform=discord shard=0\n$/);
    expect(text()).not.toContain('{');
  });

  it.each(['json', 'pretty'] as const)(
    'never writes a token, in a message, an error cause or a field (%s)',
    (format) => {
      const botToken = 'MTA5ODc2NTQzMjEwOTg3NjU0.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789';
      const slackToken = 'xoxb-1234-5678-abcdefghij';
      const { log, text } = capture({ level: 'debug', format, secrets: [botToken, 'my-signing-secret'] });
      const error = new RecapError('link_failed', 'could not post', {
        cause: new Error(
          `POST https://discord.com/api/v10/webhooks/123/aW50ZXJhY3Rpb246MTIz/messages/@original with ${botToken} failed`,
        ),
      });
      log.error(`posting failed: ${describeCauses(error)}`, { header: `Bearer ${slackToken}` });
      log
        .child({ secret: 'my-signing-secret' })
        .warn('responding to https://hooks.slack.com/commands/T1/2/abc');
      const written = text();
      expect(written).toContain('posting failed');
      for (const secret of [botToken, slackToken, 'aW50ZXJhY3Rpb246MTIz', 'my-signing-secret', 'T1/2/abc'])
        expect(written).not.toContain(secret);
      expect(written).toContain('/webhooks/123/[redacted]');
    },
  );
});

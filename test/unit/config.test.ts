import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeSettingIssue, loadConfig, normalizeOllamaHost, SETTING_NAMES } from '../../src/config.js';

describe('loadConfig', () => {
  it('uses the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.ollama).toEqual({
      host: 'http://127.0.0.1:11434',
      model: 'llama3.2',
      numCtx: 8192,
      timeoutMs: 300_000,
      maxModelCalls: 50,
    });
    expect(config.queue).toEqual({ concurrency: 1, maxWaiting: 20 });
    expect(config.cache.bytes).toBe(32 * 1024 * 1024);
    expect(config.discord).toBeUndefined();
    expect(config.slack).toBeUndefined();
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ OLLAMA_MODEL: '', RECAP_NUM_CTX: ' ' }).ollama.model).toBe('llama3.2');
  });

  it('reports every problem at once, on one line, naming each variable, its range and its value', () => {
    expect(() =>
      loadConfig({ RECAP_NUM_CTX: 'lots', RECAP_QUEUE_CONCURRENCY: '0', OLLAMA_HOST: 'ftp://x' }),
    ).toThrow(
      '3 settings need fixing: OLLAMA_HOST must be a URL, host:port or :port, not "ftp://x"; ' +
        'RECAP_NUM_CTX must be a whole number from 1024 up, not "lots"; ' +
        'RECAP_QUEUE_CONCURRENCY must be a whole number from 1 up, not "0".',
    );
  });

  it.each([
    [{ RECAP_NUM_CTX: 'abc' }, 'RECAP_NUM_CTX must be a whole number from 1024 up, not "abc".'],
    [{ RECAP_NUM_CTX: '4096.5' }, 'RECAP_NUM_CTX must be a whole number from 1024 up, not "4096.5".'],
    [{ PORT: '70000' }, 'PORT must be a whole number from 0 to 65535, not "70000".'],
    [{ RECAP_CACHE_MB: '-1' }, 'RECAP_CACHE_MB must be a number of megabytes from 0 up, not "-1".'],
    [{ SLACK_API_URL: 'slack.com' }, 'SLACK_API_URL must be an http:// or https:// URL, not "slack.com".'],
  ])('says in its own words what %j must be', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never repeats a secret back when its setting is wrong', () => {
    const issue = { path: ['SLACK_APP_TOKEN'], message: 'must start with xapp-' };
    expect(describeSettingIssue(issue, { SLACK_APP_TOKEN: 'xoxb-secret' })).toBe(
      'SLACK_APP_TOKEN must start with xapp-, not the value given',
    );
    expect(describeSettingIssue({ ...issue, path: ['PORT'] }, { PORT: 'x'.repeat(100) })).toBe(
      `PORT must start with xapp-, not "${'x'.repeat(57)}..."`,
    );
  });

  it("lets extract ignore the bots' and the model's settings, and summarize the bots'", () => {
    const env = { DISCORD_INTERACTION_TTL_MS: 'soon', SLACK_BOT_TOKEN: 'xoxb-1', RECAP_NUM_CTX: 'big' };
    const forExtract = loadConfig({ ...env, RECAP_MAX_FILE_BYTES: '1000' }, 'extract');
    expect(forExtract.sources.maxFileBytes).toBe(1000);
    expect(forExtract.slack).toBeUndefined();
    expect(() => loadConfig(env, 'summarize')).toThrow(
      /^RECAP_NUM_CTX must be a whole number from 1024 up, not "big"\.$/,
    );
    expect(loadConfig({ ...env, RECAP_NUM_CTX: '4096' }, 'summarize').ollama.numCtx).toBe(4096);
    expect(() => loadConfig(env)).toThrow(/DISCORD_INTERACTION_TTL_MS must be a whole number from 1000 up/);
  });

  it('still checks what extract reads', () => {
    expect(() => loadConfig({ RECAP_MAX_FILE_BYTES: 'lots', OLLAMA_HOST: 'ftp://x' }, 'extract')).toThrow(
      /^RECAP_MAX_FILE_BYTES must be a whole number from 1 up, not "lots"\.$/,
    );
  });

  it('reads the sources settings, and reports a bad allow-list entry', () => {
    const config = loadConfig({
      FETCH_ALLOW_HOSTS: 'wiki.corp, 10.1.0.0/16 ,::1',
      RECAP_MAX_FILE_BYTES: '1000',
    });
    expect(config.sources).toEqual({
      maxFileBytes: 1000,
      fetchTimeoutMs: 20_000,
      allowHosts: ['wiki.corp', '10.1.0.0/16', '::1'],
      youtubeBaseUrl: 'https://www.youtube.com',
    });
    expect(() => loadConfig({ FETCH_ALLOW_HOSTS: '10.0.0.0/99' })).toThrow(
      /FETCH_ALLOW_HOSTS.*not a valid CIDR/,
    );
  });

  it('reads numbers and tokens from strings', () => {
    const config = loadConfig({ RECAP_NUM_CTX: '32768', RECAP_CACHE_MB: '0.5', DISCORD_TOKEN: 'abc' });
    expect(config.ollama.numCtx).toBe(32768);
    expect(config.cache.bytes).toBe(524288);
    expect(config.discord).toMatchObject({
      token: 'abc',
      restApi: 'https://discord.com/api',
      interactionTtlMs: 900_000,
    });
  });
});

describe('normalizeOllamaHost', () => {
  it.each([
    ['127.0.0.1', 'http://127.0.0.1:11434'],
    ['0.0.0.0:9999', 'http://0.0.0.0:9999'],
    [':11435', 'http://127.0.0.1:11435'],
    ['http://gpu-box:11434/', 'http://gpu-box:11434'],
    ['https://ollama.example.org', 'https://ollama.example.org'],
  ])('reads %s as %s, as Ollama does', (input, expected) => {
    expect(normalizeOllamaHost(input)).toBe(expected);
  });
});

describe('loadConfig for Slack', () => {
  it('needs an app token or a signing secret with the bot token', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(
      /SLACK_SIGNING_SECRET.*SLACK_APP_TOKEN \(Socket Mode\)/,
    );
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).slack).toMatchObject({
      appToken: 'xapp-1',
      port: 3000,
      apiUrl: 'https://slack.com/api/',
    });
    expect(
      loadConfig({
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_SIGNING_SECRET: 's',
        SLACK_API_URL: 'https://slack-gov.com/api',
      }).slack?.apiUrl,
    ).toBe('https://slack-gov.com/api/');
  });
});

describe('slack/manifest.yaml', () => {
  const manifest = readFileSync(new URL('../../slack/manifest.yaml', import.meta.url), 'utf8');
  it('declares the command, the shortcut, the bot scopes and the events recap uses', () => {
    expect(manifest).toMatch(/- command: \/summarize/);
    expect(manifest).toMatch(/type: message\n\s+callback_id: summarize/);
    for (const scope of [
      'commands',
      'chat:write',
      'app_mentions:read',
      'files:read',
      'channels:history',
      'groups:history',
      'im:history',
      'mpim:history',
    ]) {
      expect(manifest).toMatch(new RegExp(`^\\s+- ${scope}$`, 'm'));
    }
    expect(manifest).toMatch(/bot_events:\n\s+- app_mention\n\s+- message\.im/);
  });
});

describe('the settings documentation', () => {
  const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

  it('lists every setting in .env.example and in the README table', () => {
    expect(SETTING_NAMES.length).toBeGreaterThan(20);
    for (const name of [...SETTING_NAMES, 'RECAP_DEBUG']) {
      expect(example, name).toMatch(new RegExp(`^${name}=`, 'm'));
      expect(readme, name).toContain(`\`${name}\``);
    }
  });
});

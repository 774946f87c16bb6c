import { z } from 'zod';
import { RecapError } from './core/errors.js';
import { createAddressPolicy } from './core/fetch/address-policy.js';

const DEFAULT_OLLAMA_PORT = '11434';

/** Accepts what Ollama itself accepts in OLLAMA_HOST: `host`, `host:port`, `:port` or a full URL. */
export function normalizeOllamaHost(value: string): string {
  let text = value.trim();
  if (text.startsWith(':')) text = `127.0.0.1${text}`;
  const explicitScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  const url = new URL(explicitScheme ? text : `http://${text}`);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('must be an http or https URL');
  if (!explicitScheme && url.port === '') url.port = DEFAULT_OLLAMA_PORT;
  return url.toString().replace(/\/+$/, '');
}

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const positiveInt = (fallback: number, min = 1) => z.coerce.number().int().min(min).default(fallback);

const EnvSchema = z
  .object({
    OLLAMA_HOST: z
      .string()
      .default('http://127.0.0.1:11434')
      .transform((value, context) => {
        try {
          return normalizeOllamaHost(value);
        } catch {
          context.addIssue({ code: 'custom', message: `is not a valid address: "${value}"` });
          return z.NEVER;
        }
      }),
    OLLAMA_MODEL: z.string().trim().min(1).default('llama3.2'),
    RECAP_NUM_CTX: positiveInt(8192, 1024),
    RECAP_MODEL_TIMEOUT_MS: positiveInt(300_000, 1000),
    RECAP_MAX_MODEL_CALLS: positiveInt(50),
    RECAP_QUEUE_CONCURRENCY: positiveInt(1),
    RECAP_QUEUE_MAX: positiveInt(20, 0),
    RECAP_CACHE_MB: z.coerce.number().min(0).default(32),
    RECAP_MAX_FILE_BYTES: positiveInt(20 * 1024 * 1024),
    FETCH_TIMEOUT_MS: positiveInt(20_000, 100),
    FETCH_ALLOW_HOSTS: z
      .string()
      .default('')
      .transform(splitList)
      .superRefine((entries, context) => {
        try {
          createAddressPolicy(entries);
        } catch (error) {
          context.addIssue({ code: 'custom', message: (error as Error).message });
        }
      }),
    YOUTUBE_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://www.youtube.com'),
    RECAP_USER_LIMIT: positiveInt(6),
    RECAP_USER_WINDOW_S: positiveInt(600),
    DISCORD_TOKEN: optionalText,
    DISCORD_APPLICATION_ID: optionalText,
    DISCORD_GUILD_ID: optionalText,
    DISCORD_ALLOWED_GUILDS: optionalText,
    DISCORD_REST_API: z.url({ protocol: /^https?$/ }).default('https://discord.com/api'),
    DISCORD_INTERACTION_TTL_MS: positiveInt(15 * 60_000, 1000),
    SLACK_BOT_TOKEN: optionalText,
    SLACK_APP_TOKEN: optionalText,
    SLACK_SIGNING_SECRET: optionalText,
    SLACK_API_URL: z.url({ protocol: /^https?$/ }).default('https://slack.com/api/'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  })
  .superRefine((env, context) => {
    if (env.SLACK_BOT_TOKEN && !env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
      context.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message: 'the Slack app needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)',
      });
    }
  });

/** Every environment variable recap reads (besides RECAP_DEBUG, read by main.ts). */
export const SETTING_NAMES: readonly string[] = Object.keys(EnvSchema.shape);

export interface DiscordConfig {
  token: string;
  applicationId: string | undefined;
  guildId: string | undefined;
  allowedGuilds: ReadonlySet<string> | undefined;
  restApi: string;
  interactionTtlMs: number;
}

export interface SlackConfig {
  botToken: string;
  /** Socket Mode when set; HTTP mode (signingSecret, port) otherwise. */
  appToken: string | undefined;
  signingSecret: string | undefined;
  port: number;
  apiUrl: string;
}

export interface Config {
  ollama: { host: string; model: string; numCtx: number; timeoutMs: number; maxModelCalls: number };
  queue: { concurrency: number; maxWaiting: number };
  cache: { bytes: number };
  sources: { maxFileBytes: number; fetchTimeoutMs: number; allowHosts: string[]; youtubeBaseUrl: string };
  /** Per-person limit in front of the queue, for every chat platform. */
  userLimit: { limit: number; windowMs: number };
  discord: DiscordConfig | undefined;
  slack: SlackConfig | undefined;
}

/** Reads the settings from an environment, reporting every problem at once. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const parsed = EnvSchema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new RecapError(
      'config_invalid',
      `The settings have ${problems.length} problem(s):\n${problems.join('\n')}`,
      {
        cause: parsed.error,
      },
    );
  }
  const e = parsed.data;
  return {
    ollama: {
      host: e.OLLAMA_HOST,
      model: e.OLLAMA_MODEL,
      numCtx: e.RECAP_NUM_CTX,
      timeoutMs: e.RECAP_MODEL_TIMEOUT_MS,
      maxModelCalls: e.RECAP_MAX_MODEL_CALLS,
    },
    queue: { concurrency: e.RECAP_QUEUE_CONCURRENCY, maxWaiting: e.RECAP_QUEUE_MAX },
    cache: { bytes: Math.round(e.RECAP_CACHE_MB * 1024 * 1024) },
    sources: {
      maxFileBytes: e.RECAP_MAX_FILE_BYTES,
      fetchTimeoutMs: e.FETCH_TIMEOUT_MS,
      allowHosts: e.FETCH_ALLOW_HOSTS,
      youtubeBaseUrl: e.YOUTUBE_BASE_URL,
    },
    userLimit: { limit: e.RECAP_USER_LIMIT, windowMs: e.RECAP_USER_WINDOW_S * 1000 },
    discord: e.DISCORD_TOKEN
      ? {
          token: e.DISCORD_TOKEN,
          applicationId: e.DISCORD_APPLICATION_ID,
          guildId: e.DISCORD_GUILD_ID,
          allowedGuilds: e.DISCORD_ALLOWED_GUILDS ? new Set(splitList(e.DISCORD_ALLOWED_GUILDS)) : undefined,
          restApi: e.DISCORD_REST_API.replace(/\/+$/, ''),
          interactionTtlMs: e.DISCORD_INTERACTION_TTL_MS,
        }
      : undefined,
    slack: e.SLACK_BOT_TOKEN
      ? {
          botToken: e.SLACK_BOT_TOKEN,
          appToken: e.SLACK_APP_TOKEN,
          signingSecret: e.SLACK_SIGNING_SECRET,
          port: e.PORT,
          apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
        }
      : undefined,
  };
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** An empty variable (`FOO=` in a .env file) means "not set", so defaults apply. */
function withoutEmpty(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') result[key] = value;
  }
  return result;
}

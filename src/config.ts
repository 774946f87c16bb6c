import { z } from 'zod';
import { parseWindow } from './core/conversation/scope.js';
import { RecapError } from './core/errors.js';
import { createAddressPolicy } from './core/fetch/address-policy.js';
import { LOG_LEVELS, type LogLevel } from './core/log.js';

const DEFAULT_OLLAMA_PORT = '11434';

/** Accepts what Ollama itself accepts in OLLAMA_HOST: `host`, `host:port`, `:port` or a full URL. */
export function normalizeOllamaHost(value: string): string {
  let text = value.trim();
  if (text.startsWith(':')) text = `127.0.0.1${text}`;
  const explicitScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  const url = new URL(explicitScheme ? text : `http://${text}`);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('must be an http or https URL');
  if (!explicitScheme && url.port === '') url.port = DEFAULT_OLLAMA_PORT;
  return withoutTrailingSlashes(url.toString());
}

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/** A whole number from `min` up (to `max`), with the message a person reads when it is not. */
const positiveInt = (fallback: number, min = 1, max?: number) => {
  const error = `must be a whole number ${max === undefined ? `from ${min} up` : `from ${min} to ${max}`}`;
  const number = z.coerce.number({ error }).int({ error }).min(min, { error });
  return (max === undefined ? number : number.max(max, { error })).default(fallback);
};

/** `redis://`, `rediss://` (TLS) or `unix:///path/to.sock` (`?db=N` picks a database on a socket). */
const redisUrl = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .pipe(
    z
      .url({
        protocol: /^(rediss?|unix)$/,
        // Not "must …": the value is not repeated back, since a Redis URL may carry a password.
        error: 'needs a redis://, rediss:// or unix:// URL (the value is not shown: it may hold a password)',
      })
      .optional(),
  )
  .optional();

export const ROLES = ['all', 'front', 'worker'] as const;
export type Role = (typeof ROLES)[number];

const BOOLEAN_WORDS: Record<string, boolean> = {
  true: true,
  yes: true,
  on: true,
  '1': true,
  false: false,
  no: false,
  off: false,
  '0': false,
};

const httpUrl = (fallback: string) =>
  z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).default(fallback);

const EnvSchema = z
  .object({
    OLLAMA_HOST: z
      .string()
      .default('http://127.0.0.1:11434')
      .transform((value, context) => {
        try {
          return normalizeOllamaHost(value);
        } catch {
          context.addIssue({ code: 'custom', message: 'must be a URL, host:port or :port' });
          return z.NEVER;
        }
      }),
    OLLAMA_MODEL: z.string().trim().min(1).default('llama3.2'),
    RECAP_NUM_CTX: positiveInt(8192, 1024),
    RECAP_MODEL_TIMEOUT_MS: positiveInt(300_000, 1000),
    RECAP_MAX_MODEL_CALLS: positiveInt(50),
    RECAP_QUEUE_CONCURRENCY: positiveInt(1),
    RECAP_QUEUE_MAX: positiveInt(20, 0),
    RECAP_CACHE_MB: z.coerce
      .number({ error: 'must be a number of megabytes from 0 up' })
      .min(0, { error: 'must be a number of megabytes from 0 up' })
      .default(32),
    RECAP_MAX_FILE_BYTES: positiveInt(20 * 1024 * 1024),
    RECAP_MAX_PARSES: positiveInt(2),
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
    YOUTUBE_BASE_URL: httpUrl('https://www.youtube.com'),
    RECAP_USER_LIMIT: positiveInt(6),
    RECAP_USER_WINDOW_S: positiveInt(600),
    DISCORD_TOKEN: optionalText,
    DISCORD_APPLICATION_ID: optionalText,
    DISCORD_GUILD_ID: optionalText,
    DISCORD_ALLOWED_GUILDS: optionalText,
    DISCORD_REST_API: httpUrl('https://discord.com/api'),
    DISCORD_INTERACTION_TTL_MS: positiveInt(15 * 60_000, 1000),
    SLACK_BOT_TOKEN: optionalText,
    SLACK_APP_TOKEN: optionalText,
    SLACK_SIGNING_SECRET: optionalText,
    SLACK_API_URL: httpUrl('https://slack.com/api/'),
    PORT: positiveInt(3000, 0, 65535),
    SLACK_FILE_HOSTS: z.string().default('files.slack.com').transform(splitList),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    LOG_FORMAT: z.enum(['pretty', 'json']).default('pretty'),
    ROLE: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }).default('all'),
    REDIS_URL: redisUrl,
    REDIS_CACHE_URL: redisUrl,
    REDIS_PREFIX: z
      .string()
      .trim()
      .regex(/^[\w.-]{1,64}$/, { error: 'must be 1 to 64 letters, digits, dots, dashes or underscores' })
      .default('recap'),
    METRICS_PORT: z.coerce
      .number({ error: 'must be a whole number from 0 to 65535' })
      .int({ error: 'must be a whole number from 0 to 65535' })
      .min(0, { error: 'must be a whole number from 0 to 65535' })
      .max(65535, { error: 'must be a whole number from 0 to 65535' })
      .optional(),
    DISCORD_SHARDS: z
      .union([z.literal('auto'), z.coerce.number().int().min(1)], {
        error: 'must be auto or a whole number from 1 up',
      })
      .default('auto'),
    RECAP_SHUTDOWN_GRACE_S: positiveInt(20, 0),
    RECAP_JOB_LOCK_S: positiveInt(30, 2),
    RECAP_MAX_MESSAGES: positiveInt(1000, 1, 10_000),
    RECAP_MAX_WINDOW: z
      .string()
      .default('7d')
      .transform((value, context) => {
        const ms = parseWindow(value);
        if (ms !== undefined) return ms;
        context.addIssue({ code: 'custom', message: 'must be a duration such as 7d, 48h or 90min' });
        return z.NEVER;
      }),
    RECAP_PUBLIC_ALLOWED: z
      .string()
      .default('true')
      .transform((value, context) => {
        const answer = BOOLEAN_WORDS[value.trim().toLowerCase()];
        if (answer !== undefined) return answer;
        context.addIssue({ code: 'custom', message: 'must be true or false' });
        return z.NEVER;
      }),
    RECAP_DENY_CHANNELS: z.string().default('').transform(splitList),
  })
  .superRefine((env, context) => {
    if (env.ROLE !== 'all' && !env.REDIS_URL) {
      context.addIssue({
        code: 'custom',
        path: ['REDIS_URL'],
        message: `ROLE=${env.ROLE} needs REDIS_URL: the front and the workers meet on Redis`,
      });
    }
    if (env.REDIS_CACHE_URL && !env.REDIS_URL) {
      context.addIssue({
        code: 'custom',
        path: ['REDIS_CACHE_URL'],
        message: 'a summary cache on Redis needs REDIS_URL too (the locks that share runs live there)',
      });
    }
    // A worker only answers (with the bot token); it receives nothing, so it needs no receiver's secret.
    if (env.ROLE !== 'worker' && env.SLACK_BOT_TOKEN && !env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
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
  /** Gateway shards in this front: discord.js asks Discord for the recommended count with 'auto'. */
  shards: 'auto' | number;
}

export interface SlackConfig {
  botToken: string;
  /** Socket Mode when set; HTTP mode (signingSecret, port) otherwise. */
  appToken: string | undefined;
  signingSecret: string | undefined;
  port: number;
  apiUrl: string;
  /** Hosts (host or host:port) that serve Slack's private files: the only ones sent the bot token. */
  fileHosts: readonly string[];
}

/** Conversation recaps (issue 12): how far back one recap reads, and where and how it may be shown. */
export interface RecapsConfig {
  /** The most messages one recap reads (the newest are kept; older ones are counted and said). */
  maxMessages: number;
  /** The longest time back one recap reads. */
  maxWindowMs: number;
  /** Whether a recap may be posted for everyone to see (`public`); private to the requester otherwise. */
  publicAllowed: boolean;
  /** Channels (Discord or Slack ids) where recaps are refused; a Discord thread follows its parent. */
  denyChannels: ReadonlySet<string>;
}

export interface Config {
  ollama: { host: string; model: string; numCtx: number; timeoutMs: number; maxModelCalls: number };
  queue: { concurrency: number; maxWaiting: number };
  cache: { bytes: number };
  sources: { maxFileBytes: number; fetchTimeoutMs: number; allowHosts: string[]; youtubeBaseUrl: string };
  /** Files and pages parsed at once, each in its own bounded process. */
  parsing: { maxParses: number };
  /** Per-person limit in front of the queue, for every chat platform. */
  userLimit: { limit: number; windowMs: number };
  discord: DiscordConfig | undefined;
  slack: SlackConfig | undefined;
  log: { level: LogLevel; format: 'pretty' | 'json' };
  /** What this process does: everything (the default), the chat front, or a worker that runs jobs. */
  role: Role;
  /** Where fronts and workers meet; undefined: one process, everything in memory (today's recap). */
  redis: RedisConfig | undefined;
  /** Where /healthz, /readyz and /metrics listen; undefined: nowhere. */
  metricsPort: number | undefined;
  /** How long a stopping worker lets its jobs finish before handing them back to the queue. */
  shutdownGraceMs: number;
  /** A worker's lock on a job (BullMQ's lockDuration): a job whose worker died runs again after about this. */
  jobLockMs: number;
  recaps: RecapsConfig;
}

export interface RedisConfig {
  /** The jobs, locks and rate limits: a server that never evicts (`maxmemory-policy noeviction`). */
  url: string;
  /** The summary cache: a server of its own with an evicting policy; in memory per process when unset. */
  cacheUrl: string | undefined;
  /** Put before every key and queue name, so deployments can share a server. */
  prefix: string;
}

/**
 * What a command reads of the settings. The bots read everything; `summarize` leaves out what only the
 * chat platforms use, and `extract` also what only the model uses, so a bad bot setting in a shared
 * .env cannot stop the CLI. Settings left out take their defaults (and no platform is configured).
 */
export type SettingsScope = 'everything' | 'summarize' | 'extract';

/** Settings only the chat platforms read. A new DISCORD_* or SLACK_* setting is covered already. */
const CHAT_ONLY =
  /^(DISCORD_|SLACK_|PORT$|RECAP_USER_|LOG_|RECAP_MAX_MESSAGES$|RECAP_MAX_WINDOW$|RECAP_PUBLIC_|RECAP_DENY_)/;
/** Settings only `recap start` reads: the roles and where they meet. */
const SERVICE_ONLY = /^(ROLE$|REDIS_|METRICS_PORT$|RECAP_SHUTDOWN_|RECAP_JOB_LOCK_)/;
/** Settings only the model and its queue read. */
const MODEL_ONLY = /^(OLLAMA_|RECAP_NUM_CTX$|RECAP_MODEL_|RECAP_MAX_MODEL_|RECAP_QUEUE_|RECAP_CACHE_)/;

function inScope(name: string, scope: SettingsScope): boolean {
  if (scope === 'everything') return true;
  if (SERVICE_ONLY.test(name)) return false;
  return !CHAT_ONLY.test(name) && (scope === 'summarize' || !MODEL_ONLY.test(name));
}

/** Reads the settings from an environment, reporting every problem at once, in one line. */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  scope: SettingsScope = 'everything',
): Config {
  const given = withoutEmpty(env, scope);
  const parsed = EnvSchema.safeParse(given);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => describeSettingIssue(issue, given));
    const message =
      problems.length === 1
        ? `${problems[0]}.`
        : `${problems.length} settings need fixing: ${problems.join('; ')}.`;
    throw new RecapError('config_invalid', message, { cause: parsed.error });
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
    parsing: { maxParses: e.RECAP_MAX_PARSES },
    userLimit: { limit: e.RECAP_USER_LIMIT, windowMs: e.RECAP_USER_WINDOW_S * 1000 },
    discord: e.DISCORD_TOKEN
      ? {
          token: e.DISCORD_TOKEN,
          applicationId: e.DISCORD_APPLICATION_ID,
          guildId: e.DISCORD_GUILD_ID,
          allowedGuilds: e.DISCORD_ALLOWED_GUILDS ? new Set(splitList(e.DISCORD_ALLOWED_GUILDS)) : undefined,
          restApi: withoutTrailingSlashes(e.DISCORD_REST_API),
          interactionTtlMs: e.DISCORD_INTERACTION_TTL_MS,
          shards: e.DISCORD_SHARDS,
        }
      : undefined,
    slack: e.SLACK_BOT_TOKEN
      ? {
          botToken: e.SLACK_BOT_TOKEN,
          appToken: e.SLACK_APP_TOKEN,
          signingSecret: e.SLACK_SIGNING_SECRET,
          port: e.PORT,
          apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
          fileHosts: e.SLACK_FILE_HOSTS,
        }
      : undefined,
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT },
    role: e.ROLE,
    redis: e.REDIS_URL
      ? { url: e.REDIS_URL, cacheUrl: e.REDIS_CACHE_URL, prefix: e.REDIS_PREFIX }
      : undefined,
    metricsPort: e.METRICS_PORT,
    shutdownGraceMs: e.RECAP_SHUTDOWN_GRACE_S * 1000,
    jobLockMs: e.RECAP_JOB_LOCK_S * 1000,
    recaps: {
      maxMessages: e.RECAP_MAX_MESSAGES,
      maxWindowMs: e.RECAP_MAX_WINDOW,
      publicAllowed: e.RECAP_PUBLIC_ALLOWED,
      denyChannels: new Set(e.RECAP_DENY_CHANNELS),
    },
  };
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** An empty variable (`FOO=` in a .env file) means "not set", so defaults apply. */
function withoutEmpty(
  env: Readonly<Record<string, string | undefined>>,
  scope: SettingsScope,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '' && inScope(key, scope)) result[key] = value;
  }
  return result;
}

/** "RECAP_NUM_CTX must be a whole number from 1024 up, not "abc"": the variable, the rule, the value. */
export function describeSettingIssue(
  issue: Pick<z.core.$ZodIssue, 'path' | 'message'>,
  env: Readonly<Record<string, string>>,
): string {
  const name = String(issue.path[0] ?? 'settings');
  const value = env[name];
  if (!issue.message.startsWith('must ') || value === undefined) return `${name}: ${issue.message}`;
  // A secret is never repeated back, in a terminal or a log.
  const shown = /TOKEN|SECRET|PASSWORD|KEY/.test(name)
    ? 'the value given'
    : `"${value.length > 60 ? `${value.slice(0, 57)}...` : value}"`;
  return `${name} ${issue.message}, not ${shown}`;
}

function withoutTrailingSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url[end - 1] === '/') end -= 1;
  return url.slice(0, end);
}

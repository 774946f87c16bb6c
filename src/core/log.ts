import pino from 'pino';
import { prettyFactory } from 'pino-pretty';

/** Values a log line may carry besides its message: platform, guild or team, person, request id, stage… */
export type LogFields = Record<string, string | number | boolean | undefined>;

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Where recap reports what happened. main.ts decides where lines go (stderr, pretty or JSON); tests keep
 * them. `child` returns a logger whose every line carries the given fields as well.
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
  /** The lowest level written, when the logger knows it (so chatty sources can stay unwired). */
  readonly level?: LogLevel;
}

type Level = 'debug' | 'info' | 'warn' | 'error';

/** One line per event: time, level, message, then the fields as key=value. Debug lines are dropped. */
export function consoleLogger(write: (line: string) => void, bound: LogFields = {}): Logger {
  const line = (level: Level, message: string, fields?: LogFields) => {
    if (level === 'debug') return;
    write(
      `${new Date().toISOString()} ${level.padEnd(5)} ${message}${formatFields({ ...bound, ...fields })}\n`,
    );
  };
  return {
    debug: (message, fields) => line('debug', message, fields),
    info: (message, fields) => line('info', message, fields),
    warn: (message, fields) => line('warn', message, fields),
    error: (message, fields) => line('error', message, fields),
    child: (fields) => consoleLogger(write, { ...bound, ...fields }),
  };
}

export function formatFields(fields: LogFields): string {
  const pairs = Object.entries(fields).filter(([, value]) => value !== undefined);
  return pairs.length === 0 ? '' : ` ${pairs.map(([key, value]) => `${key}=${String(value)}`).join(' ')}`;
}

export interface LoggerSettings {
  level: LogLevel;
  /** `pretty`: one readable line per event (coloured on a terminal); `json`: one JSON object per line. */
  format: 'pretty' | 'json';
  /** Credentials recap holds: never written, wherever they turn up (a message, an error's cause, a field). */
  secrets?: readonly (string | undefined)[];
}

/** Something lines can be written to: stderr by default, a collecting stream in tests. */
export interface LogDestination {
  write(line: string): void;
  isTTY?: boolean;
}

/** pino behind recap's Logger: levels, structured fields, and every credential redacted. */
export function createLogger(settings: LoggerSettings, destination: LogDestination = process.stderr): Logger {
  const stream =
    settings.format === 'json' ? destination : prettyLines(destination, destination.isTTY === true);
  const base = pino({ level: settings.level, base: null }, stream);
  return wrap(base, redactor(settings.secrets ?? []), settings.level);
}

/** pino's JSON lines turned into one readable line each: time, level, message, then key=value fields. */
function prettyLines(destination: LogDestination, colorize: boolean): LogDestination {
  const prettify = prettyFactory({
    colorize,
    translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
    ignore: 'pid,hostname',
    hideObject: true,
    messageFormat: (log, messageKey) => {
      const { level, time, [messageKey]: message, ...fields } = log;
      return `${String(message)}${formatFields(fields as LogFields)}`;
    },
  });
  return { write: (line) => destination.write(prettify(line)) };
}

function wrap(base: pino.Logger, redact: (text: string) => string, level: LogLevel): Logger {
  const at =
    (method: Level) =>
    (message: string, fields?: LogFields): void => {
      if (!base.isLevelEnabled(method)) return;
      base[method](redactFields(fields, redact), redact(message));
    };
  return {
    level,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (fields) => wrap(base.child(redactFields(fields, redact)), redact, level),
  };
}

function redactFields(fields: LogFields | undefined, redact: (text: string) => string): LogFields {
  const clean: LogFields = {};
  for (const [key, value] of Object.entries(fields ?? {})) {
    clean[key] = typeof value === 'string' ? redact(value) : value;
  }
  return clean;
}

const REDACTED = '[redacted]';

/**
 * Credentials by their shape, for those recap was not told about: Slack tokens, Discord bot tokens,
 * the interaction token in a webhook or callback path, and a Slack response_url's secret path.
 */
const CREDENTIAL_SHAPES: readonly [RegExp, string][] = [
  [/\bx(?:ox[a-z]|app)-[A-Za-z0-9-]{6,}/g, REDACTED],
  [/\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}\b/g, REDACTED],
  [/\/(webhooks|interactions)\/(\d+)\/[^/\s?"']+/g, `/$1/$2/${REDACTED}`],
  [/(hooks\.slack(?:-gov)?\.com\/)[^\s"']+/g, `$1${REDACTED}`],
];

/** Replaces every known secret, and anything shaped like a credential, with a marker. */
export function redactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const known = secrets.filter((secret): secret is string => (secret?.length ?? 0) >= 6);
  return (text) => {
    let clean = text;
    for (const secret of known) clean = clean.replaceAll(secret, REDACTED);
    for (const [shape, replacement] of CREDENTIAL_SHAPES) clean = clean.replace(shape, replacement);
    return clean;
  };
}

/**
 * pino behind recap's Logger: levels, structured fields, pretty lines or JSON, and every credential
 * redacted. Its own module, so that commands which never log (`recap --help`) never load pino.
 */
import pino from 'pino';
import { prettyFactory } from 'pino-pretty';
import { formatFields, type LogFields, type Logger, type LogLevel } from './log.js';

type Level = 'debug' | 'info' | 'warn' | 'error';

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

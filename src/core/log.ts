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

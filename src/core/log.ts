/** Values a log line may carry besides its message: platform, guild or team, person, request id, stage… */
export type LogFields = Record<string, string | number | boolean | undefined>;

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Where recap reports what happened. main.ts decides where lines go (pino, in pino-logger.ts: pretty or
 * JSON on stderr); tests keep them. `child` returns a logger whose every line carries the given fields.
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

/** `key=value` pairs after a message, for lines people read (undefined values left out). */
export function formatFields(fields: LogFields): string {
  const pairs = Object.entries(fields).filter(([, value]) => value !== undefined);
  return pairs.length === 0 ? '' : ` ${pairs.map(([key, value]) => `${key}=${String(value)}`).join(' ')}`;
}

/**
 * A child logger made when it first writes: a chat request of a burst writes nothing before the burst is
 * over, and making pino's child for each one took 3 % of a front's burst of 500 (its profile).
 */
export function lazyChild(log: Logger, fields: () => LogFields): Logger {
  let child: Logger | undefined;
  const made = () => {
    child ??= log.child(fields());
    return child;
  };
  return {
    ...(log.level ? { level: log.level } : {}),
    debug: (message, more) => made().debug(message, more),
    info: (message, more) => made().info(message, more),
    warn: (message, more) => made().warn(message, more),
    error: (message, more) => made().error(message, more),
    child: (more) => made().child(more),
  };
}

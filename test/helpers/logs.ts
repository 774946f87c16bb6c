import { formatFields, type LogFields, type Logger, type LogLevel } from '../../src/core/log.js';

/**
 * A logger that keeps every line ("level message key=value…"), debug lines included, for tests to read;
 * `level` is only what it tells its callers (LOG_LEVEL), so a test sees what they wire at that level.
 */
export function collectingLogger(lines: string[], bound: LogFields = {}, level?: LogLevel): Logger {
  const keep = (level: string) => (message: string, fields?: LogFields) =>
    lines.push(`${level} ${message}${formatFields({ ...bound, ...fields })}`);
  return {
    debug: keep('debug'),
    info: keep('info'),
    warn: keep('warn'),
    error: keep('error'),
    child: (fields) => collectingLogger(lines, { ...bound, ...fields }, level),
    ...(level ? { level } : {}),
  };
}

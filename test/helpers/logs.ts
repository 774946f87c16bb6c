import { formatFields, type LogFields, type Logger } from '../../src/core/log.js';

/** A logger that keeps every line ("level message key=value…"), debug lines included, for tests to read. */
export function collectingLogger(lines: string[], bound: LogFields = {}): Logger {
  const keep = (level: string) => (message: string, fields?: LogFields) =>
    lines.push(`${level} ${message}${formatFields({ ...bound, ...fields })}`);
  return {
    debug: keep('debug'),
    info: keep('info'),
    warn: keep('warn'),
    error: keep('error'),
    child: (fields) => collectingLogger(lines, { ...bound, ...fields }),
  };
}

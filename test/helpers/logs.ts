import type { Logger } from '../../src/core/log.js';

/** A logger that keeps every line, for tests to read. */
export function collectingLogger(lines: string[]): Logger {
  return {
    info: (message) => lines.push(`info ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
    error: (message) => lines.push(`error ${message}`),
  };
}

import { LogLevel } from '@slack/bolt';
import { describeCauses } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';

const LEVELS = { debug: LogLevel.DEBUG, info: LogLevel.INFO, warn: LogLevel.WARN, error: LogLevel.ERROR };
/** A warning or error said again within this time is written at debug level only. */
const QUIET_MS = 10 * 60_000;

/**
 * Bolt's, the Web API client's and the Socket Mode client's log lines, through recap's logger at its
 * level. A line they repeat (a failing connection retried for minutes) is written once, not every time.
 */
export function boltLogger(log: Logger, now: () => number = Date.now) {
  let name = 'slack';
  const said = new Map<string, number>();
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...parts: unknown[]) => {
      const text = `${name}: ${parts.map((part) => (part instanceof Error ? describeCauses(part) : String(part))).join(' ')}`;
      if (level === 'warn' || level === 'error') {
        const last = said.get(text);
        said.set(text, now());
        if (said.size > 200) said.delete(said.keys().next().value as string);
        if (last !== undefined && now() - last < QUIET_MS) return log.debug(`${text} (again)`);
      }
      log[level](text);
    };
  const level = log.level === 'silent' ? LogLevel.ERROR : LEVELS[log.level ?? 'debug'];
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel: () => undefined,
    getLevel: () => level,
    setName: (next: string) => {
      name = next;
    },
  };
}

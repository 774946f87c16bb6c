/**
 * Health and metrics of the single process (no REDIS_URL) on METRICS_PORT, as the roles serve them: a
 * team running one container gets the same /healthz, /readyz and /metrics as a cluster. Ready means every
 * chat platform is connected and the Ollama host answers and has the model. There is no queue in Redis,
 * so `recap_jobs{state}` and the queue wait are not reported.
 */
import type { ChatRuntimeSeams } from '../app.js';
import type { Config } from '../config.js';
import type { Logger } from '../core/log.js';
import { type HealthServer, platformChecks, startHealthServer } from './health-server.js';
import { probeHost } from './host-health.js';
import { Metrics } from './metrics.js';
import type { StartedPlatform } from './roles.js';

export interface ObservedProcess {
  metrics: Metrics;
  /** What the chat runtime reports: each acknowledgement, each job's end. */
  seams: Pick<ChatRuntimeSeams, 'onAcknowledged' | 'onJobFinished'>;
  /** Starts serving, once the platforms are started. */
  serve(platforms: readonly StartedPlatform[]): Promise<HealthServer>;
}

export function observeOneProcess(config: Config, port: number, log: Logger): ObservedProcess {
  const metrics = new Metrics();
  const { host, model } = config.ollama;
  return {
    metrics,
    seams: {
      onAcknowledged: (platform, ms) => metrics.acknowledged(platform, ms),
      onJobFinished: (outcome) =>
        metrics.jobFinished(outcome.kind, outcome.kind === 'delivered' ? undefined : outcome.error),
    },
    serve: (platforms) =>
      startHealthServer({
        port,
        metrics,
        log,
        ready: async () => {
          const state = await probeHost(host, model);
          metrics.hostState(host, state.ready);
          return { ...platformChecks(platforms), ollama: state.ready ? true : state.reason };
        },
      }),
  };
}

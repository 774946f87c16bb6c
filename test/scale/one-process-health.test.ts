/**
 * The single process (no REDIS_URL) with METRICS_PORT: the same /healthz, /readyz and /metrics as the
 * roles, so a team running one container can point its health check and Prometheus at it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama.js';
import {
  type FakeSlack,
  postSigned,
  SIGNING_SECRET,
  SLACK_BOT_TOKEN,
  startFakeSlack,
} from '../fakes/slack.js';
import { LIMITS } from '../helpers/spawn.js';
import { budget, freePort, get, Processes, sample } from './cluster.js';

/** The metrics once `series` reads `value`, read every 100 ms (an answer's time at most). */
async function metricsOnce(port: number, series: string, value: number): Promise<string> {
  const started = Date.now();
  for (;;) {
    const metrics = (await get(port, '/metrics')).text;
    if (sample(metrics, series) === value) return metrics;
    if (Date.now() - started > LIMITS.answerMs) throw new Error(`${series} never read ${value}:\n${metrics}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('one process with METRICS_PORT', () => {
  let slack: FakeSlack;
  let ollama: FakeOllama;
  const processes = new Processes();
  beforeAll(async () => {
    [slack, ollama] = await Promise.all([startFakeSlack(), startFakeOllama()]);
  });
  afterAll(async () => {
    processes.killAll();
    await Promise.all([slack.close(), ollama.close()]);
  });

  it(
    'serves health, readiness and metrics, and is not ready while its Ollama host is down',
    async () => {
      const [port, metricsPort] = await Promise.all([freePort(), freePort()]);
      const recap = processes.start({
        SLACK_BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        PORT: String(port),
        OLLAMA_HOST: ollama.url,
        METRICS_PORT: String(metricsPort),
      });
      await recap.waitForOutput('health and metrics on');
      expect(await get(metricsPort, '/healthz')).toEqual({ status: 200, text: 'ok\n' });
      const ready = await get(metricsPort, '/readyz');
      expect(ready.status).toBe(200);
      expect(JSON.parse(ready.text)).toEqual({ ready: true, checks: { platform1: true, ollama: true } });

      const body = new URLSearchParams(slack.commandForm('Standup: the launch moves to May.')).toString();
      const answer = await postSigned(port, SIGNING_SECRET, body);
      expect(answer.status).toBe(200);
      // The job is counted once its answer is posted: read the metrics until it is.
      const metrics = await metricsOnce(metricsPort, 'recap_jobs_total{outcome="delivered"}', 1);
      expect(slack.callsTo('chat.postMessage').some((call) => Array.isArray(call.args.blocks))).toBe(true);
      expect(sample(metrics, 'recap_ack_seconds_count{platform="slack"}')).toBe(1);
      expect(sample(metrics, `recap_model_tokens_total{host="${ollama.url}",kind="prompt"}`)).toBeGreaterThan(
        0,
      );
      expect(sample(metrics, 'recap_cache_lookups_total{result="miss"}')).toBe(1);

      await ollama.close();
      const down = await get(metricsPort, '/readyz');
      expect(down.status).toBe(503);
      expect(JSON.parse(down.text).checks.ollama).toMatch(/\S/);
      expect(sample((await get(metricsPort, '/metrics')).text, `recap_ollama_up{host="${ollama.url}"}`)).toBe(
        0,
      );
    },
    budget('startMs', 'answerMs'),
  );
});

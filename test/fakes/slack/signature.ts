import { createHmac } from 'node:crypto';

/**
 * Slack's request signature (docs.slack.dev, "Verifying requests from Slack"):
 * v0=hex(HMAC-SHA256(signing secret, "v0:" + timestamp + ":" + body)).
 */
export function slackSignature(secret: string, timestamp: number | string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** Posts to an app's /slack/events as Slack does over HTTP: signed now, a form (commands) or JSON (events). */
export function postSigned(
  port: number,
  secret: string,
  body: string,
  type: 'form' | 'json' = 'form',
): Promise<Response> {
  const timestamp = Math.floor(Date.now() / 1000);
  return fetch(`http://127.0.0.1:${port}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': type === 'form' ? 'application/x-www-form-urlencoded' : 'application/json',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(secret, timestamp, body),
    },
    body,
  });
}

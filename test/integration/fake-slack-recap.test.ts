/**
 * What the fake Slack adds for recaps, through @slack/web-api: a 429 on a later call of a method, so a
 * read can be cut after its first page. Source: test/fakes/slack/limits.ts.
 */
import { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { SLACK_BOT_TOKEN } from '../fakes/slack.js';
import { fakeSlackPerTest } from '../helpers/fake-clients.js';

const start = fakeSlackPerTest();

describe('fake Slack, for recaps', () => {
  it('answers 429 on the call after the ones let through, with its Retry-After', async () => {
    const { slack } = await start();
    const client = new WebClient(SLACK_BOT_TOKEN, {
      slackApiUrl: slack.apiUrl,
      rejectRateLimitedCalls: true,
    });
    slack.rateLimitAfter('conversations.history', 2, 7);
    await client.conversations.history({ channel: 'C0000001' });
    await client.conversations.history({ channel: 'C0000001' });
    const limited = await client.conversations
      .history({ channel: 'C0000001' })
      .catch((error: unknown) => error);
    expect(limited).toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 });
    await client.conversations.history({ channel: 'C0000001' });
    expect(slack.callsTo('conversations.history')).toHaveLength(4);
  });
});

/**
 * A bare Bolt app in HTTP mode that does nothing but acknowledge /summarize: the baseline recap's
 * acknowledgements are measured against. It depends on Bolt alone, not on recap.
 * Settings: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL, PORT. Prints "ready" when listening.
 */
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

const env = (name: string) => process.env[name] ?? '';
const receiver = new HTTPReceiver({ signingSecret: env('SLACK_SIGNING_SECRET'), logLevel: LogLevel.ERROR });
const app = new App({
  token: env('SLACK_BOT_TOKEN'),
  receiver,
  clientOptions: { slackApiUrl: env('SLACK_API_URL') },
  logLevel: LogLevel.ERROR,
});
app.command('/summarize', async ({ ack }) => {
  await ack();
});
await app.start(Number(env('PORT')));
process.stdout.write('ready\n');
process.once('SIGTERM', () => void app.stop().finally(() => process.exit(0)));

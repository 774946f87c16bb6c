/**
 * A bare discord.js client that does nothing but defer each slash command (the acknowledgement recap
 * sends first): the baseline recap's acknowledgements are measured against. It depends on discord.js
 * alone, not on recap, and asks for the same gateway intents as recap's bot.
 * Settings: DISCORD_TOKEN, DISCORD_REST_API. Prints "ready" when logged in.
 */
import { Client, Events, GatewayIntentBits, Partials } from 'discord.js';

const client = new Client({
  intents: [
    GatewayIntentBits.Guilds,
    GatewayIntentBits.GuildMessages,
    GatewayIntentBits.MessageContent,
    GatewayIntentBits.DirectMessages,
  ],
  partials: [Partials.Channel],
  rest: { api: process.env.DISCORD_REST_API ?? '' },
});
client.on(Events.InteractionCreate, (interaction) => {
  if (interaction.isChatInputCommand()) void interaction.deferReply().catch(() => undefined);
});
await client.login(process.env.DISCORD_TOKEN);
process.stdout.write('ready\n');
process.once('SIGTERM', () => void client.destroy().finally(() => process.exit(0)));

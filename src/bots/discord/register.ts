import { REST, Routes } from 'discord.js';
import { commandDefinitions } from './commands.js';

export interface RegisterOptions {
  token: string;
  restApi: string;
  applicationId?: string | undefined;
  /** Register to one guild (instant) instead of globally (which Discord spreads within an hour). */
  guildId?: string | undefined;
}

/** Registers /summarize and the Summarize message command; returns where they went. */
export async function registerCommands(
  options: RegisterOptions,
): Promise<{ scope: string; names: string[] }> {
  const rest = new REST({ api: options.restApi }).setToken(options.token);
  const applicationId =
    options.applicationId ?? ((await rest.get(Routes.currentApplication())) as { id: string }).id;
  const route = options.guildId
    ? Routes.applicationGuildCommands(applicationId, options.guildId)
    : Routes.applicationCommands(applicationId);
  const registered = (await rest.put(route, { body: commandDefinitions() })) as { name: string }[];
  return {
    scope: options.guildId
      ? `guild ${options.guildId}`
      : 'all guilds (global; may take up to an hour to appear)',
    names: registered.map((command) => command.name),
  };
}

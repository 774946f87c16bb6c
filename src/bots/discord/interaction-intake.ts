/**
 * What every command interaction's intake shares: who asked and where, the token, the acknowledgement
 * (a deferral, private or not), and how to tell the person something before the job exists.
 */
import {
  type ChatInputCommandInteraction,
  type MessageContextMenuCommandInteraction,
  MessageFlags,
} from 'discord.js';
import type { Command, Mapped, Origin } from '../../commands/request.js';
import type { Intake } from '../../commands/runtime.js';
import { renderText } from './render.js';
import { type DiscordCalls, EPHEMERAL, type InteractionToken } from './rest-calls.js';
import type { DiscordTarget } from './surface.js';

export type CommandInteraction = ChatInputCommandInteraction | MessageContextMenuCommandInteraction;

function interactionOrigin(interaction: CommandInteraction, receivedAt: number): Origin {
  return {
    requestId: interaction.id,
    platform: 'discord',
    ...(interaction.guildId ? { guild: interaction.guildId } : {}),
    channel: interaction.channelId,
    user: interaction.user.id,
    receivedAt,
  };
}

/**
 * The parts every command shares: the token, and how to tell the person something before the job exists
 * (a private reply, which is the acknowledgement itself when nothing was deferred yet).
 */
export function commandIntake<T = DiscordTarget>(
  interaction: CommandInteraction,
  receivedAt: number,
  calls: DiscordCalls,
  request: Mapped<Command>,
  ephemeral: boolean,
): Omit<Intake<T>, 'open'> & { token: InteractionToken } {
  const token = { applicationId: interaction.applicationId, token: interaction.token, issuedAt: receivedAt };
  return {
    token,
    origin: interactionOrigin(interaction, receivedAt),
    request,
    acknowledge: () => interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {}),
    notice: (text) => [
      {
        via: 'interaction',
        send: () =>
          interaction.deferred
            ? calls
                .followUp(token, { ...renderText(text), flags: EPHEMERAL })
                .then(() => (ephemeral ? undefined : calls.deleteOriginal(token)))
            : interaction.reply({ ...renderText(text), flags: MessageFlags.Ephemeral }),
      },
    ],
  };
}

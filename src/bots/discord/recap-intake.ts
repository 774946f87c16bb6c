/**
 * `/recap` and Apps → Recap from here, as intakes for the chat runtime: mapped with the permissions the
 * interaction carries, deferred privately unless the recap is public, and answered in that reply.
 */
import {
  type ChatInputCommandInteraction,
  type MessageContextMenuCommandInteraction,
  PermissionFlagsBits,
  type PermissionsBitField,
} from 'discord.js';
import type { Command, Mapped } from '../../commands/request.js';
import type { Intake } from '../../commands/runtime.js';
import { type CommandInteraction, commandIntake } from './interaction-intake.js';
import { mapRecapCommand, mapRecapFromHere, type RecapPlace } from './recap-map.js';
import type { RecapTarget } from './recap-surface.js';
import type { DiscordCalls } from './rest-calls.js';

const READ = [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.ReadMessageHistory];

function placeOf(interaction: CommandInteraction): RecapPlace {
  const channel = interaction.channel;
  const canRead = (permissions: Readonly<PermissionsBitField> | null) => Boolean(permissions?.has(READ));
  const thread = channel?.isThread() ? channel : undefined;
  return {
    inGuild: interaction.inGuild(),
    channelId: interaction.channelId,
    thread: Boolean(thread),
    parentId: thread?.parentId ?? undefined,
    personCanRead: canRead(interaction.memberPermissions),
    botCanRead: canRead(interaction.appPermissions),
    before: interaction.id,
  };
}

function intakeFor(
  interaction: CommandInteraction,
  receivedAt: number,
  calls: DiscordCalls,
  request: Mapped<Command>,
): Intake<RecapTarget> {
  const isPublic = request.ok && request.value.kind === 'recap' && request.value.public;
  const intake = commandIntake<RecapTarget>(interaction, receivedAt, calls, request, !isPublic);
  return {
    ...intake,
    open: async () => ({
      kind: 'recap',
      interaction: intake.token,
      channelId: interaction.channelId,
      public: isPublic,
      // A public reply stays the bot's own message: its id lets the bot edit it after the token expires.
      ...(isPublic
        ? {
            originalId: await calls.getOriginal(intake.token).then(
              (m) => m.id,
              () => undefined,
            ),
          }
        : {}),
    }),
  };
}

export function recapIntake(
  interaction: ChatInputCommandInteraction,
  receivedAt: number,
  calls: DiscordCalls,
): Intake<RecapTarget> {
  const { options } = interaction;
  const request = mapRecapCommand(
    {
      window: options.getString('window'),
      last: options.getInteger('last'),
      sinceMe: options.getBoolean('since_me'),
      public: options.getBoolean('public'),
      language: options.getString('language'),
    },
    placeOf(interaction),
  );
  return intakeFor(interaction, receivedAt, calls, request);
}

export function recapFromHereIntake(
  interaction: MessageContextMenuCommandInteraction,
  receivedAt: number,
  calls: DiscordCalls,
): Intake<RecapTarget> {
  const request = mapRecapFromHere(interaction.targetId, placeOf(interaction));
  return intakeFor(interaction, receivedAt, calls, request);
}

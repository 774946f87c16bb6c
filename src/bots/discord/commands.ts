import {
  ApplicationCommandType,
  ContextMenuCommandBuilder,
  InteractionContextType,
  SlashCommandBuilder,
} from 'discord.js';

export const COMMAND_NAME = 'summarize';
export const MESSAGE_COMMAND_NAME = 'Summarize';
export const RECAP_COMMAND_NAME = 'recap';
export const RECAP_FROM_HERE_NAME = 'Recap from here';

/**
 * The commands recap registers: /summarize and Apps → Summarize on any message; /recap and Apps → Recap
 * from here, in servers only (a recap reads a channel's history).
 */
export function commandDefinitions() {
  const slash = new SlashCommandBuilder()
    .setName(COMMAND_NAME)
    .setDescription('Five bullet points on a video, an article, a transcript file or text')
    .addStringOption((option) =>
      option.setName('link').setDescription('A YouTube video or a web page').setMaxLength(2000),
    )
    .addAttachmentOption((option) =>
      option.setName('file').setDescription('A transcript (.txt .md .vtt .srt .json), a .docx or a .pdf'),
    )
    .addStringOption((option) =>
      option.setName('text').setDescription('Text to summarize').setMaxLength(6000),
    )
    .addStringOption((option) =>
      option
        .setName('language')
        .setDescription('Write the bullets in this language (default: the content’s)')
        .setMaxLength(40),
    );
  const message = new ContextMenuCommandBuilder()
    .setName(MESSAGE_COMMAND_NAME)
    .setType(ApplicationCommandType.Message);
  return [slash.toJSON(), message.toJSON(), ...recapDefinitions()];
}

function recapDefinitions() {
  const recap = new SlashCommandBuilder()
    .setName(RECAP_COMMAND_NAME)
    .setDescription('Five bullets on what was said here: this thread, or the channel’s last 24 hours')
    .setContexts(InteractionContextType.Guild)
    .addStringOption((option) =>
      option.setName('window').setDescription('How far back: 2h, 24h, 3d…').setMaxLength(20),
    )
    .addIntegerOption((option) =>
      option.setName('last').setDescription('The last N messages').setMinValue(1).setMaxValue(10_000),
    )
    .addBooleanOption((option) => option.setName('since_me').setDescription('Since your last message here'))
    .addBooleanOption((option) =>
      option.setName('public').setDescription('Post it for everyone (only you see it otherwise)'),
    )
    .addStringOption((option) =>
      option.setName('language').setDescription('Write the bullets in this language').setMaxLength(40),
    );
  const fromHere = new ContextMenuCommandBuilder()
    .setName(RECAP_FROM_HERE_NAME)
    .setType(ApplicationCommandType.Message)
    .setContexts(InteractionContextType.Guild);
  return [recap.toJSON(), fromHere.toJSON()];
}

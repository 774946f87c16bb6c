import { ApplicationCommandType, ContextMenuCommandBuilder, SlashCommandBuilder } from 'discord.js';

export const COMMAND_NAME = 'summarize';
export const MESSAGE_COMMAND_NAME = 'Summarize';

/** The commands recap registers: /summarize, and Apps → Summarize on any message. */
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
  return [slash.toJSON(), message.toJSON()];
}

/**
 * Pure mapping of `/recap` and Apps → Recap from here to a recap command: the scope asked for, and the
 * checks that must pass before anything is read. Permissions come with the interaction (`member.permissions`
 * and `app_permissions`, computed in the channel with its overwrites: receiving-and-responding.mdx), so
 * they are checked where the request is accepted, and a worker never reads what the person could not.
 */
import type { Mapped, RecapCommand } from '../../commands/request.js';
import { parseWindow, type RecapScope } from '../../core/conversation/scope.js';

export interface RecapOptions {
  window?: string | null | undefined;
  last?: number | null | undefined;
  sinceMe?: boolean | null | undefined;
  public?: boolean | null | undefined;
  language?: string | null | undefined;
}

/** Where the command was run, and who may read there. */
export interface RecapPlace {
  inGuild: boolean;
  channelId: string;
  /** A thread or a forum post: recapped from its first message unless a window or a count is given. */
  thread: boolean;
  parentId: string | undefined;
  /** View Channel and Read Message History, for the person and for the bot. */
  personCanRead: boolean;
  botCanRead: boolean;
  /** The interaction's id: messages from then on are not read. */
  before: string;
}

export const RECAP_USAGE =
  'Give at most one of `window` (like `2h`, `24h`, `3d`), `last` (a number of messages) or `since_me`.';
export const NOT_IN_GUILD = 'Recaps work in server channels and threads.';
export const PERSON_CANNOT_READ =
  'You cannot read this channel’s message history, so recap will not read it for you.';
export const BOT_CANNOT_READ =
  'recap cannot read this channel’s message history. An admin needs to give recap View Channel and Read Message History here.';

/** The checks every recap asks of the place, in order. */
function placeProblem(place: RecapPlace): string | undefined {
  if (!place.inGuild) return NOT_IN_GUILD;
  if (!place.personCanRead) return PERSON_CANNOT_READ;
  if (!place.botCanRead) return BOT_CANNOT_READ;
  return undefined;
}

function command(place: RecapPlace, scope: RecapScope, options: RecapOptions): RecapCommand {
  const language = options.language?.slice(0, 40).trim();
  return {
    kind: 'recap',
    conversation: {
      channel: place.channelId,
      ...(place.parentId ? { parent: place.parentId } : {}),
      before: place.before,
    },
    scope,
    public: options.public === true,
    ...(language ? { language } : {}),
  };
}

/** `/recap window: last: since_me: public: language:`. */
export function mapRecapCommand(options: RecapOptions, place: RecapPlace): Mapped<RecapCommand> {
  const problem = placeProblem(place);
  if (problem) return { ok: false, problem };
  const scopes: RecapScope[] = [];
  const windowText = options.window?.trim();
  if (windowText) {
    const ms = parseWindow(windowText);
    if (ms === undefined)
      return { ok: false, problem: `\`${windowText.slice(0, 40)}\` is not a window. ${RECAP_USAGE}` };
    scopes.push({ kind: 'window', ms });
  }
  if (options.last) scopes.push({ kind: 'last', count: options.last });
  if (options.sinceMe) scopes.push({ kind: 'since-me' });
  if (scopes.length > 1) return { ok: false, problem: RECAP_USAGE };
  const scope: RecapScope =
    scopes[0] ?? (place.thread ? { kind: 'start' } : { kind: 'window', ms: 86_400_000 });
  return { ok: true, value: command(place, scope, options) };
}

/** Apps → Recap from here: from that message to now, privately. */
export function mapRecapFromHere(messageId: string, place: RecapPlace): Mapped<RecapCommand> {
  const problem = placeProblem(place);
  if (problem) return { ok: false, problem };
  return { ok: true, value: command(place, { kind: 'from', messageId }, {}) };
}

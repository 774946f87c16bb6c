/**
 * Names, not ids, for one Slack recap: `users.info` once per person per request (Tier 4: 100+ a minute,
 * so each id is asked once and a rate limit falls back to a generic name rather than stall the recap),
 * the name people see being `profile.display_name`, else `real_name`, else `name` (docs.slack.dev
 * reference/objects/user-object). Other apps' posts carry their own name (`username`, `bot_profile.name`).
 */
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { type Patience, RateLimitedTooLong } from './recap-patience.js';
import { authorOf, type HistoryMessage, isBotMessage } from './recap-text.js';

const UserInfo = z
  .object({
    user: z
      .object({
        name: z.string().optional(),
        real_name: z.string().optional(),
        profile: z
          .object({ display_name: z.string().optional(), real_name: z.string().optional() })
          .loose()
          .optional(),
      })
      .loose(),
  })
  .loose();

/** Users whose names are looked up per request, the most frequent authors first. */
const MAX_LOOKUPS = 200;
const USER_MENTION = /<@([UW][A-Z0-9]{2,20})(?:\|[^<>]*)?>/g;

export class SlackNames {
  private readonly names = new Map<string, string>();
  private readonly asked = new Set<string>();
  /** Slack asked for a long wait: the names not known yet stay generic for this request. */
  private limited = false;
  private unnamed = 0;

  constructor(
    private readonly client: WebClient,
    private readonly patience: Patience,
  ) {}

  get(id: string): string | undefined {
    return this.names.get(id);
  }

  /**
   * The name people see, or (when Slack would not say, under a rate limit) "Person 1", "Person 2"…: a
   * different one for each person, so the model never takes two people for one.
   */
  nameOrLabel(id: string): string {
    const known = this.names.get(id);
    if (known) return known;
    const label = `Person ${++this.unnamed}`;
    this.names.set(id, label);
    return label;
  }

  /** Learns the names of the messages' authors and of the people they mention. */
  async learn(messages: readonly HistoryMessage[]): Promise<void> {
    const counts = new Map<string, number>();
    for (const message of messages) {
      const author = authorOf(message);
      if (isBotMessage(message)) {
        const name = message.username ?? message.bot_profile?.name;
        if (name && !this.names.has(author)) this.names.set(author, name);
        continue;
      }
      counts.set(author, (counts.get(author) ?? 0) + 1);
    }
    const mentioned = messages.flatMap((m) =>
      [...m.text.matchAll(USER_MENTION)].map((match) => match[1] ?? ''),
    );
    const frequent = [...counts.keys()].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0));
    for (const id of [...new Set([...frequent, ...mentioned])].slice(0, MAX_LOOKUPS)) await this.lookUp(id);
  }

  /** A person's name, looked up when no message of this request named them. */
  async nameOf(id: string): Promise<string> {
    await this.lookUp(id);
    return this.names.get(id) ?? 'someone';
  }

  private async lookUp(id: string): Promise<void> {
    if (this.limited || this.asked.has(id) || this.names.has(id)) return;
    this.asked.add(id);
    const answer = await this.patience
      .call(() => this.client.users.info({ user: id }))
      .catch((error: unknown) => {
        if (error instanceof RateLimitedTooLong) this.limited = true;
        return undefined;
      });
    const parsed = UserInfo.safeParse(answer);
    if (!parsed.success) return;
    const { user } = parsed.data;
    const name = user.profile?.display_name || user.profile?.real_name || user.real_name || user.name;
    if (name) this.names.set(id, name);
  }
}

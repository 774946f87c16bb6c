/**
 * What the fake Slack workspace holds: users, conversations with their members, and messages in the
 * shapes the Web API returns (docs.slack.dev reference pages, as mirrored in slack-ruby/slack-api-ref
 * docs.slack.dev/methods/*.json: users.info, conversations.info, conversations.replies examples).
 * - A thread's parent carries `thread_ts` (its own ts), `reply_count`, `reply_users`,
 *   `reply_users_count` and `latest_reply`; each reply carries `thread_ts` and `parent_user_id`
 *   (conversations.replies example).
 * - An edit adds `edited: { user, ts }`; a deleted message is gone from every read.
 * - A message's `ts` is "seconds.microseconds" and unique in its conversation.
 */

export type Json = Record<string, unknown>;

export interface SlackUser {
  id: string;
  name: string;
  real_name: string;
  is_bot: boolean;
  deleted: boolean;
  profile: { display_name: string; real_name: string; bot_id?: string };
}

export interface Conversation {
  id: string;
  name: string;
  isPrivate: boolean;
  isIm: boolean;
  isArchived: boolean;
  members: Set<string>;
  created: number;
}

export interface StoredMessage extends Json {
  type: 'message';
  ts: string;
  text: string;
}

export class Workspace {
  readonly users = new Map<string, SlackUser>();
  readonly conversations = new Map<string, Conversation>();
  /** Conversation id → its messages, oldest first (thread replies included). */
  readonly messages = new Map<string, StoredMessage[]>();
  private readonly usedTs = new Set<number>();
  private lastNow = 0;

  constructor(readonly teamId: string) {}

  addUser(
    id: string,
    fields: { displayName?: string; realName?: string; name?: string; isBot?: boolean; botId?: string } = {},
  ): SlackUser {
    const name = fields.name ?? id.toLowerCase();
    const realName = fields.realName ?? name;
    const user: SlackUser = {
      id,
      name,
      real_name: realName,
      is_bot: fields.isBot ?? false,
      deleted: false,
      profile: {
        display_name: fields.displayName ?? '',
        real_name: realName,
        ...(fields.botId ? { bot_id: fields.botId } : {}),
      },
    };
    this.users.set(id, user);
    return user;
  }

  addConversation(
    id: string,
    fields: { name?: string; isPrivate?: boolean; isArchived?: boolean; members?: string[] } = {},
  ): Conversation {
    const conversation: Conversation = {
      id,
      name: fields.name ?? id.toLowerCase(),
      // IDs starting with D are direct messages (docs.slack.dev, "Conversations API").
      isIm: id.startsWith('D'),
      isPrivate: fields.isPrivate ?? id.startsWith('G'),
      isArchived: fields.isArchived ?? false,
      members: new Set(fields.members ?? []),
      created: Math.floor(Date.now() / 1000),
    };
    this.conversations.set(id, conversation);
    if (!this.messages.has(id)) this.messages.set(id, []);
    return conversation;
  }

  /** A ts no message has yet, at (or a microsecond after) a moment, as "seconds.microseconds". */
  tsAt(at: Date | number): string {
    let micros = Math.round((typeof at === 'number' ? at : at.getTime()) * 1000);
    while (this.usedTs.has(micros)) micros += 1;
    this.usedTs.add(micros);
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  /** A ts for now, later than every ts made for now before. */
  nextTs(): string {
    this.lastNow = Math.max(Date.now(), this.lastNow + 0.001);
    return this.tsAt(this.lastNow);
  }

  /** Stores a message (and, for a reply, updates its parent's thread fields). */
  store(channel: string, message: Json): StoredMessage {
    const list = this.messages.get(channel);
    if (!list) throw new Error(`no conversation ${channel} in the fake Slack: seed it first`);
    const stored = {
      type: 'message',
      text: '',
      ...message,
      ts: String(message.ts ?? this.nextTs()),
    } as StoredMessage;
    list.push(stored);
    list.sort((a, b) => compareTs(a.ts, b.ts));
    const threadTs = stored.thread_ts === undefined ? undefined : String(stored.thread_ts);
    const parent = threadTs && threadTs !== stored.ts ? this.find(channel, threadTs) : undefined;
    if (parent) {
      stored.parent_user_id = parent.user ?? parent.bot_id;
      this.refreshThread(channel, parent);
    }
    return stored;
  }

  find(channel: string, ts: string): StoredMessage | undefined {
    return this.messages.get(channel)?.find((m) => m.ts === ts);
  }

  remove(channel: string, ts: string): StoredMessage | undefined {
    const list = this.messages.get(channel) ?? [];
    const index = list.findIndex((m) => m.ts === ts);
    if (index < 0) return undefined;
    const [removed] = list.splice(index, 1);
    const parentTs = removed?.thread_ts === undefined ? undefined : String(removed.thread_ts);
    const parent = parentTs && parentTs !== removed?.ts ? this.find(channel, parentTs) : undefined;
    if (parent) this.refreshThread(channel, parent);
    return removed;
  }

  /** The replies of a thread, oldest first. */
  repliesOf(channel: string, parentTs: string): StoredMessage[] {
    return (this.messages.get(channel) ?? []).filter((m) => m.thread_ts === parentTs && m.ts !== parentTs);
  }

  private refreshThread(channel: string, parent: StoredMessage): void {
    const replies = this.repliesOf(channel, parent.ts);
    if (replies.length === 0) {
      for (const key of ['thread_ts', 'reply_count', 'reply_users', 'reply_users_count', 'latest_reply'])
        delete parent[key];
      return;
    }
    const users = [...new Set(replies.map((r) => String(r.user ?? r.bot_id)))];
    Object.assign(parent, {
      thread_ts: parent.ts,
      reply_count: replies.length,
      reply_users: users.slice(0, 5),
      reply_users_count: users.length,
      latest_reply: replies.at(-1)?.ts,
    });
  }
}

export function compareTs(a: string, b: string): number {
  const [as = '0', af = '0'] = a.split('.');
  const [bs = '0', bf = '0'] = b.split('.');
  return Number(as) - Number(bs) || Number(af.padEnd(6, '0')) - Number(bf.padEnd(6, '0'));
}

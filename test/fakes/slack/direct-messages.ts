/**
 * A message posted to a person's user id, where recap's last resorts go. chat.postMessage: "call
 * `chat.postMessage` and pass a user's ID (`U123456`) as the value of `channel` to post to that user's
 * App Home channel" (docs.slack.dev/reference/methods/chat.postMessage, "Begin a conversation in a user's
 * App Home"): the message lands in the direct message between the app and that person (opened if need
 * be), whose D… id the answer carries. An app whose App Home has no Messages tab is refused
 * `messages_tab_disabled` ("Messages tab for the app is disabled", the method's errors), in that direct
 * message too. A user id the workspace does not know is `channel_not_found`.
 */
import type { Conversation, Workspace } from './workspace.js';

export class AppHome {
  private messagesTab = true;
  private opened = 0;

  constructor(
    private readonly workspace: Workspace,
    private readonly botUserId: string,
  ) {}

  /** The app's App Home shows no Messages tab (App Home settings, `messages_tab_enabled: false`). */
  disableMessagesTab(): void {
    this.messagesTab = false;
  }

  /**
   * Where a post to `channel` goes when that is a person or the app's direct message with one: the
   * conversation, or Slack's error; undefined for any other channel, which the caller checks as usual.
   */
  postTarget(channel: string): Conversation | string | undefined {
    if (!/^[UW][A-Z0-9]+$/.test(channel)) {
      const im = this.workspace.conversations.get(channel);
      return im?.isIm && !this.messagesTab ? 'messages_tab_disabled' : undefined;
    }
    const im = this.imWith(channel);
    if (!im) return 'channel_not_found';
    return this.messagesTab ? im : 'messages_tab_disabled';
  }

  /** The direct message between the app and a person, opened on first use; undefined for an unknown id. */
  private imWith(user: string): Conversation | undefined {
    if (!this.workspace.users.has(user)) return undefined;
    const members = (c: Conversation) => c.members.has(user) && c.members.has(this.botUserId);
    const existing = [...this.workspace.conversations.values()].find(
      (c) => c.isIm && c.members.size === 2 && members(c),
    );
    if (existing) return existing;
    this.opened += 1;
    const id = `DH${String(this.opened).padStart(7, '0')}`;
    return this.workspace.addConversation(id, { members: [this.botUserId, user] });
  }
}

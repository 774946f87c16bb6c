/**
 * Direct messages from the bot, where recap's last resorts go:
 * - Create DM (resources/user.mdx): `POST /users/@me/channels` with `recipient_id` "Create[s] a new DM
 *   channel with a user. Returns a DM channel object (if one already exists, it will be returned
 *   instead)". An id the fake does not know is Unknown User (10013), as Get User answers.
 * - A person who takes no direct messages from the bot (their privacy settings): the DM channel opens,
 *   but a message sent there is refused with 403 and 50007, "Cannot send messages to this user"
 *   (topics/opcodes-and-status-codes.mdx, "JSON Error Codes").
 */
import type { ServerResponse } from 'node:http';
import { sendJson } from '../http.js';
import { type Request, sendError } from './context.js';
import { nextSnowflake } from './snowflake.js';
import { ChannelType, type Json, type World } from './world.js';

const unknownUser = { status: 404, body: { message: 'Unknown User', code: 10013 } };
const closed = { status: 403, body: { message: 'Cannot send messages to this user', code: 50007 } };

export class DirectMessages {
  /** People who take no direct messages from the bot. */
  private readonly refusing = new Set<string>();

  constructor(private readonly world: World) {}

  refuseFrom(userId: string): void {
    this.refusing.add(userId);
  }

  /** Answers the requests this module owns; false for any other. */
  route(request: Request, response: ServerResponse): boolean {
    const { method, path, parts } = request;
    if (method === 'POST' && path === '/users/@me/channels') {
      this.open(request.body ?? {}, response);
      return true;
    }
    if (method === 'POST' && parts[0] === 'channels' && parts[2] === 'messages' && parts.length === 3) {
      const recipient = this.recipientOf(parts[1] ?? '');
      if (recipient && this.refusing.has(recipient)) {
        sendError(response, closed);
        return true;
      }
    }
    return false;
  }

  private open(body: Json, response: ServerResponse): void {
    const user = this.world.users.get(String(body.recipient_id ?? ''));
    if (!user) {
      sendError(response, unknownUser);
      return;
    }
    const existing = [...this.world.channels.values()].find(
      (c) => this.recipientOf(String(c.id)) === user.id,
    );
    const channel = existing ?? {
      id: nextSnowflake(),
      type: ChannelType.DM,
      recipients: [user],
      last_message_id: null,
    };
    this.world.channels.set(String(channel.id), channel);
    sendJson(response, 200, channel);
  }

  /** The person at the other end of a DM channel; undefined for any other channel. */
  private recipientOf(channelId: string): string | undefined {
    const channel = this.world.channels.get(channelId);
    if (Number(channel?.type) !== ChannelType.DM) return undefined;
    return (
      String(((channel?.recipients as Json[] | undefined)?.[0] as Json | undefined)?.id ?? '') || undefined
    );
  }
}

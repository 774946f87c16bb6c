/**
 * The Discord calls recap's answers are made of, by ids through discord.js's REST (no gateway, no cached
 * structures), each failure turned into a coded surface error. discord.js's REST waits out 429s itself
 * (it reads retry_after and the rate-limit buckets) and retries 5xx a few times; what still fails arrives
 * here. The bot token never leaves the REST client; interaction webhooks are called without it.
 */
import { DiscordAPIError, HTTPError, RateLimitError, type REST, Routes } from 'discord.js';
import { coded as codedAs, surfaceError } from '../../commands/surface.js';
import { RecapError } from '../../core/errors.js';
import type { DiscordPayload } from './render.js';

/** Invalid Webhook Token (after 15 minutes), Unknown Webhook, Unknown Interaction (acknowledged too late). */
const EXPIRED = new Set([50027, 10015, 10062]);
/** Missing Access, Missing Permissions, Cannot send messages to this user (closed direct messages). */
const NOT_ALLOWED = new Set([50001, 50013, 50007]);
/** Unknown Channel, Unknown Message. */
const GONE = new Set([10003, 10008]);
const THREAD_EXISTS = 160004;
export const EPHEMERAL = 64;

/** Discord's error, as the fallback policy reads it. */
export function discordSurfaceError(error: unknown): RecapError {
  if (error instanceof RecapError) return error;
  if (error instanceof RateLimitError)
    return surfaceError('rate_limited', { cause: error, retryAfterMs: error.retryAfter });
  if (error instanceof DiscordAPIError) {
    const code = typeof error.code === 'number' ? error.code : -1;
    if (EXPIRED.has(code)) return surfaceError('surface_expired', { cause: error });
    if (NOT_ALLOWED.has(code)) return surfaceError('missing_permission', { cause: error });
    if (GONE.has(code)) return surfaceError('surface_gone', { cause: error });
    if (error.status === 429) return surfaceError('rate_limited', { cause: error });
    return surfaceError(error.status >= 500 ? 'transient' : 'surface_rejected', { cause: error });
  }
  if (error instanceof HTTPError)
    return surfaceError(error.status >= 500 ? 'transient' : 'surface_rejected', { cause: error });
  // A dropped connection or a timeout inside the REST client.
  return surfaceError('transient', { cause: error });
}

const coded = <T>(call: () => Promise<T>) => codedAs(call, discordSurfaceError);

/** An interaction's token: 15 minutes of answers, with no channel permission needed. */
export interface InteractionToken {
  applicationId: string;
  token: string;
  issuedAt: number;
}

export class DiscordCalls {
  private readonly dmChannels = new Map<string, Promise<string>>();
  /** Tokens Discord has refused as expired: never sent again, whatever the clock says. */
  private readonly refused = new Set<string>();

  constructor(
    private readonly rest: REST,
    /** How long an interaction token lives (15 minutes at Discord). */
    private readonly tokenTtlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether the token is still good, with a margin (a call made at 14:59 must not arrive at 15:01). */
  tokenAlive(interaction: InteractionToken): boolean {
    const margin = Math.min(60_000, this.tokenTtlMs / 10);
    return (
      !this.refused.has(interaction.token) && this.now() - interaction.issuedAt < this.tokenTtlMs - margin
    );
  }

  editOriginal(interaction: InteractionToken, body: DiscordPayload): Promise<{ id: string }> {
    return this.withToken(interaction, () =>
      this.rest.patch(Routes.webhookMessage(interaction.applicationId, interaction.token, '@original'), {
        body,
        auth: false,
      }),
    );
  }

  getOriginal(interaction: InteractionToken): Promise<{ id: string }> {
    return this.withToken(interaction, () =>
      this.rest.get(Routes.webhookMessage(interaction.applicationId, interaction.token, '@original'), {
        auth: false,
      }),
    );
  }

  deleteOriginal(interaction: InteractionToken): Promise<unknown> {
    return this.withToken(interaction, () =>
      this.rest.delete(Routes.webhookMessage(interaction.applicationId, interaction.token, '@original'), {
        auth: false,
      }),
    );
  }

  followUp(interaction: InteractionToken, body: DiscordPayload & { flags?: number }): Promise<unknown> {
    return this.withToken(interaction, () =>
      this.rest.post(Routes.webhook(interaction.applicationId, interaction.token), { body, auth: false }),
    );
  }

  /**
   * Posts a message. With a `nonce`, Discord creates it at most once in a few minutes (`enforce_nonce`,
   * "Create Message"): a job run again after its worker died cannot post the same answer twice.
   */
  send(
    channelId: string,
    body: DiscordPayload & { message_reference?: unknown },
    nonce?: string,
  ): Promise<{ id: string }> {
    const sent = nonce ? { ...body, nonce, enforce_nonce: true } : body;
    return coded(() => this.rest.post(Routes.channelMessages(channelId), { body: sent })) as Promise<{
      id: string;
    }>;
  }

  edit(channelId: string, messageId: string, body: DiscordPayload): Promise<unknown> {
    return coded(() => this.rest.patch(Routes.channelMessage(channelId, messageId), { body }));
  }

  /** One message, as Discord sends it (Get Channel Message). */
  message(channelId: string, messageId: string, signal: AbortSignal): Promise<unknown> {
    return coded(() => this.rest.get(Routes.channelMessage(channelId, messageId), { signal }));
  }

  remove(channelId: string, messageId: string): Promise<unknown> {
    return coded(() => this.rest.delete(Routes.channelMessage(channelId, messageId)));
  }

  /** The thread on a message: started now, or the one already there (a thread's id is its message's). */
  async threadOn(channelId: string, messageId: string, name: string): Promise<string> {
    return (await this.startThread(channelId, messageId, name)).id;
  }

  /** `threadOn`, saying whether the thread was started by this call. */
  async startThread(
    channelId: string,
    messageId: string,
    name: string,
  ): Promise<{ id: string; started: boolean }> {
    try {
      const thread = (await this.rest.post(Routes.threads(channelId, messageId), {
        body: { name, auto_archive_duration: 1440 },
      })) as { id: string };
      return { id: thread.id, started: true };
    } catch (error) {
      if (error instanceof DiscordAPIError && error.code === THREAD_EXISTS)
        return { id: messageId, started: false };
      throw discordSurfaceError(error);
    }
  }

  /** Deletes a thread (Delete/Close Channel: needs Manage Threads, which recap's invite does not ask for). */
  removeThread(threadId: string): Promise<unknown> {
    return coded(() => this.rest.delete(Routes.channel(threadId)));
  }

  /** A direct message to a person: private, and needs no permission in any channel. */
  async direct(userId: string, body: DiscordPayload, nonce?: string): Promise<unknown> {
    let channel = this.dmChannels.get(userId);
    if (!channel) {
      channel = coded(() => this.rest.post(Routes.userChannels(), { body: { recipient_id: userId } })).then(
        (dm) => (dm as { id: string }).id,
      );
      this.dmChannels.set(userId, channel);
      channel.catch(() => this.dmChannels.delete(userId));
    }
    return this.send(await channel, body, nonce);
  }

  private async withToken<T>(interaction: InteractionToken, call: () => Promise<unknown>): Promise<T> {
    if (!this.tokenAlive(interaction)) throw surfaceError('surface_expired');
    try {
      return (await coded(call)) as T;
    } catch (error) {
      if ((error as RecapError).code === 'surface_expired') {
        if (this.refused.size >= 10_000) this.refused.clear();
        this.refused.add(interaction.token);
      }
      throw error;
    }
  }
}

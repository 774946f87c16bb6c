/**
 * The fake gateway (discord-api-docs, developers/events/gateway.mdx): HELLO, IDENTIFY (token checked:
 * close 4004; a privileged intent the app is not approved for: close 4014, "Disallowed intent(s)"),
 * heartbeats and their ACKs, READY then GUILD_CREATE, dispatches with sequence numbers, RESUME after a
 * resumable close with the missed events replayed. Events reach the session only under the intents it
 * identified with ("List of Intents": GUILDS 1<<0, GUILD_MESSAGES 1<<9, DIRECT_MESSAGES 1<<12).
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Json } from './world.js';

export const Intents = {
  Guilds: 1 << 0,
  GuildMessages: 1 << 9,
  DirectMessages: 1 << 12,
  MessageContent: 1 << 15,
};

const GUILDS_EVENTS = new Set([
  'GUILD_CREATE',
  'GUILD_ROLE_UPDATE',
  'CHANNEL_CREATE',
  'CHANNEL_UPDATE',
  'THREAD_CREATE',
  'THREAD_UPDATE',
  'THREAD_DELETE',
]);

export interface GatewayOptions {
  server: Server;
  url: string;
  token: string;
  /** Whether the app may use MESSAGE_CONTENT (enabled in the Developer Portal). */
  messageContentApproved: boolean;
  /** READY's payload and the events that follow it (GUILD_CREATE). */
  onIdentify(sessionId: string): { ready: Json; after: { type: string; data: Json }[] };
}

export class FakeGateway {
  readonly log: { op: number; t?: string; at: number }[] = [];
  private readonly sockets = new Set<WebSocket>();
  private readonly server: WebSocketServer;
  private session: { id: string; seq: number; history: Json[]; intents: number } | undefined;
  private current: WebSocket | undefined;

  constructor(private readonly options: GatewayOptions) {
    this.server = new WebSocketServer({ server: options.server, path: '/gateway' });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      this.current = socket;
      socket.on('close', () => this.sockets.delete(socket));
      this.send(socket, { op: 10, d: { heartbeat_interval: 41_250 }, s: null, t: null });
      socket.on('message', (raw) => this.receive(socket, JSON.parse(String(raw)) as { op: number; d: Json }));
    });
  }

  /** The intents the bot identified with (0 before it has). */
  get intents(): number {
    return this.session?.intents ?? 0;
  }

  /**
   * Sends an event to the session, if there is one and its intents ask for it (a bot that is not
   * connected misses the event, as it would). `channelIsDm` decides between GUILD_MESSAGES and
   * DIRECT_MESSAGES for message events.
   */
  dispatch(type: string, data: unknown, channelIsDm = false): void {
    if (!this.session || !this.wants(type, channelIsDm)) return;
    const event = { op: 0, t: type, s: ++this.session.seq, d: data };
    this.session.history.push(event);
    this.log.push({ op: 0, t: type, at: Date.now() });
    if (this.current) this.send(this.current, event);
  }

  /**
   * The app's Message Content intent is turned off (or on) in the Developer Portal: later IDENTIFYs asking
   * for it are closed with 4014. Whether Discord also closes a live session is not documented; this fake
   * keeps it (and the fake's REST reads follow the new setting).
   */
  setMessageContentApproved(approved: boolean): void {
    this.options.messageContentApproved = approved;
  }

  /** Closes the connection as Discord does before asking for a resume. */
  closeCurrent(code: number): void {
    this.current?.close(code, 'test');
  }

  close(): void {
    for (const socket of this.sockets) socket.terminate();
    this.server.close();
  }

  private wants(type: string, channelIsDm: boolean): boolean {
    const intents = this.intents;
    if (type.startsWith('MESSAGE_')) {
      return (intents & (channelIsDm ? Intents.DirectMessages : Intents.GuildMessages)) !== 0;
    }
    if (GUILDS_EVENTS.has(type)) return (intents & Intents.Guilds) !== 0;
    return true;
  }

  private send(socket: WebSocket, payload: Json): void {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(payload));
  }

  private receive(socket: WebSocket, payload: { op: number; d: Json }): void {
    this.log.push({ op: payload.op, at: Date.now() });
    if (payload.op === 1) this.send(socket, { op: 11, d: null, s: null, t: null });
    else if (payload.op === 2) this.identify(socket, payload.d);
    else if (payload.op === 6) this.resume(socket, payload.d);
  }

  private identify(socket: WebSocket, d: Json): void {
    if (d.token !== this.options.token) {
      socket.close(4004, 'Authentication failed');
      return;
    }
    const intents = Number(d.intents ?? 0);
    if (intents & Intents.MessageContent && !this.options.messageContentApproved) {
      socket.close(4014, 'Disallowed intent(s).');
      return;
    }
    this.session = { id: randomUUID(), seq: 0, history: [], intents };
    const { ready, after } = this.options.onIdentify(this.session.id);
    this.dispatch('READY', { ...ready, session_id: this.session.id, resume_gateway_url: this.options.url });
    for (const event of after) this.dispatch(event.type, event.data);
  }

  private resume(socket: WebSocket, d: Json): void {
    if (!this.session || d.session_id !== this.session.id || d.token !== this.options.token) {
      this.send(socket, { op: 9, d: false, s: null, t: null });
      return;
    }
    const from = Number(d.seq ?? 0);
    for (const event of this.session.history.filter((e) => Number(e.s) > from)) this.send(socket, event);
    this.dispatch('RESUMED', {});
  }
}

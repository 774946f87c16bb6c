/**
 * Socket Mode (docs.slack.dev/apis/events-api/using-socket-mode): the WebSocket URL that
 * apps.connections.open hands out, a `hello` on connect, envelopes with `envelope_id`, `payload`,
 * `accepts_response_payload` and `retry_attempt`, and the app's acknowledgement carrying the envelope_id.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Json } from './workspace.js';

export class SocketMode {
  readonly acks: Json[] = [];
  private readonly sockets = new Set<WebSocket>();
  private readonly server: WebSocketServer;
  private readonly waiting = new Map<string, (ack: Json) => void>();

  constructor(server: Server) {
    this.server = new WebSocketServer({ server, path: '/socket' });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('message', (raw) => {
        const ack = JSON.parse(String(raw)) as Json;
        this.acks.push(ack);
        this.waiting.get(String(ack.envelope_id))?.(ack);
      });
      socket.send(
        JSON.stringify({
          type: 'hello',
          num_connections: 1,
          debug_info: { host: 'fake', approximate_connection_time: 18060 },
          connection_info: { app_id: 'A0000001' },
        }),
      );
    });
  }

  get connections(): number {
    return this.sockets.size;
  }

  /** Sends an envelope and resolves with the app's acknowledgement (Slack waits 3 s; the fake, under load, 10). */
  async send(
    type: 'events_api' | 'slash_commands' | 'interactive',
    payload: Json,
    retryAttempt = 0,
  ): Promise<Json> {
    const socket = [...this.sockets][0];
    if (!socket) throw new Error('no Socket Mode connection');
    const envelopeId = randomUUID();
    const acknowledged = new Promise<Json>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the app did not acknowledge the envelope')), 10_000);
      this.waiting.set(envelopeId, (ack) => {
        clearTimeout(timer);
        this.waiting.delete(envelopeId);
        resolve(ack);
      });
    });
    socket.send(
      JSON.stringify({
        envelope_id: envelopeId,
        type,
        payload,
        accepts_response_payload: type !== 'events_api',
        retry_attempt: retryAttempt,
        retry_reason: retryAttempt ? 'timeout' : '',
      }),
    );
    return acknowledged;
  }

  close(): void {
    for (const socket of this.sockets) socket.terminate();
    this.server.close();
  }
}

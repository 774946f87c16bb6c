import type { ServerResponse } from 'node:http';
import { sendJson } from '../http.js';
import type { FakeGateway } from './gateway.js';
import type { ApiError } from './messages.js';
import type { Json, World } from './world.js';

export interface InteractionRecord {
  id: string;
  token: string;
  channelId: string;
  userId: string;
  dispatchedAt: number;
  acknowledgedAt?: number;
  originalId?: string;
  /** Set by `expireInteraction`: how the webhook answers from then on. */
  expiredWith?: ApiError;
}

/** One REST request, parsed. */
export interface Request {
  method: string;
  path: string;
  parts: string[];
  query: URLSearchParams;
  body: Json | undefined;
}

/** What the route handlers share. */
export interface Context {
  world: World;
  gateway: FakeGateway;
  applicationId: string;
  interactions: Map<string, InteractionRecord>;
  interactionTtlMs: number;
  ackDeadlineMs: number;
  messageContentApproved: boolean;
  /** Sends a message event to the gateway as this app would receive it (Message Content intent). */
  dispatchMessage(type: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE', message: Json): void;
}

export function sendError(response: ServerResponse, error: ApiError): void {
  sendJson(response, error.status, error.body);
}

export function noContent(response: ServerResponse): void {
  response.writeHead(204);
  response.end();
}

export function isApiError(value: unknown): value is ApiError {
  return typeof value === 'object' && value !== null && 'status' in value && 'body' in value;
}

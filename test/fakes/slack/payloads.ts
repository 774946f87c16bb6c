/**
 * What Slack sends to an app: an Events API callback body (docs.slack.dev/apis/events-api, "Callback
 * field overview"), a slash command's form fields (docs.slack.dev/interactivity/implementing-slash-commands),
 * a message shortcut's payload (docs.slack.dev/reference/interaction-payloads/shortcuts-interaction-payload).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Json } from './workspace.js';

export function eventBody(teamId: string, botUserId: string, event: Json, eventId?: string): Json {
  return {
    token: 'verification-token',
    team_id: teamId,
    api_app_id: 'A0000001',
    event: { event_ts: event.ts, ...event },
    type: 'event_callback',
    event_id: eventId ?? `Ev${randomUUID().slice(0, 10).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: teamId, user_id: botUserId, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
}

export function commandForm(
  teamId: string,
  fields: {
    text: string;
    channel: string;
    user: string;
    userName: string;
    command: string;
    responseUrl: string;
  },
): Record<string, string> {
  return {
    token: 'verification-token',
    team_id: teamId,
    team_domain: 'test',
    channel_id: fields.channel,
    channel_name: 'general',
    user_id: fields.user,
    user_name: fields.userName,
    command: fields.command,
    text: fields.text,
    api_app_id: 'A0000001',
    response_url: fields.responseUrl,
    trigger_id: triggerId(),
  };
}

export function shortcutPayload(
  teamId: string,
  fields: {
    channel: string;
    message: Json;
    user: string;
    userName: string;
    callbackId: string;
    responseUrl: string;
  },
): Json {
  return {
    type: 'message_action',
    token: 'verification-token',
    action_ts: `${Date.now() / 1000}`,
    team: { id: teamId, domain: 'test' },
    user: { id: fields.user, username: fields.userName, team_id: teamId, name: fields.userName },
    channel: { id: fields.channel, name: 'general' },
    callback_id: fields.callbackId,
    trigger_id: triggerId(),
    message_ts: fields.message.ts,
    message: fields.message,
    response_url: fields.responseUrl,
  };
}

let triggers = 0;

/**
 * A trigger_id of its own for every interaction ("a temporary ID generated for the interaction",
 * api.slack.com/reference/interaction-payloads/shortcuts), shaped like Slack's
 * (`398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c`): apps de-duplicate by it, so two
 * interactions sent in the same millisecond must not share one.
 */
export function triggerId(): string {
  triggers += 1;
  return `${Date.now()}.${triggers}.${randomBytes(16).toString('hex')}`;
}

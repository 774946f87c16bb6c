import type { Command } from './request.js';

/** What the people who run recap decide about recaps (RECAP_PUBLIC_ALLOWED, RECAP_DENY_CHANNELS). */
export interface RecapPolicy {
  publicAllowed: boolean;
  denyChannels: ReadonlySet<string>;
}

export const PUBLIC_REFUSED =
  'Public recaps are turned off here. Ask again without `public`: the recap will be shown to you alone.';
export const CHANNEL_REFUSED = 'Recaps are turned off in this channel.';

/**
 * Why a recap may not run where it was asked, or undefined. Checked when the request is accepted, before
 * the person's limit is charged and before anything is read or posted.
 */
export function recapRefusal(command: Command, policy: RecapPolicy): string | undefined {
  if (command.kind !== 'recap') return undefined;
  const { channel, parent } = command.conversation;
  if (policy.denyChannels.has(channel) || (parent !== undefined && policy.denyChannels.has(parent)))
    return CHANNEL_REFUSED;
  if (command.public && !policy.publicAllowed) return PUBLIC_REFUSED;
  return undefined;
}

import { type Conversation, participants } from './conversation.js';
import { describeWindow, plural } from './scope.js';
import { dayMonth, hourMinute } from './transcript.js';

/**
 * What a recap covers, and what it left out, in one line:
 * "143 messages by 9 people, 09:12–17:40 UTC; 12 bot messages skipped; 37 older messages beyond the limit".
 */
export function recapFooter(conversation: Conversation): string {
  const { messages, leftOut } = conversation;
  const parts = [`${plural(messages.length, 'message')} by ${authors(conversation)}${span(conversation)}`];
  if (leftOut.botMessages > 0) parts.push(`${plural(leftOut.botMessages, 'bot message')} skipped`);
  if (leftOut.systemMessages > 0) parts.push(`${plural(leftOut.systemMessages, 'system message')} skipped`);
  if (leftOut.beyondLimit > 0) {
    const more = leftOut.beyondLimitIsMinimum ? 'more than ' : '';
    parts.push(`${more}${plural(leftOut.beyondLimit, 'older message')} beyond the limit`);
  }
  if (leftOut.onlyLastMs !== undefined)
    parts.push(`only the last ${describeWindow(leftOut.onlyLastMs)} read`);
  if (leftOut.cutByRateLimit) parts.push("reading was cut short by the platform's rate limit");
  return parts.join('; ');
}

/** "9 people", "9 people and 2 apps", "1 app": other bots are counted apart from people. */
function authors(conversation: Conversation): string {
  const everyone = participants(conversation);
  const apps = everyone.filter((person) => person.bot).length;
  const people = everyone.length - apps;
  if (apps === 0) return plural(people, 'person', 'people');
  if (people === 0) return plural(apps, 'app');
  return `${plural(people, 'person', 'people')} and ${plural(apps, 'app')}`;
}

function span({ messages }: Conversation): string {
  const first = messages[0]?.at;
  const last = messages.at(-1)?.at;
  if (first === undefined || last === undefined) return '';
  const sameDay = dayMonth(first) === dayMonth(last) && last - first < 86_400_000;
  return sameDay
    ? `, ${hourMinute(first)}–${hourMinute(last)} UTC`
    : `, ${dayMonth(first)} ${hourMinute(first)} – ${dayMonth(last)} ${hourMinute(last)} UTC`;
}

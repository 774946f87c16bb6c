import type { z } from 'zod';

export type ParseOutcome<T> = { ok: true; value: T } | { ok: false; problem: string };

const THINK_OPEN = /<think>/gi;
const THINK_CLOSE = /<\/think>/gi;
const FENCE = '```';

/** Removes what reasoning models write before their answer, and a Markdown fence around it. */
export function cleanModelText(raw: string): string {
  return withoutFence(withoutThinking(raw).trim());
}

/**
 * The text without its `<think>…</think>` blocks (any case), and without an unclosed one's rest. A
 * forward scan for each tag in turn, so the time stays linear in the answer's length whatever it holds.
 */
function withoutThinking(raw: string): string {
  let kept = '';
  let from = 0;
  for (;;) {
    THINK_OPEN.lastIndex = from;
    const open = THINK_OPEN.exec(raw);
    if (!open) return kept + raw.slice(from);
    kept += raw.slice(from, open.index);
    THINK_CLOSE.lastIndex = open.index + open[0].length;
    const close = THINK_CLOSE.exec(raw);
    if (!close) return kept;
    from = close.index + close[0].length;
  }
}

/** The inside of a Markdown code fence (```, or ```json in any case) around the whole text. */
function withoutFence(text: string): string {
  if (text.length < 2 * FENCE.length || !text.startsWith(FENCE) || !text.endsWith(FENCE)) return text;
  const inside = text.slice(FENCE.length, -FENCE.length);
  const language = inside.slice(0, 4).toLowerCase() === 'json' ? 4 : 0;
  return inside.slice(language).trim();
}

/** Parses a model's answer against the schema, saying what was wrong in words the model can act on. */
export function parseModelJson<T>(raw: string, schema: z.ZodType<T>): ParseOutcome<T> {
  const text = cleanModelText(raw);
  if (text === '') return { ok: false, problem: 'the answer was empty' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'the answer was not valid JSON' };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problem: describeIssues(parsed.error.issues) };
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => {
      const where = issue.path.length > 0 ? `"${issue.path.join('.')}"` : 'the answer';
      if (issue.code === 'too_small' || issue.code === 'too_big') {
        if (issue.origin === 'string' && issue.code === 'too_small') return `${where} must not be empty`;
        return `${where} must have ${describeBound(issue)} ${issue.origin === 'string' ? 'characters' : 'items'}`;
      }
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

function describeBound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const prefix = issue.code === 'too_small' ? 'at least' : 'at most';
  return `${issue.exact ? 'exactly' : prefix} ${String(issue.code === 'too_small' ? issue.minimum : issue.maximum)}`;
}

const BULLET_MARK = /^(?:[-*•–—]|\d{1,2}[.)])\s+/u;

/** Drops a list marker the model put inside a bullet's text ("- ", "• ", "1. "), since we add our own. */
export function stripBulletMark(bullet: string): string {
  return bullet.replace(BULLET_MARK, '').trim();
}

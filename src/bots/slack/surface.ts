/**
 * Where a Slack job answers, rebuilt from plain JSON (the reply target) with a WebClient and the
 * response_url: routes, best first, for the runtime's policy to pick among.
 */
import { z } from 'zod';
import type { PlatformKit } from '../../commands/job.js';
import type { Ask, ChatJob, SharedFile } from '../../commands/request.js';
import { type FileLocation, fileInput } from '../../commands/shared-file.js';
import type { ReplySurface, Route } from '../../commands/surface.js';
import { RecapError } from '../../core/errors.js';
import type { FetchedBody, SafeFetch } from '../../core/fetch/safe-fetch.js';
import { askFromMessage, NOTHING_IN_PARENT, SlackFile, SlackMessage } from './map-event.js';
import {
  renderAnsweredBelow,
  renderDirect,
  renderError,
  renderParentDone,
  renderParentElsewhere,
  renderProgress,
  renderSummary,
  type SlackMessagePayload,
} from './render.js';
import { ResponseUrlSchema, type SlackCalls } from './slack-calls.js';

/** Where a Slack job answers: plain JSON, kept with the job. */
export const SlackTargetSchema = z.discriminatedUnion('kind', [
  /** /summarize: a parent message in the channel shows progress; the bullets go in its thread. */
  z.object({
    kind: z.literal('command'),
    channel: z.string(),
    parentTs: z.string(),
    responseUrl: ResponseUrlSchema.optional(),
  }),
  /** A shortcut, a mention or a direct message: a placeholder in the thread becomes the answer. */
  z.object({
    kind: z.literal('thread'),
    channel: z.string(),
    threadTs: z.string(),
    placeholderTs: z.string(),
    responseUrl: ResponseUrlSchema.optional(),
  }),
]);
export type SlackTarget = z.infer<typeof SlackTargetSchema>;

export interface SlackKitOptions {
  /** Answers, and the reads a job needs (files.info, conversations.replies), each retried by the policy. */
  calls: SlackCalls;
  botToken: string;
  /** The hosts of Slack's private files (SLACK_FILE_HOSTS): the only ones sent the bot token. */
  fileHosts: readonly string[];
  fetchFile: SafeFetch;
}

export function slackKit(options: SlackKitOptions): PlatformKit {
  return {
    surface: (job, run) =>
      slackSurface(options.calls, SlackTargetSchema.parse(job.target), job, {
        rerun: run?.rerun ?? false,
        answerIn: (channel, threadTs) => earlierAnswer(options.calls, channel, threadTs),
      }),
    file: (file) => fileInput(file, options.fetchFile, (signal) => locateFile(file, options, signal)),
    message: (channel, ts, signal) => parentAsk(options.calls, channel, ts, signal),
  };
}

/**
 * A file's download address, from the event or from files.info. The bot token goes only to Slack's own
 * file hosts: a remote file's url_private is its external address, which may be anywhere.
 */
async function locateFile(
  file: SharedFile,
  options: SlackKitOptions,
  signal: AbortSignal,
): Promise<FileLocation> {
  let described: SharedFile = file;
  let address = file.url;
  const id = file.id;
  if (!address && id) {
    const info = await options.calls.read(
      `${file.name}'s details`,
      (c) => c.files.info({ file: id }),
      signal,
    );
    const details = SlackFile.parse(info.file);
    address = details.url_private_download ?? details.url_private;
    // An event may carry the file's id alone (file_access: check_file_info): its name and type are here.
    const contentType = file.contentType ?? details.mimetype;
    described = {
      ...file,
      name: details.name ?? details.title ?? file.name,
      ...(contentType ? { contentType } : {}),
    };
  }
  if (!address) throw new RecapError('unsupported_input', `Slack gave no download link for ${file.name}.`);
  const url = new URL(address);
  if (!mayHaveToken(url, options.fileHosts)) return { url };
  return {
    url,
    headers: { authorization: `Bearer ${options.botToken}` },
    check: (fetched) => refuseSignInPage(fetched, described, options.fileHosts),
  };
}

/**
 * Slack's file host answers a download it refuses with a 302 to the workspace's sign-in page, not a
 * 403 (drewminns/slackdeletron#48, slackapi/node-slack-sdk#1750): followed, that is a page of HTML with
 * status 200, which must not be summarized as the file. A download that ended off SLACK_FILE_HOSTS, or
 * as HTML for a file that is not HTML, is refused.
 */
function refuseSignInPage(fetched: FetchedBody, file: SharedFile, fileHosts: readonly string[]): void {
  const offHost = !onFileHost(fetched.url, fileHosts);
  const html = fetched.contentType === 'text/html' && !isHtml(file);
  if (!offHost && !html) return;
  throw new RecapError(
    'unsupported_input',
    `Slack would not let me download ${file.name}: it sent its sign-in page instead. Check that the app has the files:read scope and that the file is still shared here, then try again.`,
    {
      cause: new Error(
        `download of ${file.name} ended at ${fetched.url.href} (${fetched.contentType || 'no type'})`,
      ),
    },
  );
}

function isHtml(file: SharedFile): boolean {
  const type = file.contentType?.split(';')[0]?.trim().toLowerCase();
  return type === 'text/html' || /\.html?$/i.test(file.name);
}

const onFileHost = (url: URL, fileHosts: readonly string[]) =>
  fileHosts.includes(url.host) || fileHosts.includes(url.hostname);

/** Only a listed host, and only over https (plain http only to this machine, as in tests). */
export function mayHaveToken(url: URL, fileHosts: readonly string[]): boolean {
  const secure = url.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  return onFileHost(url, fileHosts) && secure;
}

/** The thread's parent, as an Ask: its file, link or text. */
async function parentAsk(calls: SlackCalls, channel: string, ts: string, signal: AbortSignal): Promise<Ask> {
  const replies = await calls.read(
    "the thread's parent",
    (client) => client.conversations.replies({ channel, ts, limit: 1, inclusive: true }),
    signal,
  );
  const parent = SlackMessage.safeParse(replies.messages?.[0]);
  const ask = parent.success ? askFromMessage(parent.data) : undefined;
  if (!ask) throw new RecapError('empty_document', NOTHING_IN_PARENT);
  return ask;
}

/**
 * A summary already in the thread of a /summarize parent, from a run whose worker died after posting it:
 * that thread is recap's own (it starts at the parent recap posted for this job), so a reply with blocks
 * from a bot there is this job's answer. Undefined when there is none, or the thread cannot be read.
 */
async function earlierAnswer(
  calls: SlackCalls,
  channel: string,
  threadTs: string,
): Promise<string | undefined> {
  try {
    const replies = await calls.read('the earlier answer', (client) =>
      client.conversations.replies({ channel, ts: threadTs, limit: 20 }),
    );
    const answer = replies.messages?.find(
      (message) => message.ts !== threadTs && message.bot_id && (message.blocks?.length ?? 0) > 0,
    );
    return answer?.ts;
  } catch {
    return undefined;
  }
}

interface RunFacts {
  rerun: boolean;
  answerIn(channel: string, threadTs: string): Promise<string | undefined>;
}

/** The places one Slack job can answer in, each a route; the surfaces below put them in order. */
function places(calls: SlackCalls, target: SlackTarget, user: string, run: RunFacts) {
  const { channel, responseUrl } = target;
  const placeholderTs = target.kind === 'command' ? target.parentTs : target.placeholderTs;
  const update = (payload: SlackMessagePayload) => () => calls.update(channel, placeholderTs, payload);
  // No placeholder is left behind: removed, or (where it cannot be) marked as answered elsewhere.
  const clearFor = (elsewhere: SlackMessagePayload) => () =>
    calls.remove(channel, placeholderTs).catch(update(elsewhere));
  const clear = clearFor(renderParentElsewhere());
  return {
    update,
    clear,
    /** The answer went to a new message in the thread: the placeholder, if it stays, points below. */
    clearForBelow: clearFor(renderAnsweredBelow()),
    placeholder: (payload: SlackMessagePayload): Route => ({ via: 'bot', send: update(payload) }),
    thread: (payload: SlackMessagePayload, tidy: () => Promise<unknown>): Route => {
      const threadTs = target.kind === 'command' ? target.parentTs : target.threadTs;
      return {
        via: 'bot',
        // Run again, the job replaces the answer it may have posted instead of posting a second one.
        send: async () => {
          const earlier =
            run.rerun && target.kind === 'command' ? await run.answerIn(channel, threadTs) : undefined;
          return earlier ? calls.update(channel, earlier, payload) : calls.post(channel, payload, threadTs);
        },
        tidy,
      };
    },
    privately: (payload: SlackMessagePayload): Route[] =>
      responseUrl
        ? [{ via: 'response_url', send: () => calls.respond(responseUrl, payload), tidy: clear }]
        : [],
    ephemeral: (payload: SlackMessagePayload, threadTs?: string): Route => ({
      via: 'bot',
      send: () => calls.ephemeral(channel, user, payload, threadTs),
      tidy: clear,
    }),
    direct: (payload: SlackMessagePayload): Route => ({
      via: 'direct',
      send: () => calls.direct(user, renderDirect(payload, channel)),
      tidy: clear,
    }),
  };
}

function slackSurface(calls: SlackCalls, target: SlackTarget, job: ChatJob, run: RunFacts): ReplySurface {
  const at = places(calls, target, job.origin.user, run);
  const progress = (p: Parameters<ReplySurface['progress']>[0]) => at.placeholder(renderProgress(p));
  if (target.kind === 'command') {
    // The parent message points to the thread; privately, or in a direct message, when it cannot.
    return {
      progress,
      deliver: (reply) => [
        at.thread(renderSummary(reply), at.update(renderParentDone(reply))),
        ...at.privately(renderSummary(reply)),
        at.direct(renderSummary(reply)),
      ],
      fail: (error) => [
        ...at.privately(renderError(error)),
        at.ephemeral(renderError(error)),
        at.direct(renderError(error)),
        at.placeholder(renderError(error)),
      ],
    };
  }
  // The placeholder in the thread becomes the answer.
  return {
    progress,
    deliver: (reply) => [
      at.placeholder(renderSummary(reply)),
      at.thread(renderSummary(reply), at.clearForBelow),
      ...at.privately(renderSummary(reply)),
      at.direct(renderSummary(reply)),
    ],
    fail: (error) => [
      at.placeholder(renderError(error)),
      ...at.privately(renderError(error)),
      at.ephemeral(renderError(error), target.threadTs),
      at.direct(renderError(error)),
    ],
  };
}

import type { Progress } from '../core/types.js';

/** A short, human description of where a summary is, for a progress line or a chat message. */
export function describeProgress(progress: Progress): string {
  switch (progress.stage) {
    case 'queued':
      return progress.position === 1
        ? 'Waiting: next in line'
        : `Waiting: number ${progress.position} in line`;
    case 'reading':
      return progress.messages === undefined ? 'Reading' : `Reading messages (${progress.messages} so far)`;
    case 'summarizing':
      return `Summarizing part ${progress.part} of ${progress.parts}`;
    case 'merging':
      return `Merging notes ${progress.part} of ${progress.parts}`;
    case 'writing':
      return 'Writing the summary';
    case 'retrying':
      return `Trying again: ${progress.reason}`;
  }
}

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export function fixturePath(name: string): string {
  return `${FIXTURES}${name}`;
}

export function readFixture(name: string): string {
  return readFileSync(fixturePath(name), 'utf8');
}

export const googleMemo = {
  title: () => readFixture('google-memo/title.txt').trim(),
  transcript: () => readFixture('google-memo/transcript.txt'),
};

export interface MeetingTurn {
  speaker: string;
  content: string;
}

/** A QMSum meeting's speaker turns (test/fixtures/qmsum, copied from the QMSum test split, MIT). */
export function qmsumMeeting(
  name: 'ES2004a' | 'Bed003' | 'education_4' | 'covid_4' | 'Bmr006',
): MeetingTurn[] {
  const data = JSON.parse(readFixture(`qmsum/${name}.json`)) as { meeting_transcripts: MeetingTurn[] };
  return data.meeting_transcripts;
}

import { describe, expect, it } from 'vitest';
import { locateBullets } from '../../../src/core/summarize/moments.js';
import type { Segment } from '../../../src/core/types.js';

const talk: Segment[] = [
  { text: 'Welcome everyone, today we look at the quarterly numbers and the hiring plan.', startMs: 0 },
  { text: 'Revenue grew twelve percent, driven by the enterprise subscriptions in Europe.', startMs: 30_000 },
  { text: 'We will hire four engineers for the payments team before September.', startMs: 60_000 },
  { text: 'The office move to Lisbon is delayed until the lease negotiations finish.', startMs: 90_000 },
  { text: 'Questions from the audience covered remote work and the travel budget.', startMs: 120_000 },
  { text: 'Thanks for coming, the next review is in three months.', startMs: 150_000 },
];

describe('locateBullets', () => {
  it('finds the moment a bullet is drawn from by its distinctive words', () => {
    const [revenue, hiring, office] = locateBullets(
      [
        'Revenue grew twelve percent thanks to enterprise subscriptions in Europe.',
        'Four engineers will join the payments team before September.',
        'The Lisbon office move waits for the lease negotiations.',
      ],
      talk,
    );
    expect([revenue, hiring, office]).toEqual([30_000, 60_000, 90_000]);
  });

  it('gives no moment to a bullet that shares nothing distinctive with the transcript', () => {
    expect(locateBullets(['Cats prefer warm windowsills in winter.'], talk)).toEqual([undefined]);
  });

  it('gives no moment without timed segments', () => {
    expect(locateBullets(['Anything.'], [{ text: 'Anything at all.' }])).toEqual([undefined]);
    expect(locateBullets(['Anything.'], undefined)).toEqual([undefined]);
  });

  it('grounds a bullet in the only segment of a one-segment transcript, when they share words', () => {
    const only: Segment[] = [{ text: talk.map((segment) => segment.text).join(' '), startMs: 5_000 }];
    expect(
      locateBullets(['Revenue grew twelve percent in Europe.', 'Cats prefer warm windowsills.'], only),
    ).toEqual([5_000, undefined]);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { RateLimiter } from '../../../src/core/rate-limit.js';

/** The `next` every Map iterator shares: each call is one entry looked at. */
const mapIteratorNext = Object.getPrototypeOf(new Map().entries()) as { next(): unknown };

describe('RateLimiter memory', () => {
  afterEach(() => vi.restoreAllMocks());

  it('forgets people idle for a whole window, and keeps those who asked within it', () => {
    let now = 0;
    const limiter = new RateLimiter({ limit: 2, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 100; i++) limiter.take(`old-${i}`);
    now = 30_000;
    limiter.take('recent');
    limiter.take('old-0'); // asked again: no longer idle
    now = 60_000;
    limiter.take('new');
    expect(limiter.remembered).toBe(3);
    // Still counted: old-0's request at 30 s is within the window, so one more is allowed, then none.
    limiter.take('old-0');
    expect(() => limiter.take('old-0')).toThrow(/wait 30 seconds/);
  });

  it('looks at a few people per request however many it remembers (no scan of everyone)', () => {
    let now = 0;
    const limiter = new RateLimiter({ limit: 5, windowMs: 600_000, now: () => now });
    // More people than any threshold, all within the window: none may be forgotten.
    for (let i = 0; i < 11_000; i++) limiter.take(`person-${i}`);
    now = 1000;
    const looked = vi.spyOn(mapIteratorNext, 'next');
    for (let i = 0; i < 100; i++) limiter.take(`another-${i}`);
    expect(limiter.remembered).toBe(11_100);
    // One look at the front of the line per request (a scan would be 11,000 each).
    expect(looked.mock.calls.length).toBeLessThanOrEqual(2 * 100);
  });

  it('keeps a refused person in their place, so their first request still ends their wait', () => {
    let now = 0;
    const limiter = new RateLimiter({ limit: 1, windowMs: 60_000, now: () => now });
    limiter.take('ana');
    now = 10_000;
    limiter.take('ben');
    now = 50_000;
    expect(() => limiter.take('ana')).toThrow(/wait 10 seconds/);
    now = 60_000;
    // ana's request at 0 is a window old: forgotten, and ana may ask again; ben is still counted.
    limiter.take('ana');
    expect(() => limiter.take('ben')).toThrow(/wait 10 seconds/);
  });
});

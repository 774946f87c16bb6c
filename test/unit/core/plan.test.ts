import { describe, expect, it } from 'vitest';
import { PromptOverflow, Replanner, unwrapOverflow } from '../../../src/core/summarize/plan.js';

const counted = (optimistic = false) => new PromptOverflow(1000, 1400, 2048, optimistic);
const refused = () => new PromptOverflow(1000, undefined, 2048, false);
const unverified = (optimistic = false) => new PromptOverflow(1700, undefined, 2048, optimistic, true);

describe('Replanner', () => {
  it('starts optimistic, and falls back from an optimistic call to the careful plan without counting it', () => {
    const replanner = new Replanner();
    expect(replanner.plan).toEqual({ scale: 1, optimistic: true });
    expect(replanner.next(unverified(true))).toBe(true);
    expect(replanner.plan).toEqual({ scale: 1, optimistic: false });
    expect(replanner.next(counted())).toBe(true);
    expect(replanner.next(counted())).toBe(true);
    expect(replanner.next(counted())).toBe(false);
  });

  it('scales the estimates by what the server counted, or at least by a quarter', () => {
    const replanner = new Replanner();
    replanner.next(counted());
    expect(replanner.plan.scale).toBeCloseTo(1.4 * 1.1);
    replanner.next(new PromptOverflow(1000, 1010, 2048, false));
    expect(replanner.plan.scale).toBeCloseTo(1.4 * 1.1 * 1.25);
  });

  it('redoes a careful plan at most twice', () => {
    const replanner = new Replanner();
    expect([replanner.next(refused()), replanner.next(counted()), replanner.next(refused())]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it("redoes a careful plan once at most on the word of recap's estimate alone", () => {
    const replanner = new Replanner();
    expect(replanner.next(unverified())).toBe(true);
    expect(replanner.next(unverified())).toBe(false);
  });

  it('counts a plan redone on the estimate among the two', () => {
    const replanner = new Replanner();
    expect([replanner.next(counted()), replanner.next(unverified()), replanner.next(counted())]).toEqual([
      true,
      true,
      false,
    ]);
  });
});

describe('unwrapOverflow', () => {
  it('tells a person the document did not fit, and what to change', () => {
    expect(unwrapOverflow(counted(), 'http://ollama:11434')).toMatchObject({
      code: 'prompt_truncated',
      userMessage: expect.stringContaining('could not read the whole document within its context window'),
    });
  });

  it('names a server that neither counts nor refuses, when only the estimate judged', () => {
    expect(unwrapOverflow(unverified(), 'http://ollama:11434')).toMatchObject({
      code: 'prompt_truncated',
      userMessage: expect.stringMatching(/server at http:\/\/ollama:11434 .*prompt_eval_count.*0\.12\.6/),
    });
  });
});

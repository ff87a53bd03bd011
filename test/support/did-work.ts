import { expect } from "vitest";

/**
 * A load or generative test's proof that it did its work: `done` of `planned` units (requests sent, sequences run,
 * kills that landed during writes) must reach `minFraction`. Prints the figure, so a run shows what it exercised.
 */
export function expectDidWork(label: string, done: number, planned: number, minFraction = 1): void {
  const share = planned > 0 ? done / planned : 0;
  console.log(
    `did the work: ${label}: ${done} of ${planned} (${(share * 100).toFixed(1)}%, at least ${(minFraction * 100).toFixed(0)}% required)`,
  );
  expect(planned, `${label}: nothing was planned`).toBeGreaterThan(0);
  expect(done, `${label}: only ${done} of ${planned} done`).toBeGreaterThanOrEqual(Math.ceil(planned * minFraction));
}

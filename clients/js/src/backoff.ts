/**
 * Reconnect delays: exponential with full jitter, so that a thousand tablets that lost the
 * same Wi-Fi do not all come back in the same millisecond.
 */
export interface Backoff {
  /** First delay's upper bound, ms. */
  min: number;
  /** Largest delay, ms. */
  max: number;
}

export const DEFAULT_BACKOFF: Backoff = { min: 250, max: 10_000 };

/** The delay before reconnect attempt `attempt` (0-based). */
export function delay(b: Backoff, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(b.max, b.min * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling * random());
}

/** How a backoff grows: from `baseMs`, doubling each attempt, never above `maxMs`. */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/**
 * The wait before retry number `attempt` (1 for the first retry): `baseMs`, then doubling, capped
 * at `maxMs`. No jitter: each caller is one process retrying its own sends, with no crowd of clients to spread.
 *
 * @example
 * [1, 2, 3, 7].map((a) => backoffDelay(a, { baseMs: 100, maxMs: 3200 })); // [100, 200, 400, 3200]
 */
export function backoffDelay(attempt: number, { baseMs, maxMs }: BackoffOptions): number {
  // The exponent stops at 30: beyond it the cap has long been reached and 2 ** n only overflows.
  return Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
}

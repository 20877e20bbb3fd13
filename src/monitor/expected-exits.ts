import type { Clock } from "../clock.ts";

/** How long an exit asked for stays awaited (LivenessTracker.expectExit). */
export const EXPECT_EXIT_TTL_MS = 15 * 60_000;

/**
 * Exits the bot asked for (`/exit`, `/restart`): a process whose disconnect comes while its exit is
 * awaited stopped as planned, not an incident. An awaited exit lapses after `ttlMs`, so a request
 * that was never carried out does not hide a later crash.
 *
 * @example
 * const exits = new ExpectedExits(clock, 15 * 60_000);
 * exits.expect(["mm1"]);
 * exits.take("mm1"); // true once: the disconnect was the exit asked for
 */
export class ExpectedExits {
  readonly #until = new Map<string, number>();
  readonly #clock: Clock;
  readonly #ttlMs: number;

  constructor(clock: Clock, ttlMs: number) {
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  /** The bot asked these processes to exit. */
  expect(ids: readonly string[]): void {
    const until = this.#clock.now() + this.#ttlMs;
    for (const id of ids) this.#until.set(id, until);
  }

  /** Whether an exit asked of `id` is still awaited. */
  has(id: string): boolean {
    return (this.#until.get(id) ?? 0) > this.#clock.now();
  }

  /** Whether an exit of `id` was awaited; it is not any more either way. */
  take(id: string): boolean {
    const awaited = this.has(id);
    this.#until.delete(id);
    return awaited;
  }

  /** Nothing awaited any more (the tracker forgets everything). */
  clear(): void {
    this.#until.clear();
  }

  /** Not awaited any more (the exit failed, or came as a `stopped`). */
  cancel(ids: readonly string[]): void {
    for (const id of ids) this.#until.delete(id);
  }
}

/**
 * The progress line of a command-line operation that may take a while (`missionctl send` waiting
 * for replies, `missionctl sync` asking its executor): one line on stderr, redrawn in place with
 * the seconds spent, and cleared when the operation ends. Only on a terminal: when stderr is a
 * file or a pipe nothing at all is written, so scripts and tests see the same output as before.
 */
import { type Clock, clearLongTimeout, setLongTimeout } from "./clock.ts";

/** Where a progress line is drawn: a terminal (`isTTY`), whose width is `columns` when known. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** How a progress line is drawn; every field has a default suited to a terminal. */
export interface ProgressOptions {
  /** Default `process.stderr`; nothing is drawn unless `isTTY`. */
  stream?: ProgressStream;
  /** Default the system clock, with timers that never keep the process alive. */
  clock?: Clock;
  /** An operation shorter than this shows no line at all (default 300 ms): no flicker for fast ones. */
  showAfterMs?: number;
  /** Redraw period (default 100 ms): about 10 updates a second, however often `update` is called. */
  intervalMs?: number;
}

/** One operation's progress line; see {@link createProgress}. */
export interface Progress {
  /** A new stage: shows `text` and the seconds since now. */
  start(text: string): void;
  /** The same stage, new words; the seconds keep counting from its start. */
  update(text: string): void;
  /** Clears the line; start() may begin another operation. Idempotent. */
  done(): void;
}

/** Clears the terminal line the cursor is on and returns to its start. */
const CLEAR_LINE = "\r\x1b[2K";

/** The lines drawn right now, so other output can be written above them ({@link aboveProgress}). */
const drawn = new Set<{ hide(): void; draw(): void }>();

const unrefClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setLongTimeout(fn, ms, true),
  clearTimeout: (handle) => clearLongTimeout(handle),
};

const NOOP: Progress = { start() {}, update() {}, done() {} };

/**
 * A progress line on `stream` (stderr by default), a no-op unless it is a terminal.
 *
 * @example
 * const progress = createProgress();
 * progress.start("waiting for mm1…"); // after 0.3 s: "waiting for mm1… 0.3 s", counting
 * try { await work(); } finally { progress.done(); } // the line is gone
 */
export function createProgress(options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (stream.isTTY !== true) return NOOP;
  const clock = options.clock ?? unrefClock;
  const showAfterMs = options.showAfterMs ?? 300;
  const intervalMs = options.intervalMs ?? 100;
  let text = "";
  let stageStart = 0;
  let timer: ReturnType<Clock["setTimeout"]> | undefined;
  let shown = false;

  const render = (): string => {
    const line = `${text} ${((clock.now() - stageStart) / 1000).toFixed(1)} s`;
    // A line wider than the terminal wraps, and the clear would then erase only its last row.
    const width = stream.columns && stream.columns > 1 ? stream.columns - 1 : Number.POSITIVE_INFINITY;
    return line.length > width ? `${line.slice(0, width - 1)}…` : line;
  };
  const line = {
    hide: () => {
      if (shown) stream.write(CLEAR_LINE);
    },
    draw: () => {
      if (shown) stream.write(`${CLEAR_LINE}${render()}`);
    },
  };
  // First called showAfterMs after the operation started, then every intervalMs until done().
  const tick = () => {
    shown = true;
    drawn.add(line);
    line.draw();
    timer = clock.setTimeout(tick, intervalMs);
  };

  return {
    start(next) {
      text = next;
      stageStart = clock.now();
      // A new stage of a running operation keeps its timer: the line is already up, or soon will be.
      if (timer === undefined) timer = clock.setTimeout(tick, showAfterMs);
    },
    update(next) {
      text = next;
    },
    done() {
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      line.hide();
      shown = false;
      drawn.delete(line);
    },
  };
}

/**
 * Runs `write` (output to stdout or stderr) with every progress line cleared, then draws them
 * again below what it wrote: a log line or a reply never lands in the middle of a progress line.
 *
 * @example
 * aboveProgress(() => process.stdout.write(`${JSON.stringify(reply)}\n`));
 */
export function aboveProgress(write: () => void): void {
  if (drawn.size === 0) {
    write();
    return;
  }
  for (const line of drawn) line.hide();
  try {
    write();
  } finally {
    for (const line of drawn) line.draw();
  }
}

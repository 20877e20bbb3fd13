"""The Python side of the interrupt benchmark (bench/python-interrupt.ts), the mirror of
bench/interrupt-child.ts: a strategy on the Python package (missionctl.run_strategy, real ZeroMQ ipc)
with a 10-minute interval whose step stamps CLOCK_MONOTONIC the moment it starts, i.e. the moment the
runtime's sleep has ended and the loop moved on. The step does nothing else, so the strategy is
asleep again right after.

The stamps go to a file, one line each (microseconds), not over the IPC: the bench reads the file
after the run, so nothing but the wakes themselves reaches the strategy while it is measured, and no
other command can add a step of its own.

Usage: PYTHONPATH=<repo>/python /usr/bin/python3 bench/python_interrupt_child.py ID STAMPS_FILE
(MISSIONCTL_IPC_DIR as for every strategy; hears only chatops, the bench.)
"""

import asyncio
import sys
import time

from missionctl import run_strategy


def main() -> int:
    process_id, path = sys.argv[1], sys.argv[2]
    # Line-buffered: each stamp is one write(2) after it was taken, and on disk for the bench at once.
    out = open(path, "a", buffering=1, encoding="ascii")

    async def step(ctx) -> None:
        # Step 1 runs at start, not after an interrupted sleep: not a sample.
        if ctx.step > 1:
            # time.monotonic_ns is clock_gettime(CLOCK_MONOTONIC), the clock of process.hrtime in
            # the bench: one system-wide clock, so the two stamps compare directly.
            out.write(f"{time.monotonic_ns() // 1000}\n")

    try:
        return asyncio.run(run_strategy(process_id, step, interval_s=600.0, hear=["chatops"]))
    finally:
        out.close()


if __name__ == "__main__":
    sys.exit(main())

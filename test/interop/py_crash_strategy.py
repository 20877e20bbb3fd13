"""A strategy on the Python package whose second step raises (test/interop/python-runtime.test.ts).

    PYTHONPATH=python /usr/bin/python3 test/interop/py_crash_strategy.py ID

The first step succeeds and the strategy sleeps for ten minutes; a `wake` starts the second step,
which raises RuntimeError("boom"): the runtime publishes `crash` and run_strategy returns non-zero.
"""
import asyncio
import sys

from missionctl import run_strategy

steps = 0


async def step(ctx):
    global steps
    steps += 1
    if steps >= 2:
        raise RuntimeError("boom")


if __name__ == "__main__":
    sys.exit(asyncio.run(run_strategy(sys.argv[1], step, interval_s=600)))

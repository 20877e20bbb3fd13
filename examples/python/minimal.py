#!/usr/bin/env python3
"""The smallest missionctl strategy in Python (docs/python.md): python3 examples/python/minimal.py pymm1

Every built-in command (ping, status, pause, resume, wake, finish_and_exit, exit_now), heartbeats,
signals and crash events come from the package; this file is only the step."""

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python"))  # not needed once pip-installed
from missionctl import run_strategy  # noqa: E402


async def step(ctx):
    ctx.log.info("step %d: fetch, compute, quote", ctx.step)
    await ctx.sleep(0.2)  # exit_now cancels this at once


if __name__ == "__main__":
    raise SystemExit(asyncio.run(run_strategy(sys.argv[1], step, interval_s=60)))

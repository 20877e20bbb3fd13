#!/usr/bin/env python3
"""A fuller Python strategy on the missionctl package (docs/python.md): a quoting loop with a step
that stops its I/O when exit_now aborts it, a custom command with validation, and an event of its own.

    python3 examples/python/strategy.py pymm1 [--interval-s 900] [--step-s 2]

Then, from the chat or a shell: /send pymm1 set_spread {"bps": 7}, /status pymm1, /exit pymm1."""

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python"))  # not needed once pip-installed
from missionctl import Incoming, StepContext, run_strategy  # noqa: E402

spread_bps = 5
quotes_sent = 0


async def step(ctx: StepContext) -> None:
    """One quoting round: a few requests to an exchange, each an await that exit_now cancels."""
    global quotes_sent
    for _ in range(4):
        if ctx.aborted:  # exit_now already cancelled one await: send nothing more
            return
        await ctx.sleep(args.step_s / 4)  # stands for an HTTP call to the exchange
        quotes_sent += 1
    ctx.log.info("quoted at %d bps (%d quotes so far)", spread_bps, quotes_sent)
    await ctx.ipc.send_command("*", "quotes", {"spread_bps": spread_bps, "sent": quotes_sent})


def set_spread(cmd: Incoming) -> dict:
    """/send pymm1 set_spread {"bps": 7}: the return value is the ok reply, an exception the error."""
    global spread_bps
    bps = cmd.payload.get("bps")
    if not isinstance(bps, int) or isinstance(bps, bool) or not 1 <= bps <= 500:
        raise ValueError(f"bps must be a whole number from 1 to 500, not {bps!r}")
    previous, spread_bps = spread_bps, bps
    cmd.log.info("spread set by %s: %d → %d bps", cmd.sender_id, previous, bps)
    return {"spread_bps": bps, "previous": previous}


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("id")
    cli.add_argument("--interval-s", type=float, default=900.0, help="sleep between steps (default 900)")
    cli.add_argument("--step-s", type=float, default=2.0, help="how long one quoting round takes (default 2)")
    args = cli.parse_args()
    handlers = {"set_spread": set_spread}
    raise SystemExit(asyncio.run(run_strategy(args.id, step, args.interval_s, handlers=handlers)))

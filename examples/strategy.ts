// A complete strategy on the missionctl runtime: node --import tsx examples/strategy.ts mm1
import { createLogger, runStrategy } from "missionctl";

let quotes = 0;
runStrategy(
  {
    id: process.argv[2] ?? "mm1",
    intervalMs: 15 * 60_000, // one step per 15-minute kline; any command ends the sleep at once
    step: async (ctx) => {
      await ctx.delay(500); // fetch the book, compute, quote: pass ctx.signal to your I/O
      ctx.log.info({ quotes: ++quotes }, "requoted");
    },
    handlers: { quotes: () => ({ quotes }) }, // `missionctl send mm1 quotes`
  },
  { ipcDir: process.env.MISSIONCTL_IPC_DIR, logger: createLogger({ level: process.env.LOG_LEVEL }) },
);

/**
 * The floor of a bot's memory over ipc (bench/bot-rss.ts): bare zeromq.js, no project code, hearing
 * the same fleet as the bot does, a SUB per process with an event observer (the three sockets the
 * bot's transport holds per process), a receive loop per socket that only counts. Prints one JSON
 * line: VmRSS before the sockets and after `steadyMs` of heartbeats, MB.
 * The bot's XPUB is bound too, at `<commandDir>/<bindId>.ipc`, where the fleet's SUBs dial it: the
 * bot holds a connection each way per process, and so does the floor.
 * Usage: `node --max-semi-space-size=4 bare-subs.mjs <commandDir> <steadyMs> <bindId> <id>...`.
 */
import { readFileSync } from "node:fs";
import * as zmq from "zeromq";

const [dir, steady, bindId, ...ids] = process.argv.slice(2);
zmq.context.maxSockets = 3 * ids.length + 64;
const rss = () => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1]) / 1024;
const empty = rss();
let frames = 0;
let subscriptions = 0;
const pub = new zmq.XPublisher({ linger: 0, verbosity: "allSubsUnsubs", sendHighWaterMark: 100_000 });
await pub.bind(`ipc://${dir}/${bindId}.ipc`);
void (async () => {
  for await (const _ of pub) subscriptions++;
})();
for (const id of ids) {
  const sub = new zmq.Subscriber({ linger: 0, receiveHighWaterMark: 100_000 });
  sub.subscribe("");
  void (async () => {
    for await (const _ of sub.events);
  })();
  sub.connect(`ipc://${dir}/${id}.ipc`);
  void (async () => {
    for await (const _ of sub) frames++;
  })();
}
await new Promise((r) => setTimeout(r, Number(steady)));
console.log(JSON.stringify({ empty, rss: rss(), frames, subscriptions }));
process.exit(0);

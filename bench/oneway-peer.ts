/**
 * The raw floor of the interrupt benchmark, run as a child process: `oneway-peer <ipcDir>` is a bare
 * zeromq.js SUB (no project code) that stamps CLOCK_MONOTONIC when each frame reaches JavaScript,
 * the same clock and the same moment as bench/interrupt-child.ts. A message on the IPC channel asks
 * for the stamps collected so far.
 */
import * as zmq from "zeromq";

const [ipcDir] = process.argv.slice(2);
if (!ipcDir) throw new Error("usage: oneway-peer <ipcDir>");
const sub = new zmq.Subscriber();
sub.subscribe("peer.");
sub.connect(`ipc://${ipcDir}/oneway-bench.ipc`);
const stamps: string[] = [];
process.on("message", () => process.send?.(stamps.splice(0)));
process.send?.("ready");
for await (const [msg] of sub) {
  if (msg) stamps.push(String(process.hrtime.bigint() / 1000n));
}

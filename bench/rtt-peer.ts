/**
 * The far side of the raw round trip, run as a child process: `rtt-peer <ipcDir>` echoes every frame
 * on bare zeromq.js PUB/SUB with no project code. This is the floor the project's request path is
 * compared against: the same two processes, the same ipc transport, the same frame.
 */
import * as zmq from "zeromq";

const [ipcDir] = process.argv.slice(2);
if (!ipcDir) throw new Error("usage: rtt-peer <ipcDir>");

const pub = new zmq.Publisher();
await pub.bind(`ipc://${ipcDir}/raw-peer.ipc`);
const sub = new zmq.Subscriber();
sub.subscribe("peer.");
sub.connect(`ipc://${ipcDir}/raw-bench.ipc`);
process.send?.("ready");
for await (const [msg] of sub) {
  if (!msg) continue;
  // Echo under the reply topic, the body untouched: the least any responder must do.
  const out = Buffer.from(msg);
  out.write("bench.".padEnd(64, " "), 0, "latin1");
  await pub.send(out);
}

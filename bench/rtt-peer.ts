/**
 * The far side of the round-trip benchmarks, run as a child process:
 * `raw <ipcDir>`: bare zeromq.js PUB/SUB echo with no project code (the floor);
 * `project <ipcDir>`: an IpcCommandSystem answering `ping` (used until the runtime exists).
 */
import * as zmq from "zeromq";

const [mode, ipcDir] = process.argv.slice(2);
if (!ipcDir) throw new Error("usage: rtt-peer raw|project <ipcDir>");

if (mode === "raw") {
  const pub = process.env.XPUB ? new zmq.XPublisher({ verbosity: "allSubsUnsubs" }) : new zmq.Publisher();
  await pub.bind(`ipc://${ipcDir}/raw-peer.ipc`);
  const sub = new zmq.Subscriber();
  sub.subscribe("peer.");
  sub.connect(`ipc://${ipcDir}/raw-bench.ipc`);
  process.send?.("ready");
  for await (const [msg] of sub) {
    if (!msg) continue;
    // Echo with the reply topic, the body untouched: what any responder must at least do.
    const out = Buffer.from(msg);
    out.write("bench.".padEnd(64, " "), 0, "latin1");
    await pub.send(out);
  }
} else {
  const { IpcCommandSystem, ZmqTransport } = await import("../src/ipc/index.ts");
  const ipc = new IpcCommandSystem({ id: "peer", transport: new ZmqTransport({ id: "peer", ipcDir }) });
  ipc.registerHandler("ping", () => ({ state: "sleeping" }));
  await ipc.start();
  ipc.connectToProcess("bench");
  process.send?.("ready");
}

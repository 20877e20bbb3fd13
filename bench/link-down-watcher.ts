/**
 * The bot's side of the link-down bench, run inside the hub namespace: the monitor on an
 * IpcCommandSystem in proxy mode (the environment says where the proxy is and which keys), printing
 * one JSON line per lifecycle alert with the wall-clock time it was published.
 */
import { processConfig } from "../src/config.ts";
import { LifecycleBus } from "../src/events.ts";
import { IpcCommandSystem } from "../src/ipc/command-system.ts";
import { createTransport } from "../src/ipc/create-transport.ts";
import { createMonitor } from "../src/monitor/index.ts";

const ipc = new IpcCommandSystem({ transport: createTransport(processConfig(), "chatops") });
const bus = new LifecycleBus();
const print = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
bus.on("alert", (a) => print({ at: Date.now(), alert: a.text }));
bus.on("alert.resolved", (a) => print({ at: Date.now(), resolved: a.text }));
ipc.on("connected", (id) => print({ at: Date.now(), connected: id }));
await ipc.start();
createMonitor({ ipc, bus }).start();

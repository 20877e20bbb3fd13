/**
 * The floor of `missionctl send mm1 ping`: bare node + zeromq.js doing the same exchange, nothing
 * else (no configuration, no lock, no logger, no validation). Plain .mjs so that it runs without tsx.
 *
 *   node bench/send-floor.mjs ipc IPC_DIR TARGET
 *   node bench/send-floor.mjs proxy tcp://HOST:PORT CERT.key_secret PROXY.key TARGET
 *
 * ipc: binds an XPUB at IPC_DIR/command/cli.ipc and connects a SUB to TARGET's address; through the
 * proxy: connects an XPUB to PORT and a SUB to PORT+1, both CURVE clients. Then it waits for
 * TARGET's subscription (`TARGET.`, its presence) and for its SUB's link, publishes one `ping`
 * frame (64-byte space-padded topic + JSON IPCCommand, docs/protocol.md), re-sends the same frame
 * after 100, 200, 400 ms… as `missionctl send` does (the reply may leave before our subscription
 * reaches the target), and exits 0 on its `ok` reply, 1 after 10 s.
 */
import { readFileSync, rmSync } from "node:fs";
import * as zmq from "zeromq";

const [mode, where, ...rest] = process.argv.slice(2);
const target = rest.at(-1);
if ((mode !== "ipc" && mode !== "proxy") || !where || !target) {
  console.error("usage: send-floor.mjs ipc IPC_DIR TARGET | proxy tcp://H:P CERT PROXY_CERT TARGET");
  process.exit(2);
}

const ID = "cli";
/** pyzmq zmq.auth certificate: `public-key = "…"`, `secret-key = "…"`. */
const key = (file, name) =>
  new RegExp(`^\\s*${name}\\s*=\\s*"([^"]{40})"`, "m").exec(readFileSync(file, "utf8"))?.[1];

let pub;
let sub;
let subAddress;
if (mode === "ipc") {
  pub = new zmq.XPublisher({ verbosity: "allSubsUnsubs", linger: 0 });
  sub = new zmq.Subscriber({ linger: 0 });
  await pub.bind(`ipc://${where}/command/${ID}.ipc`);
  subAddress = `ipc://${where}/command/${target}.ipc`;
} else {
  const [cert, proxyCert] = rest;
  const curve = {
    curveServerKey: key(proxyCert, "public-key"),
    curvePublicKey: key(cert, "public-key"),
    curveSecretKey: key(cert, "secret-key"),
    linger: 0,
  };
  const colon = where.lastIndexOf(":");
  pub = new zmq.XPublisher({ ...curve, verbosity: "allSubsUnsubs", immediate: true });
  sub = new zmq.Subscriber(curve);
  pub.connect(where);
  subAddress = `${where.slice(0, colon)}:${Number(where.slice(colon + 1)) + 1}`;
}
for (const prefix of [`${ID}.`, "*.", ...[...ID].map((_, i) => `${ID.slice(0, i + 1)}*.`)])
  sub.subscribe(prefix);
// The SUB's link: `connect` over ipc, the CURVE `handshake` through the proxy. The observer must
// exist before connect(), or a fast connection's event is missed.
const linked = (async () => {
  for await (const event of sub.events) if (event.type === (mode === "ipc" ? "connect" : "handshake")) return;
})();
sub.connect(subAddress);
const present = (async () => {
  for await (const [msg] of pub) if (msg[0] === 1 && msg.toString("latin1", 1) === `${target}.`) return;
})();

const timeout = setTimeout(() => {
  console.error(`send-floor: no ok reply from ${target} in 10 s`);
  process.exit(1);
}, 10_000);
await Promise.all([present, linked]);

const now = Date.now();
const commandId = `${ID}_${now * 1000}_1`;
const body = JSON.stringify({
  command_id: commandId,
  sender_id: ID,
  target_id: target,
  command_type: "ping",
  payload: {},
  timestamp: now * 1000,
});
const frame = Buffer.concat([Buffer.from(`${target}.ping`.padEnd(64, " "), "ascii"), Buffer.from(body)]);
let resend;
let wait = 100;
const publish = () => {
  void pub.send(frame);
  resend = setTimeout(publish, wait);
  wait = Math.min(wait * 2, 3200);
};
publish();
for await (const [reply] of sub) {
  const command = JSON.parse(reply.toString("utf8", 64));
  if (
    command.command_type === "reply" &&
    command.payload?.reply_to === commandId &&
    command.payload.status === "ok"
  ) {
    process.stdout.write(`${reply.toString("utf8", 64)}\n`);
    break;
  }
}
clearTimeout(resend);
clearTimeout(timeout);
sub.close();
pub.close();
// As `missionctl send` does: leave no socket file behind (libzmq does not always get to it).
if (mode === "ipc") rmSync(`${where}/command/${ID}.ipc`, { force: true });

/**
 * A peer without CURVE: connects a plain PUB to the proxy's frontend and publishes `args` as a
 * command for 2 s. Through a proxy that requires CURVE it must reach nobody. Exits 0.
 * Usage: plaintext-peer.ts tcp://HOST:PORT TARGET TYPE
 */
import * as zmq from "zeromq";
import { encodeFrame } from "../../src/ipc/codec.ts";

const [address, target, type] = process.argv.slice(2) as [string, string, string];
const pub = new zmq.Publisher({ linger: 0 });
pub.connect(address);
const end = Date.now() + 2000;
for (let n = 1; Date.now() < end; n++) {
  await pub.send(
    encodeFrame({
      command_id: `plain_${n}_1`,
      sender_id: "cli",
      target_id: target,
      command_type: type,
      payload: {},
      timestamp: Date.now() * 1000,
    }),
  );
  await new Promise((r) => setTimeout(r, 100));
}
pub.close();

/**
 * The floor for the proxy round trip: zeromq.js's own `Proxy` between an XSUB at PORT and an XPUB
 * at PORT+1, with CURVE on both like `missionctl proxy`, and nothing else (no ZAP allow list, no
 * process of its own). Usage: bare-proxy.ts PORT SECRET_CERT. Sends "ready" over IPC once bound.
 */
import * as zmq from "zeromq";
import { readSecretCertificate } from "../src/proxy/certs.ts";

const [port, cert] = process.argv.slice(2) as [string, string];
const { secretKey } = readSecretCertificate(cert);
const curve = { curveServer: true, curveSecretKey: secretKey, linger: 0 };
const front = new zmq.XSubscriber(curve);
const back = new zmq.XPublisher(curve);
await front.bind(`tcp://127.0.0.1:${port}`);
await back.bind(`tcp://127.0.0.1:${Number(port) + 1}`);
process.send?.("ready");
await new zmq.Proxy(front, back).run();

/**
 * The proxy's ZAP handler (ZeroMQ RFC 27): libzmq asks it about every CURVE handshake on a socket
 * with a `zapDomain`, and admits the client only on a 200. Bound at `inproc://zeromq.zap.01` in
 * the context of the CURVE sockets, before they bind, so no handshake ever finds it missing.
 */
import { Reply } from "zeromq";
import type { Logger } from "../log.ts";
import type { AllowList } from "./allow-list.ts";
import { ProxyError } from "./errors.ts";
import type { RefusalLog } from "./refusal-log.ts";
import { z85Encode } from "./z85.ts";

/**
 * The endpoint libzmq sends ZAP requests to (RFC 27); one handler per ZeroMQ context.
 *
 * @example
 * await new Reply().bind(ZAP_ENDPOINT); // what ZapHandler.start() does
 */
export const ZAP_ENDPOINT = "inproc://zeromq.zap.01";
/**
 * The ZAP domain of the proxy's sockets; a request for another domain is refused.
 *
 * @example
 * new XPublisher({ curveServer: true, curveSecretKey, zapDomain: ZAP_DOMAIN, zapEnforceDomain: true });
 */
export const ZAP_DOMAIN = "missionctl";

/** A decided ZAP request: what the reply said and why. */
export interface ZapDecision {
  status: "200" | "400" | "500";
  text: string;
  /** The client's public key, Z85, when the request carried one. */
  key?: string;
  address: string;
}

/**
 * Decides one ZAP request (its frames as received): 200 for a CURVE client whose key is listed,
 * 400 for anything else, 500 for a request that is not ZAP 1.0.
 *
 * @example
 * decideZap(frames, allow); // { status: "200", text: "OK", key: "rq:rM>...", address: "10.0.0.9" }
 */
export function decideZap(frames: Buffer[], allow: AllowList): ZapDecision {
  const [version, , domain, address, , mechanism, key] = frames;
  const peer = address?.toString("latin1") ?? "";
  if (version?.toString() !== "1.0" || frames.length < 6) {
    return { status: "500", text: "not a ZAP 1.0 request", address: peer };
  }
  if (mechanism?.toString() !== "CURVE" || !key || key.length !== 32) {
    return { status: "400", text: "CURVE required", address: peer };
  }
  const z85 = z85Encode(key);
  if (domain?.toString() !== ZAP_DOMAIN) {
    return {
      status: "400",
      text: `unknown domain ${JSON.stringify(domain?.toString())}`,
      key: z85,
      address: peer,
    };
  }
  if (allow.lookup(z85) === undefined) {
    return { status: "400", text: "key not in the allow list", key: z85, address: peer };
  }
  return { status: "200", text: "OK", key: z85, address: peer };
}

/**
 * The handler: a `Reply` socket answering each request from the allow list as it is at that moment,
 * refusals logged through the bounded {@link RefusalLog}. Closing it makes the proxy fail closed:
 * with `zapEnforceDomain`, a handshake that finds no handler is refused.
 *
 * @example
 * const zap = new ZapHandler(allow, refusals, log);
 * await zap.start(); // before any CURVE socket binds
 * await zap.close();
 */
export class ZapHandler {
  readonly #socket = new Reply({ linger: 0 });
  #loop?: Promise<void>;
  /** Requests answered so far, by status. */
  readonly answered = { "200": 0, "400": 0, "500": 0 };

  constructor(
    private readonly allow: AllowList,
    private readonly refusals: RefusalLog,
    private readonly log: Logger,
  ) {}

  /**
   * Binds the handler and starts answering.
   *
   * @throws ProxyError `ZAP_IN_USE` when this process already has a ZAP handler.
   */
  async start(): Promise<void> {
    try {
      await this.#socket.bind(ZAP_ENDPOINT);
    } catch (err) {
      this.#socket.close();
      throw new ProxyError(
        "ZAP_IN_USE",
        `cannot bind the ZAP handler at ${ZAP_ENDPOINT}: ${(err as Error).message} (another proxy in this process?)`,
        {},
        { cause: err },
      );
    }
    this.#loop = this.#serve();
  }

  async #serve(): Promise<void> {
    try {
      for await (const frames of this.#socket) {
        // REP must answer every request before the next, or libzmq's handshakes queue up behind it.
        let decision: ZapDecision;
        try {
          decision = decideZap(frames, this.allow);
        } catch (err) {
          decision = { status: "500", text: "internal error", address: "" };
          this.log.error({ err }, "ZAP request failed");
        }
        this.answered[decision.status]++;
        const user = decision.status === "200" ? (this.allow.lookup(decision.key as string) ?? "") : "";
        await this.#socket.send([
          frames[0] ?? "1.0",
          frames[1] ?? "",
          decision.status,
          decision.text,
          user,
          "",
        ]);
        if (decision.status === "200") {
          this.allow.markAdmitted(decision.key as string);
          this.log.debug({ key: decision.key, address: decision.address, file: user }, "admitted");
        } else {
          this.refusals.record({
            key: decision.key ?? "(none)",
            address: decision.address,
            reason: decision.text,
          });
        }
      }
    } catch (err) {
      if (!this.#socket.closed) this.log.error({ err }, "ZAP handler stopped: nothing is admitted any more");
    }
  }

  /** Unbinds the handler; from then on every CURVE handshake is refused. */
  async close(): Promise<void> {
    if (!this.#socket.closed) this.#socket.close();
    await this.#loop;
  }
}

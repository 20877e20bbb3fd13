/**
 * listenHttp, the listener under the metrics server and webhook mode: a usable address or one line
 * saying why not, and a close that never waits on keep-alive connections.
 */
import { Agent, request } from "node:http";
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { MissionctlError } from "../../src/errors.ts";
import { type HttpListener, ListenError, type ListenHttpOptions, listenHttp } from "../../src/http/listen.ts";

/** One GET; `agent` keeps the connection open afterwards (keep-alive). */
function get(url: string, agent?: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: agent ?? false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        body += d;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("listenHttp", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function listen(options: Partial<ListenHttpOptions> = {}): Promise<HttpListener> {
    const listener = await listenHttp({
      host: "127.0.0.1",
      port: 0,
      handler: (_req, res) => res.end("ok\n"),
      ...options,
    });
    cleanups.push(() => listener.close());
    return listener;
  }

  async function busyPort(): Promise<number> {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => busy.close(() => resolve())));
    return (busy.address() as { port: number }).port;
  }

  it("listens on a free port when asked for port 0, and serves the handler there", async () => {
    const listener = await listen();
    expect(listener.address.host).toBe("127.0.0.1");
    expect(listener.address.port).toBeGreaterThan(0);
    expect(listener.url).toBe(`http://127.0.0.1:${listener.address.port}`);
    expect(await get(`${listener.url}/anything`)).toEqual({ status: 200, body: "ok\n" });
  });

  it("a port in use is a ListenError naming the address, in one line", async () => {
    const port = await busyPort();
    const err = await listenHttp({ host: "127.0.0.1", port, handler: () => {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ListenError);
    expect(err).toBeInstanceOf(MissionctlError);
    expect(err).toMatchObject({
      code: "LISTEN",
      host: "127.0.0.1",
      port,
      errno: "EADDRINUSE",
      inUse: true,
      message: `127.0.0.1:${port} is already in use`,
      context: { host: "127.0.0.1", port, errno: "EADDRINUSE" },
    });
    expect((err as ListenError).cause.code).toBe("EADDRINUSE");
  });

  it("an address that is not this host's is said so, and is no 'in use'", async () => {
    // 192.0.2.1 (TEST-NET-1) is never a local address.
    const err = await listenHttp({ host: "192.0.2.1", port: 0, handler: () => {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ListenError);
    expect((err as ListenError).inUse).toBe(false);
    expect((err as ListenError).message).toBe("192.0.2.1:0 is not an address of this host");
  });

  it("close() ends idle keep-alive connections at once and frees the port; a second close() is the same", async () => {
    const listener = await listen();
    const agent = new Agent({ keepAlive: true });
    cleanups.push(() => agent.destroy());
    expect((await get(listener.url, agent)).status).toBe(200);
    const started = Date.now();
    const closing = listener.close(5000);
    expect(listener.close()).toBe(closing);
    await closing;
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(get(listener.url)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    // The same port can be listened on again.
    const again = await listenHttp({ host: "127.0.0.1", port: listener.address.port, handler: () => {} });
    await again.close();
  });

  it("a request still running gets the grace to finish; without grace it is cut", async () => {
    const slow = (_req: unknown, res: { end(body: string): void }) =>
      setTimeout(() => res.end("late\n"), 100);
    const graced = await listen({ handler: slow });
    const answer = get(graced.url);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await graced.close(2000);
    expect(await answer).toEqual({ status: 200, body: "late\n" });

    const cut = await listen({ handler: slow });
    const lost = get(cut.url);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await cut.close();
    await expect(lost).rejects.toThrow(/socket hang up|ECONNRESET/);
  });
});

import { request } from "node:http";
import { connect, createServer, type Server, type Socket } from "node:net";
import { Gauge, Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { MetricsError } from "../../src/metrics/errors.ts";
import { BotHealth } from "../../src/metrics/health.ts";
import { type MetricsServer, startMetricsServer } from "../../src/metrics/server.ts";

/** One raw request (fetch cannot send every method, and hides HEAD's headers-only answer). */
function call(
  url: string,
  path: string,
  method = "GET",
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        text += d;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("the metrics server", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(registry = new Registry(), health = new BotHealth()): Promise<MetricsServer> {
    const server = await startMetricsServer({ host: "127.0.0.1", port: 0, registry, health });
    cleanups.push(() => server.close());
    return server;
  }

  it("serves the registry's Prometheus text at /metrics, to GET and HEAD", async () => {
    const registry = new Registry();
    new Gauge({ name: "test_answer", help: "a test gauge", registers: [registry] }).set(42);
    const server = await start(registry);
    expect(server.address.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.address.port}`);

    const get = await call(server.url, "/metrics?name[]=x");
    expect(get.status).toBe(200);
    expect(get.headers["content-type"]).toBe(registry.contentType);
    expect(get.body).toContain("# TYPE test_answer gauge\ntest_answer 42\n");

    const head = await call(server.url, "/metrics", "HEAD");
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
    expect(Number(head.headers["content-length"])).toBe(Buffer.byteLength(get.body));
  });

  it("/healthz: 503 naming what is down, 200 ok once every part is up", async () => {
    const health = new BotHealth();
    const server = await start(undefined, health);
    expect(await call(server.url, "/healthz")).toMatchObject({ status: 503, body: "down: telegram, ipc\n" });
    health.set("ipc", true);
    expect(await call(server.url, "/healthz")).toMatchObject({ status: 503, body: "down: telegram\n" });
    health.set("telegram", true);
    expect(await call(server.url, "/healthz")).toMatchObject({ status: 200, body: "ok\n" });
    expect((await call(server.url, "/healthz", "HEAD")).status).toBe(200);
    health.set("ipc", false);
    expect(await call(server.url, "/healthz")).toMatchObject({ status: 503, body: "down: ipc\n" });
  });

  it("404 for other paths, 405 (with Allow) for other methods, and a body is never needed", async () => {
    const server = await start();
    expect((await call(server.url, "/")).status).toBe(404);
    expect((await call(server.url, "/metrics/extra")).status).toBe(404);
    expect((await call(server.url, "/favicon.ico", "HEAD")).status).toBe(404);
    const post = await call(server.url, "/metrics", "POST", "x".repeat(100_000));
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe("GET, HEAD");
    for (const method of ["PUT", "DELETE", "OPTIONS"])
      expect((await call(server.url, "/healthz", method)).status).toBe(405);
    // The connection that carried an unread body did not break the server.
    expect((await call(server.url, "/metrics")).status).toBe(200);
  });

  it("a collector that throws is a 500 for that scrape, not a crash", async () => {
    const registry = new Registry();
    let broken = true;
    new Gauge({
      name: "test_fragile",
      help: "throws while broken",
      registers: [registry],
      collect() {
        if (broken) throw new Error("source gone");
        this.set(1);
      },
    });
    const server = await start(registry);
    expect(await call(server.url, "/metrics")).toMatchObject({
      status: 500,
      body: "metrics collection failed\n",
    });
    broken = false;
    expect((await call(server.url, "/metrics")).body).toContain("test_fragile 1");
  });

  it("a port in use is a MetricsError LISTEN with one line naming the address", async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => busy.close(() => resolve())));
    const port = (busy.address() as { port: number }).port;
    const err = await startMetricsServer({ host: "127.0.0.1", port, registry: new Registry() }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MetricsError);
    expect((err as MetricsError).code).toBe("LISTEN");
    expect((err as MetricsError).message).toBe(`MISSIONCTL_METRICS: 127.0.0.1:${port} is already in use`);
  });

  it("close() ends it at once, keep-alive connections included, and frees the port", async () => {
    const server = await startMetricsServer({ host: "127.0.0.1", port: 0 });
    const { port } = server.address;
    // A scraper's idle keep-alive connection must not hold the stop.
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect(port, "127.0.0.1", () => resolve(s));
      s.once("error", reject);
    });
    socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n");
    await new Promise((resolve) => socket.once("data", resolve));
    const ended = new Promise((resolve) => socket.once("close", resolve));
    await server.close();
    await ended;
    await expect(call(server.url, "/healthz")).rejects.toThrow(/ECONNREFUSED/);
    // The same port can be listened on again.
    const again = await startMetricsServer({ host: "127.0.0.1", port });
    await again.close();
  });
});

import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { registerTelegramRetries, retryCause } from "../../src/metrics/telegram-retries.ts";
import type { ApiObserver } from "../../src/telegram/client.ts";
import { Scrape } from "./scrape.ts";

describe("Bot API retries by cause", () => {
  it("maps the retry layer's why onto three causes", () => {
    expect(retryCause("429")).toBe("429");
    for (const why of ["500", "502", "503", "504", "599"]) expect(retryCause(why)).toBe("5xx");
    for (const why of ["ECONNRESET", "ETIMEDOUT", "FetchError", "network", "5000", "50"])
      expect(retryCause(why)).toBe("network");
  });

  it("counts only failed attempts that are retried, and stops counting when unsubscribed", async () => {
    const registry = new Registry();
    const observers = new Set<ApiObserver>();
    const stop = registerTelegramRetries(registry, (o) => {
      observers.add(o);
      return () => observers.delete(o);
    });
    const tell = (a: Parameters<ApiObserver>[0]) => {
      for (const o of observers) o(a);
    };
    tell({ method: "sendMessage", ok: true });
    tell({ method: "sendMessage", ok: false }); // a 400: final, not retried
    tell({ method: "sendMessage", ok: false, why: "429" });
    tell({ method: "getUpdates", ok: false, why: "502" });
    tell({ method: "getUpdates", ok: false, why: "ECONNRESET" });
    tell({ method: "getUpdates", ok: false, why: "ECONNRESET" });
    const s = new Scrape(await registry.metrics());
    expect(s.value("missionctl_telegram_retries_total", { cause: "429" })).toBe(1);
    expect(s.value("missionctl_telegram_retries_total", { cause: "5xx" })).toBe(1);
    expect(s.value("missionctl_telegram_retries_total", { cause: "network" })).toBe(2);
    stop();
    expect(observers.size).toBe(0);
  });
});

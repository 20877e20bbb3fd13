/** `--bind tcp://HOST:PORT`: the frontend at PORT, the backend at PORT + 1. */
import { describe, expect, it } from "vitest";
import { proxyAddresses } from "../../src/proxy/address.ts";

describe("proxyAddresses", () => {
  it("gives the frontend PORT and the backend PORT + 1", () => {
    expect(proxyAddresses("tcp://10.0.0.5:7100")).toEqual({
      host: "10.0.0.5",
      port: 7100,
      frontend: "tcp://10.0.0.5:7100",
      backend: "tcp://10.0.0.5:7101",
    });
    expect(proxyAddresses("tcp://*:65534").backend).toBe("tcp://*:65535");
    expect(proxyAddresses("tcp://[::1]:7100").backend).toBe("tcp://[::1]:7101");
  });

  it.each([
    "tcp://host:65535",
    "tcp://host:0",
    "tcp://host",
    "ipc:///tmp/x",
    "tcp://host:70000",
    "tcp://user@host:7100",
    "tcp://host:7100/x",
  ])("refuses %s", (address) => {
    expect(() => proxyAddresses(address)).toThrow(/is not tcp:\/\/HOST:PORT/);
  });
});

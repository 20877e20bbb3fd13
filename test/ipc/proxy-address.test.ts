import { describe, expect, it } from "vitest";
import { IpcError } from "../../src/ipc/errors.ts";
import { proxyAddressProblem, proxyEndpoints } from "../../src/ipc/proxy-address.ts";

describe("MISSIONCTL_PROXY addresses", () => {
  it.each(["tcp://10.0.0.5:7000", "tcp://proxy.lan:7000", "tcp://[fd00::5]:7000", "tcp://127.0.0.1:65534"])(
    "%s is a proxy address, on a network too (every socket towards it is CURVE)",
    (address) => {
      expect(proxyAddressProblem(address)).toBeUndefined();
    },
  );

  it.each([
    ["tcp://10.0.0.5:65535", "PORT + 1 is the backend"],
    ["tcp://10.0.0.5:0", "PORT from 1 to 65534"],
    ["tcp://10.0.0.5", "not tcp://HOST:PORT"],
    ["ipc:///tmp/proxy", "not tcp://HOST:PORT"],
    ["tcp://*:7000", '"*" binds every interface'],
  ])("%s is refused: %s", (address, why) => {
    expect(proxyAddressProblem(address)).toContain(why);
  });

  it("the frontend is PORT, the backend PORT + 1", () => {
    expect(proxyEndpoints("tcp://10.0.0.5:7000")).toEqual({
      frontend: "tcp://10.0.0.5:7000",
      backend: "tcp://10.0.0.5:7001",
    });
    expect(proxyEndpoints("tcp://[::1]:7100").backend).toBe("tcp://[::1]:7101");
  });

  it("a bad address throws IpcError INVALID_ADDRESS", () => {
    const e = (() => {
      try {
        proxyEndpoints("tcp://x:99999");
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(IpcError);
    expect((e as IpcError).code).toBe("INVALID_ADDRESS");
  });
});

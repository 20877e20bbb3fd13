import { describe, expect, it } from "vitest";
import {
  assertCommandType,
  assertProcessId,
  assertTargetId,
  commandIdGenerator,
  IpcError,
  isCommandType,
  isGroupTarget,
  isProcessId,
  isTargetId,
  nowMicros,
  subscriptionPrefixes,
  targetMatches,
} from "../../src/ipc/index.ts";

describe("id rules", () => {
  it("process_id: ^[A-Za-z0-9_-]{1,40}$", () => {
    for (const ok of ["mm1", "a", "A-b_9", "x".repeat(40)]) expect(isProcessId(ok)).toBe(true);
    for (const bad of ["", "a.b", "a*", "*", "a b", "x".repeat(41), "é", "a\n"]) {
      expect(isProcessId(bad)).toBe(false);
    }
  });

  it("command_type: ^[a-z][a-z0-9_]{0,30}$", () => {
    for (const ok of ["ping", "finish_and_exit", "a", `a${"b".repeat(30)}`])
      expect(isCommandType(ok)).toBe(true);
    for (const bad of ["", "Ping", "1ping", "_x", "has-dash", "a.b", `a${"b".repeat(31)}`]) {
      expect(isCommandType(bad)).toBe(false);
    }
  });

  it("target_id: a process id, * or prefix*", () => {
    for (const ok of ["mm1", "*", "mm*", "m*", `${"x".repeat(40)}*`]) expect(isTargetId(ok)).toBe(true);
    for (const bad of ["", "**", "*mm", "m*m", "a.b", "a b", `${"x".repeat(41)}*`]) {
      expect(isTargetId(bad)).toBe(false);
    }
    expect(isGroupTarget("*")).toBe(true);
    expect(isGroupTarget("mm*")).toBe(true);
    expect(isGroupTarget("mm1")).toBe(false);
  });

  it("assert* throw INVALID_ID naming the value", () => {
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        expect(err).toBeInstanceOf(IpcError);
        expect((err as Error).message).toContain('"a.b"');
        return (err as IpcError).code;
      }
      throw new Error("did not throw");
    };
    expect(codeOf(() => assertProcessId("a.b"))).toBe("INVALID_ID");
    expect(codeOf(() => assertTargetId("a.b"))).toBe("INVALID_ID");
    expect(codeOf(() => assertCommandType("a.b"))).toBe("INVALID_ID");
    expect(assertProcessId("mm1")).toBe("mm1");
  });
});

describe("targetMatches", () => {
  it("unicast matches only the exact id", () => {
    expect(targetMatches("mm1", "mm1")).toBe(true);
    expect(targetMatches("mm1", "mm10")).toBe(false);
    expect(targetMatches("mm10", "mm1")).toBe(false);
  });

  it("* matches everyone; prefix* matches by prefix, including the prefix itself", () => {
    expect(targetMatches("*", "anything")).toBe(true);
    expect(targetMatches("mm*", "mm1")).toBe(true);
    expect(targetMatches("mm*", "mm")).toBe(true);
    expect(targetMatches("mm*", "m")).toBe(false);
    expect(targetMatches("mm*", "xmm1")).toBe(false);
  });
});

describe("subscriptionPrefixes", () => {
  it("is id., *. and {q}*. for every non-empty prefix q (docs/protocol.md example)", () => {
    expect(subscriptionPrefixes("mm1")).toEqual(["mm1.", "*.", "m*.", "mm*.", "mm1*."]);
  });

  it("agrees with targetMatches as a byte-prefix filter on topics", () => {
    const ids = ["mm1", "mm10", "mm", "m", "mx1", "abc"];
    const targets = ["*", "mm1", "mm10", "mm*", "mm1*", "m*", "a*", "mx*", "zz*", "zz"];
    for (const id of ids) {
      const prefixes = subscriptionPrefixes(id);
      for (const target of targets) {
        const topic = `${target}.ping`;
        expect(
          prefixes.some((p) => topic.startsWith(p)),
          `${id} hears ${topic}`,
        ).toBe(targetMatches(target, id));
      }
    }
  });
});

describe("commandIdGenerator", () => {
  it("makes {sender}_{timestamp_us}_{counter}, unique even within one microsecond", () => {
    const next = commandIdGenerator("chatops", () => 1702345678000000);
    expect(next()).toBe("chatops_1702345678000000_1");
    expect(next()).toBe("chatops_1702345678000000_2");
    const real = commandIdGenerator("cli");
    const ids = new Set(Array.from({ length: 1000 }, () => real()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^cli_\d{16}_\d+$/);
  });

  it("writes the timestamp's digits exactly, across second boundaries and for any clock value", () => {
    const values = [
      1702345678999999, 1702345679000000, 1702345679000001, 1702345678000000, 5, 999_999, 1_000_000,
      9007199254740991, 1.5, -3,
    ];
    let now = 0;
    const next = commandIdGenerator("x", () => now);
    values.forEach((v, i) => {
      now = v;
      expect(next()).toBe(`x_${v}_${i + 1}`);
    });
  });

  it("nowMicros is microseconds since the epoch and does not go backwards", () => {
    const a = nowMicros();
    expect(Number.isSafeInteger(a)).toBe(true);
    expect(Math.abs(a / 1000 - Date.now())).toBeLessThan(5000);
    const b = nowMicros();
    expect(b).toBeGreaterThanOrEqual(a);
  });
});

import { describe, expect, it } from "vitest";
import { Presence } from "../../src/ipc/index.ts";

describe("Presence", () => {
  const make = () => {
    const changes: string[] = [];
    const p = new Presence((id, up) => changes.push(`${up ? "+" : "-"}${id}`));
    return { p, changes };
  };

  it("a subscription to `p.` means p is connected; its unsubscription means it left", () => {
    const { p, changes } = make();
    p.update("mm1.", true);
    expect(p.has("mm1")).toBe(true);
    expect(p.ids()).toEqual(["mm1"]);
    p.update("mm1.", false);
    expect(p.has("mm1")).toBe(false);
    expect(changes).toEqual(["+mm1", "-mm1"]);
  });

  it("ignores `*.`, multicast prefixes and anything that is not `{process_id}.`", () => {
    const { p, changes } = make();
    for (const topic of ["*.", "m*.", "mm*.", "mm1*.", "mm1", "", "a b.", "mm1.ping"]) p.update(topic, true);
    expect(p.ids()).toEqual([]);
    expect(changes).toEqual([]);
  });

  it("counts sockets with the same id: gone only when the last one leaves", () => {
    const { p, changes } = make();
    p.update("mm1.", true);
    p.update("mm1.", true); // a restarted process overlapping its predecessor
    p.update("mm1.", false);
    expect(p.has("mm1")).toBe(true);
    p.update("mm1.", false);
    expect(p.has("mm1")).toBe(false);
    p.update("mm1.", false); // a stray unsubscription never goes negative
    p.update("mm1.", true);
    expect(p.has("mm1")).toBe(true);
    expect(changes).toEqual(["+mm1", "-mm1", "+mm1"]);
  });

  it("matching() lists the connected processes a target reaches", () => {
    const { p } = make();
    for (const id of ["mm2", "mm1", "mx1", "abc"]) p.update(`${id}.`, true);
    expect(p.matching("mm*")).toEqual(["mm1", "mm2"]);
    expect(p.matching("*")).toEqual(["abc", "mm1", "mm2", "mx1"]);
    expect(p.matching("mm1")).toEqual(["mm1"]);
    expect(p.matching("zz")).toEqual([]);
  });
});

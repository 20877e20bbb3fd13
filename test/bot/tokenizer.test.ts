import { describe, expect, it } from "vitest";
import { tokenize } from "../../src/bot/tokenizer.ts";

describe("tokenize", () => {
  it("splits args and flags", () => {
    expect(tokenize("/exit mm1 mm2 --now")).toEqual({
      name: "exit",
      tokens: { args: ["mm1", "mm2"], flags: { now: true }, text: "mm1 mm2 --now" },
    });
  });

  it("accepts /cmd@ThisBot and ignores /cmd@OtherBot", () => {
    expect(tokenize("/Exit@MyBot mm1", "mybot")?.name).toBe("exit");
    expect(tokenize("/exit@OtherBot mm1", "MyBot")).toBeUndefined();
  });

  it("keeps the raw text for arguments with spaces and reads --key=value", () => {
    const parsed = tokenize('/send mm1 set {"a": 1} --x=2');
    expect(parsed?.tokens.text).toBe('mm1 set {"a": 1} --x=2');
    expect(parsed?.tokens.flags).toEqual({ x: "2" });
  });

  it("returns undefined for text that is not a command", () => {
    expect(tokenize("hello")).toBeUndefined();
    expect(tokenize("/")).toBeUndefined();
    expect(tokenize("/help")?.tokens).toEqual({ args: [], flags: {}, text: "" });
  });
});

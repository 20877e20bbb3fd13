/**
 * The field types of the configuration schema (src/config.ts): each parses one variable's string and
 * reports what is wrong with it in words, so that a bad value is one clear line at start.
 */
import { z } from "zod";

/** Comma-separated list; blanks between commas are ignored. */
export const list = (raw: string | undefined): string[] =>
  (raw ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

export const intList = (what: string, allowNegative: boolean) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const out: number[] = [];
      for (const item of list(raw)) {
        const ok = allowNegative ? /^-?\d{1,20}$/.test(item) : /^\d{1,20}$/.test(item);
        if (ok && Number.isSafeInteger(Number(item))) out.push(Number(item));
        else ctx.addIssue({ code: "custom", message: `${JSON.stringify(item)} is not a numeric ${what}` });
      }
      return out;
    });

/**
 * A positive integer, at most `max` when given: durations have one because a value no one means (an
 * extra digit or three) would otherwise be taken literally, so `max` is named in the message.
 */
export const positiveInt = (fallback: number, max?: number) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return fallback;
      const n = Number(raw);
      if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n <= 0 || (max !== undefined && n > max)) {
        const bound = max === undefined ? "" : ` of at most ${max}`;
        ctx.addIssue({
          code: "custom",
          message: `must be a positive integer${bound} (got ${JSON.stringify(raw)})`,
        });
        return fallback;
      }
      return n;
    });

/**
 * `HOST:PORT` (a listening address): an IPv4 address or a name, or `[v6]`, and a port from 1 to 65535.
 *
 * @example
 * hostPort().parse("127.0.0.1:9464"); // { host: "127.0.0.1", port: 9464 }
 */
export const hostPort = () =>
  z.string().transform((raw, ctx) => {
    const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]{1,253})):(\d{1,5})$/.exec(raw);
    const port = Number(m?.[3]);
    if (!m || !Number.isInteger(port) || port < 1 || port > 65535) {
      ctx.addIssue({
        code: "custom",
        message: `must be HOST:PORT with PORT from 1 to 65535, e.g. 127.0.0.1:9464 (got ${JSON.stringify(raw)})`,
      });
      return { host: "", port: 0 };
    }
    return { host: (m[1] ?? m[2]) as string, port };
  });

/** An https URL (Telegram sends webhook updates only to https). */
export const httpsUrl = () =>
  z.string().transform((raw, ctx) => {
    try {
      if (new URL(raw).protocol === "https:") return raw;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: "custom", message: `must be an https URL (got ${JSON.stringify(raw)})` });
    return raw;
  });

/**
 * Telegram's `secret_token`: 1 to 256 of A-Z a-z 0-9 _ -. The value itself is never echoed.
 */
export const webhookSecret = () =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, { error: "must be 1 to 256 of A-Z a-z 0-9 _ - (value not shown)" });

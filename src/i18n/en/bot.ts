/**
 * English: what the bot itself says around a command (refusals, errors, confirmations, progress
 * lines, /sync's live message). The reference catalog: every other language has these keys.
 */
import type { Role } from "../../bot/types.ts";
import { formatDuration as dur } from "../../duration.ts";

/**
 * The bot's own lines, by stage.
 *
 * @example
 * bot.notAuthorized({ userId: 42 }); // "Not authorized. Your Telegram user id is 42."
 */
export const bot = {
  notAuthorized: (p: { userId: number }) => `Not authorized. Your Telegram user id is ${p.userId}.`,
  forwarded: "Forwarded commands are not run: type the command yourself.",
  senderChat: "Commands sent as a group or channel are not run: send the command as yourself.",
  unknownCommand: (p: { name: string }) => `Unknown command /${p.name}. Send /help for the list.`,
  needsRole: (p: { command: string; needed: Role; role: Role }) =>
    `/${p.command} needs the ${p.needed} role; you are a ${p.role}.`,
  usage: (p: { usage: string; problems: readonly string[] }) => `Usage: ${p.usage}\n${p.problems.join("\n")}`,
  stale: (p: { text: string; ageMs: number }) =>
    `Not run: ${p.text} was sent ${dur(p.ageMs)} ago, while the bot was not reading. Send it again if you still mean it.`,
  failed: (p: { command: string; error: string }) => `Sorry, /${p.command} failed: ${p.error}`,
  somethingWrong: "Sorry, something went wrong; the error is logged.",
  layoutIpc: (p: { dir: string }) => `one machine (ipc in ${p.dir})`,
  layoutProxy: (p: { proxy: string; linkUp: boolean }) =>
    `several hosts, through the proxy at ${p.proxy} (link ${p.linkUp ? "up" : "down"})`,
  interrupted: (p: { verb: string; targets: readonly string[]; lines: readonly string[] }) =>
    [
      `${p.verb} → ${p.targets.join(", ")}`,
      "The bot restarted before this command finished. Now:",
      ...p.lines,
    ].join("\n"),
  unknownTarget: (p: { target: string }) => `${p.target} — not known to the monitor`,

  /** The question with Confirm / Cancel (or Apply / Cancel) buttons. */
  confirm: {
    ok: "Confirm",
    apply: "Apply",
    cancel: "Cancel",
    question: (p: { verb: string; summary: string; details: readonly string[]; ttlMs: number }) =>
      [`${p.verb} ${p.summary}?`, ...p.details, `Only you can answer; this expires in ${dur(p.ttlMs)}.`].join(
        "\n",
      ),
    connectedNow: (p: { ids: readonly string[] }) =>
      `Connected now: ${p.ids.length ? p.ids.join(", ") : "none"}`,
    cancelled: (p: { summary: string }) => `${p.summary}: cancelled, nothing was sent.`,
    expired: (p: { summary: string; ttlMs: number }) =>
      `${p.summary}: not confirmed within ${dur(p.ttlMs)}, nothing was sent.`,
    gone: "This confirmation has expired or was already answered.",
    notYours: "Only the person who asked can answer this.",
    elsewhere: "Answer on the question itself, in the chat where it was asked.",
    confirmed: "Confirmed",
    cancelledToast: "Cancelled",
  },

  /** The live progress message of a tracked command: a header, then one line per process. */
  track: {
    header: (p: { verb: string; targets: readonly string[]; final: boolean }) =>
      `${p.verb} → ${p.targets.join(", ")}${p.final ? "" : " …"}`,
    line: (p: { id: string; text: string }) => `${p.id}: ${p.text}`,
    pending: "…",
    accepted: "accepted",
    ok: (p: { elapsedMs: number; extra?: string | undefined }) =>
      `ok, ${dur(p.elapsedMs)}${p.extra ? ` — ${p.extra}` : ""}`,
    error: (p: { detail: string }) => `error — ${p.detail}`,
    failed: "failed",
    notConnected: "not connected",
    disconnected: (p: { acceptedFirst: boolean }) =>
      `${p.acceptedFirst ? "accepted, then " : ""}disconnected before replying`,
    timeout: (p: { acceptedFirst: boolean; timeoutMs: number }) =>
      `${p.acceptedFirst ? "accepted, then " : ""}no reply within ${dur(p.timeoutMs)}`,
    noMatch: "no connected process matches",
  },

  /** /sync's live message, its question and its end (what the saga itself says is in `sync`). */
  sync: {
    head: (p: { process: string; executor: string; final: boolean }) =>
      `sync ${p.process} (executor ${p.executor})${p.final ? "" : " …"}`,
    step: (p: { ok: boolean; step: string; text: string }) => `${p.ok ? "✓" : "✗"} ${p.step}: ${p.text}`,
    nothing: (p: { reason: string }) => `nothing to sync: ${p.reason}`,
    refused: (p: { reason: string }) => `refused: ${p.reason}`,
    warning: (p: { text: string }) => `warning: ${p.text}`,
    summary: (p: { process: string }) => `sync ${p.process}`,
    writes: (p: { paths: readonly string[] }) => `It writes ${p.paths.join(", ")}.`,
    runningAgain: (p: { process: string }) =>
      `sync ${p.process}: ${p.process} is running again; nothing was written.`,
    notApplied: (p: { process: string; reason: string }) => `sync ${p.process}: ${p.reason}`,
    wrote: (p: { process: string; files: readonly { path: string; changed: boolean }[] }) =>
      `sync ${p.process}: wrote ${p.files.map((f) => `${f.path}${f.changed ? "" : " (unchanged)"}`).join(", ")}`,
  },
};

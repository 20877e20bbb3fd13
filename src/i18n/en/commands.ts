/**
 * English: the built-in chat commands (commands/): their one-line help for /help and the menu,
 * and what each one replies.
 */
import { formatDuration as dur } from "../../duration.ts";
import { clockTime, count } from "../format.ts";

/**
 * The help line of each built-in command (one line, for /help and Telegram's command menu).
 *
 * @example
 * help.exit; // "Stop processes after their current step (--now: abort the step)"
 */
export const help = {
  help: "List the commands, or show one command's usage",
  whoami: "Show your Telegram user id and role",
  status: "Show every known process; with a target, also ask it for its status",
  ping: "Ask processes whether they are alive",
  alerts: "Show open incidents and active mutes",
  history: "Show the last commands: who sent what, and each process's outcome",
  exit: "Stop processes after their current step (--now: abort the step)",
  pause: "Stop scheduling steps (heartbeats go on)",
  resume: "Start scheduling steps again",
  wake: "End the current sleep: the next step starts now",
  send: "Send any command type with a JSON payload (asks to confirm)",
  mute: "Mute alerts for a target for a while (30m, 2h, 1d)",
  unmute: "Unmute alerts for a target",
  sync: "Sync a crashed strategy's positions from its executor's log",
};

/**
 * What the built-in commands reply, by command.
 *
 * @example
 * commands.unmute.notMuted({ target: "mm1" }); // "mm1 was not muted."
 */
export const commands = {
  help: {
    one: (p: { usage: string; help: string; operator: boolean }) =>
      `${p.usage}\n${p.help}${p.operator ? " (operator)" : ""}`,
    header: (p: { operator: boolean }) =>
      `missionctl commands (you are ${p.operator ? "an operator" : "a viewer"}):`,
    line: (p: { usage: string; help: string; operatorOnly: boolean }) =>
      `${p.usage} — ${p.help}${p.operatorOnly ? " (operator)" : ""}`,
    footer: [
      "Targets: a process id, * (every process) or prefix* (e.g. mm*).",
      "Commands that reach several processes, --now and /send ask you to confirm first.",
    ].join("\n"),
  },
  whoami: (p: { name: string; id: number; role: string }) =>
    `You are ${p.name || "unnamed"}, Telegram user id ${p.id}, role ${p.role}.`,
  status: {
    none: "No processes known yet.",
    layout: (p: { layout: string }) => `Layout: ${p.layout}.`,
    unknown: (p: { target: string }) => `${p.target}: not known to the monitor`,
    tooMany: "(Too many to ask each for its own status: narrow the target for that.)",
  },
  alerts: {
    none: "No open incidents.",
    header: (p: { count: number }) => `Open incidents (${p.count}):`,
    storm: (p: { count: number; kinds: readonly { kind: string; count: number }[] }) =>
      `Open incidents (${count(p.count)}): ${p.kinds.map((k) => `${count(k.count)} ${k.kind}`).join(", ")}`,
    more: (p: { hidden: number }) => `… and ${count(p.hidden)} more; /status shows every process by state`,
    mutes: (p: { count: number }) => `Mutes (${p.count}):`,
  },
  history: {
    notKept: "No history: this bot runs without a state database (MISSIONCTL_STATE).",
    none: (p: { target?: string | undefined }) => `No commands${p.target ? ` for ${p.target}` : ""} yet.`,
    header: (p: { count: number; target?: string | undefined }) =>
      `Last ${p.count} command${p.count === 1 ? "" : "s"}${p.target ? ` for ${p.target}` : ""}, oldest first:`,
  },
  mute: (p: { target: string; durationMs: number; until: number }) =>
    `Alerts for ${p.target} are muted for ${dur(p.durationMs)}, until ${clockTime(p.until)}.`,
  unmute: {
    done: (p: { target: string }) => `Alerts for ${p.target} are unmuted.`,
    notMuted: (p: { target: string }) => `${p.target} was not muted.`,
  },
  exit: {
    finished: "exited after finishing its step",
    aborted: "exited, step aborted",
  },
};

/**
 * Runs a chat command's IPC requests and mirrors their replies into one live chat message, one
 * line per process ("mm1: accepted" → "mm1: ok, 0.8 s"), in the asking user's language.
 */
import type { Catalog } from "../i18n/index.ts";
import type { IpcCommandSystem } from "../ipc/command-system.ts";
import { isGroupTarget } from "../ipc/ids.ts";
import type { MissingReason, ReplyEvent, RequestResult } from "../ipc/request.ts";
import type { LiveMessage } from "./live-message.ts";
import type { Outcome, ProcessOutcome, TrackedRequest, TrackSpec } from "./types.ts";

type LineStatus = "pending" | "accepted" | "ok" | "error" | MissingReason | "no_match";

interface Line {
  status: LineStatus;
  detail?: string;
  /** The process had answered `accepted` before it went missing. */
  acceptedFirst?: boolean;
}

/** The monitor's side of a planned exit (`TrackSpec.stops`). */
export interface PlannedExits {
  /** The process ids `targets` stand for now (groups expanded). */
  expand(targets: readonly string[]): string[];
  expectExit(ids: string[]): void;
  cancelExpectedExit(ids: string[]): void;
}

export interface TrackDeps {
  ipc: IpcCommandSystem;
  live: LiveMessage;
  /** The asking user's texts. */
  t: Catalog;
  timeoutMs: number;
  /** Needed when a spec `stops` its processes. */
  exits?: PlannedExits;
  onSent?: (commandId: string, target: string) => void;
  onReply?: (commandId: string, reply: ReplyEvent) => void;
}

export interface TrackResult {
  outcome: Outcome;
  commandIds: string[];
  targets: string[];
  /** How each process ended: ok, error, accepted (then no terminal reply), or why it is missing. */
  processes: Map<string, ProcessOutcome>;
}

/**
 * Like {@link trackRequests}, for requests that stop their processes: the monitor is told first,
 * so the coming disconnects are planned, not crashes; a process that refused or never got the
 * command is not exiting, and were it to die now that must be an alert again. (`accepted` ones
 * are still finishing their step.)
 */
async function trackStops(deps: TrackDeps & { exits: PlannedExits }, spec: TrackSpec): Promise<TrackResult> {
  const expected = deps.exits.expand(spec.requests.map((r) => r.target));
  deps.exits.expectExit(expected);
  const result = await trackRequests({ ...deps, exits: undefined }, { ...spec, stops: false });
  const notExiting = expected.filter((id) => {
    const end = result.processes.get(id);
    return end === undefined || end === "error" || end === "not_connected" || end === "timeout";
  });
  if (notExiting.length > 0) deps.exits.cancelExpectedExit(notExiting);
  return result;
}

/**
 * Sends every request at once and edits `live` as replies arrive; resolves with the overall outcome
 * once every request has settled and the final text is delivered.
 *
 * @example
 * const r = await trackRequests({ ipc, live, t: catalog("en"), timeoutMs: 10_000 },
 *   { verb: "exit", requests: [{ target: "mm1", commandType: "finish_and_exit" }] });
 */
export async function trackRequests(deps: TrackDeps, spec: TrackSpec): Promise<TrackResult> {
  if (spec.stops) {
    if (!deps.exits) throw new Error("a tracked command that stops processes needs the monitor");
    return trackStops({ ...deps, exits: deps.exits }, spec);
  }
  const lines = new Map<string, Line>();
  const targets = spec.requests.map((r) => r.target);
  const tt = deps.t.bot.track;
  const render = (final: boolean) => {
    const header = tt.header({ verb: spec.verb, targets, final });
    const body = [...lines].map(([id, line]) => tt.line({ id, text: lineText(line, deps) }));
    return [...(spec.preamble ? [spec.preamble] : []), header, ...body].join("\n");
  };
  const set = (id: string, line: Line) => {
    const current = lines.get(id);
    // A late interim reply never overwrites a terminal one.
    if (line.status === "accepted" && current && current.status !== "pending") return;
    lines.set(id, line);
  };
  for (const r of spec.requests) if (!isGroupTarget(r.target)) lines.set(r.target, { status: "pending" });
  deps.live.update(render(false));

  const commandIds: string[] = [];
  const results = await Promise.all(
    spec.requests.map(async (request): Promise<RequestResult | Error> => {
      try {
        return await deps.ipc.request(request.target, request.commandType, request.payload ?? {}, {
          timeoutMs: deps.timeoutMs,
          onSent: (command, expected) => {
            commandIds.push(command.command_id);
            deps.onSent?.(command.command_id, request.target);
            for (const id of [...expected].sort()) if (!lines.has(id)) set(id, { status: "pending" });
            deps.live.update(render(false));
          },
          onReply: (reply) => {
            deps.onReply?.(reply.reply.payload.reply_to as string, reply);
            set(reply.from, replyLine(reply, request, spec, deps.t));
            deps.live.update(render(false));
          },
        });
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        set(request.target, { status: "error", detail: error.message });
        return error;
      }
    }),
  );

  let outcome: Outcome = "ok";
  const worse = (o: Outcome) => {
    const rank: Outcome[] = ["ok", "not_connected", "timeout", "error"];
    if (rank.indexOf(o) > rank.indexOf(outcome)) outcome = o;
  };
  for (const [i, result] of results.entries()) {
    const request = spec.requests[i] as TrackedRequest;
    if (result instanceof Error) {
      worse("error");
      continue;
    }
    if (!commandIds.includes(result.command.command_id)) commandIds.push(result.command.command_id);
    for (const [id, reply] of result.terminal) {
      set(id, replyLine(reply, request, spec, deps.t));
      if (reply.status === "error") worse("error");
    }
    for (const [id, reason] of result.missing) {
      const wasAccepted = result.acceptedOnly.includes(id);
      set(id, { status: reason, ...(wasAccepted ? { acceptedFirst: true } : {}) });
      worse(reason === "not_connected" ? "not_connected" : reason === "timeout" ? "timeout" : "error");
    }
    if (isGroupTarget(request.target) && result.expected.length === 0) {
      set(request.target, { status: "no_match" });
      worse("not_connected");
    }
  }
  await deps.live.finish(render(true));
  const processes = new Map<string, ProcessOutcome>();
  for (const [id, line] of lines) {
    if (line.status === "pending" || line.status === "no_match") continue;
    processes.set(id, line.acceptedFirst ? "accepted" : line.status);
  }
  return { outcome, commandIds, targets, processes };
}

function replyLine(reply: ReplyEvent, request: TrackedRequest, spec: TrackSpec, t: Catalog): Line {
  if (reply.status === "accepted") return { status: "accepted" };
  if (reply.status === "error") return { status: "error", detail: reply.error ?? t.bot.track.failed };
  const extra = spec.describe?.(reply, request);
  return { status: "ok", detail: t.bot.track.ok({ elapsedMs: reply.elapsedMs, extra }) };
}

function lineText(line: Line, deps: Pick<TrackDeps, "t" | "timeoutMs">): string {
  const t = deps.t.bot.track;
  const acceptedFirst = line.acceptedFirst === true;
  switch (line.status) {
    case "pending":
      return t.pending;
    case "accepted":
      return t.accepted;
    case "ok":
      return line.detail ?? "";
    case "error":
      return t.error({ detail: line.detail ?? t.failed });
    case "not_connected":
      return t.notConnected;
    case "disconnected":
      return t.disconnected({ acceptedFirst });
    case "timeout":
      return t.timeout({ acceptedFirst, timeoutMs: deps.timeoutMs });
    case "no_match":
      return t.noMatch;
  }
}

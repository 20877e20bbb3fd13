/**
 * Progress messages of commands in flight, kept in the state database so that a bot killed in the
 * middle of `/exit mm1` does not leave "mm1: accepted" in the chat forever: the next start edits
 * each unfinished message once, saying the bot restarted and what each process's state is now. No
 * user is asking then, so that note is in the chats' language, MISSIONCTL_LANG, as alerts are.
 */
import type { Clock } from "../clock.ts";
import { type Catalog, catalog, type Lang } from "../i18n/index.ts";
import { targetMatches } from "../ipc/ids.ts";
import type { Logger } from "../log.ts";
import type { MonitorApi } from "../monitor/types.ts";
import type { AuditStore, LiveMessageRow } from "../state/audit.ts";
import type { ChatApi } from "./chat.ts";
import type { InflightMessages } from "./pipeline/index.ts";
import { formatProcess } from "./views.ts";

/**
 * {@link InflightMessages} over the state's `live_messages` rows. A failing write is logged: the
 * command itself goes on.
 *
 * @example
 * createBot({ ..., inflight: inflightMessages(state.audit, clock, log) });
 */
export function inflightMessages(audit: AuditStore, clock: Clock, log: Logger): InflightMessages {
  const guard = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (err) {
      log.error({ err }, `could not record ${what} of a progress message`);
    }
  };
  return {
    begin(chatId, verb, targets, stopping) {
      let id: number | undefined;
      guard("the start", () => {
        id = audit.addLive({ chatId, verb, targets, stopping, startedAt: clock.now() });
      });
      return {
        sent: (messageId) => guard("the id", () => id !== undefined && audit.setLiveMessageId(id, messageId)),
        end: () => guard("the end", () => id !== undefined && audit.deleteLive(id)),
      };
    },
  };
}

/**
 * The text that replaces a progress message the last run left unfinished.
 *
 * @example
 * interruptedText("exit", ["mm1"], [{ id: "mm1", state: "stopped", connected: false }], now, catalog("en"));
 * // "exit → mm1\nThe bot restarted before this command finished. Now:\nmm1 — stopped, no heartbeat yet, not connected, not muted"
 */
export function interruptedText(
  verb: string,
  targets: readonly string[],
  processes: ReturnType<MonitorApi["processes"]>,
  now: number,
  t: Catalog,
): string {
  const lines: string[] = [];
  for (const target of targets) {
    const matching = processes.filter((p) => targetMatches(target, p.id));
    if (matching.length === 0) lines.push(t.bot.unknownTarget({ target }));
    for (const p of matching) lines.push(formatProcess(p, now, t));
  }
  return t.bot.interrupted({ verb, targets, lines });
}

/**
 * Edits, once each, the progress messages the last run left unfinished (`rows`, read at start,
 * before this run's own commands add theirs); returns how many.
 *
 * @example
 * const rows = state.audit.liveMessages(); // at start
 * await finishInterrupted({ rows, audit: state.audit, chat: bot.chat, monitor, clock, log, lang: "en" });
 */
export async function finishInterrupted(o: {
  rows: readonly LiveMessageRow[];
  audit: AuditStore;
  chat: ChatApi;
  monitor: Pick<MonitorApi, "processes">;
  clock: Clock;
  log: Logger;
  /** MISSIONCTL_LANG (default English). */
  lang?: Lang;
}): Promise<number> {
  const t = catalog(o.lang ?? "en");
  let edited = 0;
  for (const row of o.rows) {
    if (row.messageId !== undefined) {
      const text = interruptedText(row.verb, row.targets, o.monitor.processes(), o.clock.now(), t);
      try {
        await o.chat.edit(row.chatId, row.messageId, text);
        edited++;
      } catch (err) {
        o.log.warn(
          { err, chatId: row.chatId, messageId: row.messageId },
          "could not finish an interrupted progress message",
        );
      }
    }
    // Once, whatever came of it: a message that cannot be edited now will not be later either.
    o.audit.deleteLive(row.id);
  }
  if (edited > 0) o.log.info({ edited }, "progress messages of the last run finished");
  return edited;
}

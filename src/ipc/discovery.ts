import { type FSWatcher, readdirSync, watch } from "node:fs";
import { isProcessId } from "./ids.ts";
import { commandDir, ensureIpcDir } from "./ipc-dir.ts";

/**
 * The process id a file in IPC_DIR/command stands for: `mm1.ipc` → "mm1"; undefined for any other
 * file (a stray name, or one no process could have bound).
 *
 * @example
 * socketProcessId("mm1.ipc"); // "mm1"
 */
export function socketProcessId(fileName: string): string | undefined {
  if (!fileName.endsWith(".ipc")) return undefined;
  const id = fileName.slice(0, -".ipc".length);
  return isProcessId(id) ? id : undefined;
}

/**
 * The ids of the processes with a socket file in IPC_DIR/command now, sorted; none when the
 * directory is missing or unreadable. Reads only: it neither creates nor checks the directory.
 *
 * @example
 * listProcessIds("/tmp/missionctl"); // ["mm1", "mm2"]
 */
export function listProcessIds(ipcDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(commandDir(ipcDir));
  } catch {
    return [];
  }
  return names.flatMap((name) => socketProcessId(name) ?? []).sort();
}

/**
 * Watches IPC_DIR/command for `{id}.ipc` files (inotify through fs.watch, no polling) and reports
 * each process id once when its socket file appears. A rescan on every change event catches files
 * created between the first listing and the watch.
 *
 * @example
 * const stop = watchCommandDir("/tmp/missionctl", (id) => ipc.connectToProcess(id));
 */
export function watchCommandDir(
  ipcDir: string,
  onFound: (id: string) => void,
  options: { exclude?: string[] } = {},
): () => void {
  const dir = ensureIpcDir(ipcDir);
  const known = new Set<string>(options.exclude ?? []);
  const found = (id: string | undefined) => {
    if (id === undefined || known.has(id)) return;
    known.add(id);
    onFound(id);
  };
  const scan = () => {
    for (const id of listProcessIds(ipcDir)) found(id);
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, { persistent: false }, (_event, name) => {
      if (name) found(socketProcessId(name.toString()));
      else scan();
    });
  } catch {
    // No inotify here: the first scan still finds what exists.
  }
  scan();
  return () => watcher?.close();
}

export { commandDir };

import { type FSWatcher, readdirSync, watch } from "node:fs";
import { basename } from "node:path";
import { isProcessId } from "./ids.ts";
import { commandDir, ensureIpcDir } from "./ipc-dir.ts";

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
  const scan = () => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) consider(name);
  };
  const consider = (name: string) => {
    if (!name.endsWith(".ipc")) return;
    const id = basename(name, ".ipc");
    if (!isProcessId(id) || known.has(id)) return;
    known.add(id);
    onFound(id);
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, { persistent: false }, (_event, name) => {
      if (name) consider(name.toString());
      else scan();
    });
  } catch {
    // No inotify here: the first scan still finds what exists.
  }
  scan();
  return () => watcher?.close();
}

export { commandDir };

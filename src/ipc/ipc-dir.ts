import { lstatSync, mkdirSync, type Stats } from "node:fs";
import { join } from "node:path";
import { IpcError } from "./errors.ts";

/** `IPC_DIR/command`, where every process binds `{id}.ipc`. */
export const commandDir = (ipcDir: string): string => join(ipcDir, "command");

/** What is wrong with a directory we are about to trust, or undefined when it is safe. */
function problemWith(path: string, st: Stats, uid: number | undefined): string | undefined {
  if (st.isSymbolicLink()) return "is a symbolic link; remove it (missionctl makes its own directory)";
  if (!st.isDirectory()) return "is not a directory; remove it or set MISSIONCTL_IPC_DIR elsewhere";
  if (uid !== undefined && st.uid !== uid) {
    return `belongs to uid ${st.uid}, not to you (uid ${uid}); remove it or set MISSIONCTL_IPC_DIR to a directory of your own`;
  }
  const loose = st.mode & 0o077;
  if (loose !== 0) {
    const mode = (st.mode & 0o777).toString(8).padStart(3, "0");
    return `has mode ${mode}, open to group or others; run \`chmod 700 ${path}\``;
  }
  return undefined;
}

/**
 * Makes sure `path` is a directory only we can enter: created 0700 when absent, otherwise a real
 * directory (not a symlink) owned by the current user with no group or other permission bits. A
 * directory that fails is refused, never chmod-ed: whoever owned or could write it may already
 * have planted a socket in it (docs/protocol.md; docs/security.md).
 *
 * @throws IpcError `UNSAFE_IPC_DIR` naming the directory, what is wrong and how to fix it.
 * @example
 * secureDir("/tmp/missionctl"); // creates it 0700, or checks the one that is there
 */
export function secureDir(path: string): void {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    try {
      mkdirSync(path, { mode: 0o700 });
    } catch (mkErr) {
      // Another process made it in between: check what is there now like any existing directory.
      if ((mkErr as NodeJS.ErrnoException).code !== "EEXIST") throw mkErr;
    }
    st = lstatSync(path);
  }
  const problem = problemWith(path, st, process.getuid?.());
  if (problem) {
    throw new IpcError("UNSAFE_IPC_DIR", `unsafe IPC directory ${path}: it ${problem}`, { path, problem });
  }
}

/**
 * Checks (or creates 0700) IPC_DIR and IPC_DIR/command before anything binds or connects there.
 * Parents of IPC_DIR are created 0700 when missing, but only the two directories are checked.
 *
 * @example
 * const dir = ensureIpcDir("/tmp/missionctl"); // "/tmp/missionctl/command"
 */
export function ensureIpcDir(ipcDir: string): string {
  try {
    lstatSync(ipcDir);
  } catch {
    mkdirSync(ipcDir, { recursive: true, mode: 0o700 });
  }
  secureDir(ipcDir);
  const dir = commandDir(ipcDir);
  secureDir(dir);
  return dir;
}

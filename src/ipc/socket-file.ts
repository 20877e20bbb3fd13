import { statSync, unlinkSync } from "node:fs";
import { connect } from "node:net";
import { IpcError } from "./errors.ts";

/** The file path of an `ipc://` address, or undefined for tcp and others. */
export const ipcPath = (address: string): string | undefined =>
  address.startsWith("ipc://") ? address.slice("ipc://".length) : undefined;

/**
 * Refuses to bind where a live process listens: libzmq's bind silently replaces an existing ipc
 * socket file, which would steal the address of a running bot or strategy with the same id. A file
 * nobody listens on (a process that died) is stale and may be replaced.
 */
export function assertIpcAddressFree(path: string, timeoutMs = 1000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path });
    const inUse = () =>
      reject(
        new IpcError("ADDRESS_IN_USE", `another live process is bound at ipc://${path} (same process id?)`, {
          path,
        }),
      );
    const timer = setTimeout(() => {
      socket.destroy();
      inUse();
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.destroy();
      inUse();
    });
    socket.once("error", () => {
      // ENOENT (no file) or ECONNREFUSED (stale file): free to bind.
      clearTimeout(timer);
      resolve();
    });
  });
}

/** The inode of the socket file we bound, so that closing removes ours and never a successor's. */
export function socketFileInode(path: string): number | undefined {
  try {
    return statSync(path).ino;
  } catch {
    return undefined;
  }
}

/** Removes the socket file if it is still the one we bound (libzmq may not get to it before exit). */
export function removeSocketFile(path: string, inode: number | undefined): void {
  if (inode === undefined || socketFileInode(path) !== inode) return;
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

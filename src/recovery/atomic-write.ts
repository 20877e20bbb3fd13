import { closeSync, fsyncSync, openSync, renameSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** Test seam: runs after the temporary file is durable and before the rename. */
export interface AtomicWriteOptions {
  afterTempWrite?: (tempPath: string) => void;
}

/**
 * Writes `data` to `path` so that a crash at any moment leaves either the old file or the new one,
 * whole: write a temporary file in the same folder, fsync it, rename it over `path`, then fsync the
 * folder so the rename itself survives a power loss.
 *
 * @example
 * atomicWriteFile("/srv/mm1/account.synced.json", text);
 */
export function atomicWriteFile(path: string, data: string | Buffer, options: AtomicWriteOptions = {}): void {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(temp, "w", 0o644);
  try {
    const buf = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  options.afterTempWrite?.(temp);
  renameSync(temp, path);
  const dfd = openSync(dir, "r");
  try {
    fsyncSync(dfd);
  } finally {
    closeSync(dfd);
  }
}

// Child process of atomic-write.test.ts: writes a file atomically and stops between the durable
// temporary file and the rename, announcing it on stdout so the parent can kill it right there.
import { atomicWriteFile } from "../../src/recovery/atomic-write.ts";

const [path, data] = process.argv.slice(2);
if (!path || data === undefined) throw new Error("usage: crash-writer PATH DATA");
atomicWriteFile(path, data, {
  afterTempWrite: (temp) => {
    process.stdout.write(`ready ${temp}\n`);
    // Block without a timer: the parent's SIGKILL is the only way out.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  },
});

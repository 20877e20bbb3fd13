/**
 * The Python side of the interop tests: Debian's interpreter with python3-zmq (the `python3` first on
 * PATH may lack zmq). `npm test`'s pretest step installs the package when it can; where it could
 * not, these tests skip loudly, and under CI (CI=true) they fail instead: a skip there would hide
 * that the interop was never checked.
 */
import { spawnSync } from "node:child_process";
import { describe, it } from "vitest";

export const PYTHON = "/usr/bin/python3";

const probe = spawnSync(PYTHON, ["-c", "import zmq"], { stdio: "ignore" });
export const hasPythonZmq = probe.status === 0;

const MISSING = `${PYTHON} with zmq is missing: run \`sudo apt-get update && sudo apt-get install -y python3-zmq\``;
const inCi = process.env.CI === "true" || process.env.CI === "1";

/**
 * `describe` for tests that need Python with pyzmq.
 *
 * @example
 * describePython("examples/python/minimal.py", () => { it("answers ping", async () => { ... }); });
 */
export function describePython(name: string, body: () => void): void {
  if (hasPythonZmq) {
    describe(name, body);
  } else if (inCi) {
    describe(name, () => {
      it("has Python with pyzmq (CI=true: a skip would be a failure)", () => {
        throw new Error(MISSING);
      });
    });
  } else {
    console.warn(`SKIPPED (Python interop): ${name}: ${MISSING}`);
    describe.skip(name, body);
  }
}

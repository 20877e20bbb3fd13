/**
 * The Python package's own tests (python/tests, standard-library unittest), run by `npm test`.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { describePython, PYTHON } from "../python.ts";

const pythonDir = fileURLToPath(new URL("../../python", import.meta.url));

describePython("python/tests (unittest)", () => {
  it("passes", () => {
    const run = spawnSync(PYTHON, ["-m", "unittest", "discover", "-s", "tests", "-t", "."], {
      cwd: pythonDir,
      encoding: "utf8",
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
      timeout: 120_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/\nOK/);
  }, 150_000);
});

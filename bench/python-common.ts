/**
 * Shared bits of the Python stages (python-idle-cpu, python-interrupt, python-rtt): which
 * interpreter and package they measure, whether they can run here, and Python children that are
 * always SIGKILLed (bench/common.ts tracks only the node children it spawns itself; run.ts calls
 * {@link cleanupPython} next to cleanupAll on every way out).
 *
 * The interpreter is Debian's /usr/bin/python3 with python3-zmq (as for the interop tests); the
 * package is python/missionctl of this checkout (BENCH_PYTHONPATH measures another copy instead).
 * PYTHONDONTWRITEBYTECODE keeps the runs from writing __pycache__ into the checkout.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const PYTHON = "/usr/bin/python3";
const root = fileURLToPath(new URL("..", import.meta.url));

/** The directory put on PYTHONPATH: the one holding the `missionctl` package. */
export const pythonPath = (): string => process.env.BENCH_PYTHONPATH || join(root, "python");

/** A bench-only Python file (bench/*.py) by name. */
export const benchPy = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

let why: string | null | undefined;

/**
 * Why the Python stages cannot run here (no interpreter, no zmq, no package), or null when they can.
 * Checked once; each stage skips with this line when it is not null.
 */
export function pythonUnavailable(): string | null {
  if (why !== undefined) return why;
  const probe = (code: string, env: Record<string, string> = {}) =>
    spawnSync(PYTHON, ["-c", code], { env: { ...process.env, ...env }, encoding: "utf8", timeout: 30_000 });
  if (!existsSync(PYTHON)) why = `${PYTHON} not found`;
  else if (probe("import zmq").status !== 0)
    why = `${PYTHON} has no zmq (apt-get install -y python3-zmq to run these stages)`;
  else {
    // The demo module is found, not imported: importing a `-m` entry point may run it.
    const code = `import importlib.util, missionctl\nif importlib.util.find_spec("missionctl.strategy") is None: raise SystemExit("no module missionctl.strategy")`;
    const pkg = probe(code, {
      PYTHONPATH: pythonPath(),
      PYTHONDONTWRITEBYTECODE: "1",
    });
    why =
      pkg.status === 0
        ? null
        : `the missionctl Python package does not import from ${pythonPath()}: ${pkg.stderr.trim().split("\n").at(-1) ?? ""}`;
  }
  return why;
}

export interface PyChild {
  proc: ChildProcess;
  pid: number;
  /** The last few KB of stderr, for failure messages. */
  stderr(): string;
  exited(): boolean;
  exit: Promise<number | null>;
}

const children = new Set<PyChild>();

/**
 * `/usr/bin/python3 [args]` as a tracked child, with the package on PYTHONPATH. stdout is discarded
 * (the strategy logs JSON lines there), stderr kept for diagnostics.
 */
export function spawnPython(args: string[], env: Record<string, string>): PyChild {
  const proc = spawn(PYTHON, args, {
    env: { ...process.env, PYTHONPATH: pythonPath(), PYTHONDONTWRITEBYTECODE: "1", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  proc.stderr?.on("data", (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  const exit = new Promise<number | null>((resolve) => {
    proc.once("exit", (code) => resolve(code));
    // A child that could not start: no "exit" follows, and an unhandled "error" would end the bench.
    proc.once("error", (e) => {
      err += String(e);
      resolve(null);
    });
  });
  const child: PyChild = {
    proc,
    pid: proc.pid ?? -1,
    stderr: () => err,
    exited: () => proc.exitCode !== null || proc.signalCode !== null,
    exit,
  };
  children.add(child);
  void exit.then(() => children.delete(child));
  return child;
}

/** SIGKILLs one Python child and waits for it to be gone. */
export async function killPython(child: PyChild): Promise<void> {
  if (child.exited()) return;
  child.proc.kill("SIGKILL");
  await child.exit;
}

/** SIGKILLs every Python child still alive. Synchronous: safe in exit handlers. */
export function cleanupPython(): void {
  for (const c of children) if (!c.exited()) c.proc.kill("SIGKILL");
}

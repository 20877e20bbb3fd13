/**
 * `missionctl keys new NAME [--dir D]` (README.md, Command line): a CURVE key pair for the proxy or
 * a client, in the certificate format pyzmq's `zmq.auth` and CZMQ read.
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { commandPreamble, parseOptions } from "../cli-preamble.ts";
import { UsageError } from "../errors.ts";
import { CertError, writeCertificatePair } from "../proxy/certs.ts";

export const KEYS_USAGE = `Usage: missionctl keys new NAME [--dir D]

Writes a new CURVE key pair in the ZeroMQ certificate format (pyzmq's zmq.auth, CZMQ):
D/NAME.key, the public certificate (copy it into the proxy's allow directory, or give the proxy's
to its clients), and D/NAME.key_secret, the secret one, mode 0600 (it stays where it was made).
Prints the two paths and the public key. Never overwrites: if either file exists, nothing is written.

  NAME     letters, digits, _ and -, at most 64
  --dir D  the directory to write in, created (0700) if missing (default the working directory)

Exit codes: 0 written; 2 bad usage or a file that exists.`;

/** The parsed command line. */
export interface KeysArgs {
  name: string;
  dir: string;
}

/**
 * Parses `new NAME [--dir D]`; "help" for --help. Throws {@link UsageError} on anything else.
 *
 * @example
 * parseKeysArgs(["new", "mm1", "--dir", "keys"]); // { name: "mm1", dir: "keys" }
 */
export function parseKeysArgs(args: string[]): KeysArgs | "help" {
  const parsed = parseOptions(args, { dir: { type: "string" } });
  if (parsed === "help") return "help";
  const [verb, name, ...extra] = parsed.positionals;
  if (verb !== "new")
    throw new UsageError(verb === undefined ? "missing new" : `unknown keys command ${JSON.stringify(verb)}`);
  if (name === undefined) throw new UsageError("missing NAME");
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
    throw new UsageError(`invalid NAME ${JSON.stringify(name)}: letters, digits, _ and -, at most 64`);
  }
  return { name, dir: parsed.values.dir ?? "." };
}

/**
 * `missionctl keys`: resolves to the exit code.
 *
 * @example
 * process.exitCode = await runKeysCommand(["new", "proxy", "--dir", "/etc/missionctl"]);
 */
export async function runKeysCommand(args: string[]): Promise<number> {
  const start = commandPreamble("keys", KEYS_USAGE, args, parseKeysArgs);
  if (typeof start === "number") return start;
  const { name, dir } = start.args;
  try {
    // 0700: the secret file's directory should not be open to others either.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { publicFile, secretFile, publicKey } = writeCertificatePair(dir, name);
    console.log(`public certificate: ${resolve(publicFile)}`);
    console.log(`secret certificate: ${resolve(secretFile)} (mode 0600)`);
    console.log(`public key: ${publicKey}`);
    return 0;
  } catch (err) {
    // An existing file (checked, or lost to a race on O_EXCL) or a directory we cannot write in.
    const code = (err as { code?: string }).code ?? "";
    if (!(err instanceof CertError) && !["EEXIST", "ENOTDIR", "EACCES", "EROFS"].includes(code)) throw err;
    console.error(`missionctl keys: ${(err as Error).message}`);
    return 2;
  }
}

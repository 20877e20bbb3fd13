/**
 * CURVE certificates as files, in the format pyzmq's `zmq.auth` and CZMQ write and read:
 * `{name}.key` holds the public key, `{name}.key_secret` the public and secret keys (Z85, 40
 * characters each) under a `curve` section. A Python peer loads ours with
 * `zmq.auth.load_certificate`, and we load theirs.
 */
import {
  closeSync,
  constants,
  existsSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { curveKeyPair } from "zeromq";
import { MissionctlError } from "../errors.ts";

export type CertErrorCode = "BAD_CERT" | "CERT_EXISTS" | "CERT_UNSAFE";

/** A certificate that cannot be read or trusted, or one that would be overwritten. */
export class CertError extends MissionctlError<CertErrorCode> {
  override name = "CertError";
}

/** A loaded certificate: the public key, and the secret key when the file holds one. */
export interface Certificate {
  publicKey: string;
  secretKey?: string;
}

const Z85_KEY = /^[0-9a-zA-Z.\-:+=^!/*?&<>()[\]{}@%$#]{40}$/;

/** Reads `key = "value"` lines as pyzmq does: comments skipped, quotes and blanks trimmed. */
function keyLine(text: string, key: string): string | undefined {
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("#") || !line.startsWith(key)) continue;
    const value = line
      .slice(line.indexOf("=") + 1)
      .trim()
      .replace(/^["']|["']$/g, "");
    return value;
  }
  return undefined;
}

/**
 * Loads a certificate file. A file with a secret key must be the user's own and closed to group
 * and others (mode 0600), or it is refused: a readable secret is a leaked one.
 *
 * @throws CertError `BAD_CERT` (missing, unreadable, no valid public key), `CERT_UNSAFE`.
 * @example
 * const { publicKey, secretKey } = readCertificate("/etc/missionctl/keys/bot.key_secret");
 */
export function readCertificate(path: string): Certificate {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new CertError("BAD_CERT", `certificate ${path} cannot be read: ${(err as Error).message}`, {
      path,
    });
  }
  const publicKey = keyLine(text, "public-key");
  if (!publicKey || !Z85_KEY.test(publicKey)) {
    throw new CertError("BAD_CERT", `certificate ${path} has no valid public-key (40 Z85 characters)`, {
      path,
    });
  }
  const secretKey = keyLine(text, "secret-key");
  if (secretKey === undefined) return { publicKey };
  if (!Z85_KEY.test(secretKey)) {
    throw new CertError("BAD_CERT", `certificate ${path} has an invalid secret-key`, { path });
  }
  const st = lstatSync(path);
  const uid = process.getuid?.();
  if ((st.mode & 0o077) !== 0 || (uid !== undefined && st.uid !== uid)) {
    const mode = (st.mode & 0o777).toString(8);
    throw new CertError(
      "CERT_UNSAFE",
      `secret certificate ${path} has mode ${mode}${uid !== undefined && st.uid !== uid ? ` and belongs to uid ${st.uid}` : ""}: it must be yours and 0600 (chmod 600 ${path})`,
      { path },
    );
  }
  return { publicKey, secretKey };
}

/**
 * Reads a certificate that must hold a secret key (this process's own, MISSIONCTL_CERT).
 *
 * @example
 * const own = readSecretCertificate(config.MISSIONCTL_CERT);
 */
export function readSecretCertificate(path: string): Required<Certificate> {
  const cert = readCertificate(path);
  if (!cert.secretKey) {
    throw new CertError("BAD_CERT", `${path} holds no secret-key: give the *.key_secret file`, { path });
  }
  return { publicKey: cert.publicKey, secretKey: cert.secretKey };
}

/**
 * The public keys of every `*.key` file in `dir` (the proxy's allow list), with the file each came
 * from. A file that is not a valid certificate is reported in `problems`, not admitted.
 *
 * @example
 * const { keys } = readAllowDir("/etc/missionctl/allow"); keys.has(clientKey);
 */
export function readAllowDir(dir: string): { keys: Map<string, string>; problems: string[] } {
  const keys = new Map<string, string>();
  const problems: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith(".key")) continue;
    try {
      keys.set(readCertificate(join(dir, name)).publicKey, name);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  return { keys, problems };
}

const banner = (kind: "Public" | "**Secret**") =>
  kind === "Public"
    ? `#   ****  Generated on ${new Date().toISOString()} by missionctl  ****
#   ZeroMQ CURVE Public Certificate
#   Exchange securely, or use a secure mechanism to verify the contents
#   of this file after exchange. Store public certificates in your home
#   directory, in the .curve subdirectory.

`
    : `#   ****  Generated on ${new Date().toISOString()} by missionctl  ****
#   ZeroMQ CURVE **Secret** Certificate
#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions.

`;

/** Creates `path` with `text` and `mode`, failing if it exists (O_EXCL: no race, no overwrite). */
function createExclusive(path: string, text: string, mode: number): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a new key pair as `{dir}/{name}.key` and `{dir}/{name}.key_secret` (0600). Never
 * overwrites: if either exists, nothing is written.
 *
 * @throws CertError `CERT_EXISTS`, `BAD_CERT` (a bad name).
 * @example
 * const { publicFile, secretFile } = writeCertificatePair("keys", "bot");
 */
export function writeCertificatePair(
  dir: string,
  name: string,
): { publicFile: string; secretFile: string; publicKey: string } {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
    throw new CertError(
      "BAD_CERT",
      `invalid certificate name ${JSON.stringify(name)}: letters, digits, _ and -`,
      { name },
    );
  }
  const publicFile = join(dir, `${name}.key`);
  const secretFile = join(dir, `${name}.key_secret`);
  for (const f of [publicFile, secretFile]) {
    if (existsSync(f)) throw new CertError("CERT_EXISTS", `${f} exists; not overwriting it`, { path: f });
  }
  const { publicKey, secretKey } = curveKeyPair();
  createExclusive(
    secretFile,
    `${banner("**Secret**")}metadata\ncurve\n    public-key = "${publicKey}"\n    secret-key = "${secretKey}"\n`,
    0o600,
  );
  createExclusive(publicFile, `${banner("Public")}metadata\ncurve\n    public-key = "${publicKey}"\n`, 0o644);
  return { publicFile, secretFile, publicKey };
}

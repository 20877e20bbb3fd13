/**
 * `missionctl keys new`: the ZeroMQ certificate format pyzmq's `zmq.auth` writes and reads, a 0600
 * secret file, never an overwrite; and certificates written by pyzmq load here.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CertError, readCertificate, readSecretCertificate } from "../../src/proxy/certs.ts";
import { lines, runCli } from "../cli/run-cli.ts";
import { describePython, PYTHON } from "../python.ts";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mctl-keys-"));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;

describe("missionctl keys new", () => {
  it("writes NAME.key and NAME.key_secret (0600), and prints both paths and the public key", async () => {
    const result = await runCli(["keys", "new", "mm1", "--dir", dir]);
    expect(result.code, result.stderr).toBe(0);
    const pub = join(dir, "mm1.key");
    const secret = join(dir, "mm1.key_secret");
    expect(mode(secret)).toBe(0o600);
    const { publicKey, secretKey } = readSecretCertificate(secret);
    expect(readCertificate(pub)).toEqual({ publicKey });
    expect(secretKey).toHaveLength(40);
    expect(lines(result.stdout)).toEqual([
      `public certificate: ${pub}`,
      `secret certificate: ${secret} (mode 0600)`,
      `public key: ${publicKey}`,
    ]);
    expect(readFileSync(pub, "utf8")).not.toContain("secret-key");
    expect(readFileSync(secret, "utf8")).toMatch(
      /^curve\n {4}public-key = ".{40}"\n {4}secret-key = ".{40}"\n$/m,
    );
  });

  it("never overwrites: a second run is refused with exit 2 and the files stay as they were", async () => {
    expect((await runCli(["keys", "new", "mm1", "--dir", dir])).code).toBe(0);
    const before = readFileSync(join(dir, "mm1.key_secret"), "utf8");
    const again = await runCli(["keys", "new", "mm1", "--dir", dir]);
    expect(again.code).toBe(2);
    expect(lines(again.stderr)).toEqual([
      expect.stringMatching(/^missionctl keys: .*mm1\.key exists; not overwriting it$/),
    ]);
    expect(readFileSync(join(dir, "mm1.key_secret"), "utf8")).toBe(before);
    // Only the secret file left over (say, the public one was moved away): still nothing is written.
    rmSync(join(dir, "mm1.key"));
    expect((await runCli(["keys", "new", "mm1", "--dir", dir])).code).toBe(2);
    expect(readFileSync(join(dir, "mm1.key_secret"), "utf8")).toBe(before);
  });

  it.each([
    [["keys"], "missing new"],
    [["keys", "new"], "missing NAME"],
    [["keys", "old", "x"], 'unknown keys command "old"'],
    [["keys", "new", "a.b"], 'invalid NAME "a.b"'],
    [["keys", "new", "a", "b"], 'unexpected argument "b"'],
  ])("bad usage %j: exit 2 with the usage", async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`missionctl keys: ${message}`);
    expect(result.stderr).toContain("Usage: missionctl keys new NAME [--dir D]");
  });
});

describePython("certificates and pyzmq's zmq.auth", () => {
  const py = (code: string) => {
    const r = spawnSync(PYTHON, ["-c", code], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
    return r.stdout.trim();
  };

  it("pyzmq's zmq.auth.load_certificate loads the files `keys new` writes", async () => {
    expect((await runCli(["keys", "new", "bot", "--dir", dir])).code).toBe(0);
    const ours = readSecretCertificate(join(dir, "bot.key_secret"));
    const load = (file: string) =>
      py(
        `import zmq.auth; p, s = zmq.auth.load_certificate(${JSON.stringify(join(dir, file))}); print(p.decode(), s.decode() if s else "-")`,
      );
    expect(load("bot.key_secret")).toBe(`${ours.publicKey} ${ours.secretKey}`);
    expect(load("bot.key")).toBe(`${ours.publicKey} -`);
  });

  it("readCertificate loads pyzmq's create_certificates files; the secret one only once it is 0600", () => {
    const out = py(
      `import os, zmq.auth; os.umask(0o022); p, s = zmq.auth.create_certificates(${JSON.stringify(dir)}, "py", metadata={"name": "py"}); ` +
        `pk, sk = zmq.auth.load_certificate(s); print(pk.decode(), sk.decode())`,
    );
    const [publicKey, secretKey] = out.split(" ");
    expect(readCertificate(join(dir, "py.key"))).toEqual({ publicKey });
    // pyzmq leaves the secret file to the umask (0644 here): readable by others, so refused.
    const secretFile = join(dir, "py.key_secret");
    expect(mode(secretFile)).toBe(0o644);
    expect(() => readSecretCertificate(secretFile)).toThrow(
      expect.objectContaining({
        code: "CERT_UNSAFE",
        message: expect.stringContaining(`chmod 600 ${secretFile}`),
      }),
    );
    expect(() => readSecretCertificate(secretFile)).toThrow(CertError);
    chmodSync(secretFile, 0o600);
    expect(readSecretCertificate(secretFile)).toEqual({ publicKey, secretKey });
  });
});

/**
 * Test hosts as Linux network namespaces: a hub with a bridge, and hosts linked to it by veth
 * pairs, on a private /24 that exists only inside the namespaces. Needs root (`ip netns add`);
 * {@link netnsAvailable} says whether this machine allows it.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";

/** True when this process may create network namespaces (root, iproute2 present). */
export function netnsAvailable(): boolean {
  const probe = `mctl-probe-${randomBytes(3).toString("hex")}`;
  try {
    execFileSync("ip", ["netns", "add", probe], { stdio: "ignore" });
    execFileSync("ip", ["netns", "del", probe], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const ip = (...args: string[]) => execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });

export interface Host {
  name: string;
  /** The namespace's name, for `ip netns exec`. */
  ns: string;
  address: string;
  /** The hub-side end of its link (the hub has none). */
  link?: string;
}

/** A started process inside a host, its output captured. */
export interface HostProcess {
  proc: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

/**
 * Builds `hub` + the named hosts. Call `destroy()` in afterAll: it kills what was started and
 * deletes every namespace (and with them the veths), even after a failed test.
 *
 * @example
 * const net = createNetwork(["b", "c"]);
 * net.run(net.hosts.b, ["node", "x.js"]);
 * net.cut("b"); net.restore("b");
 * net.destroy();
 */
export function createNetwork(names: string[]) {
  const tag = randomBytes(3).toString("hex");
  const subnet = `10.${100 + ((randomBytes(1)[0] as number) % 100)}.${randomBytes(1)[0]}`;
  const hub: Host = { name: "hub", ns: `mctl-${tag}-hub`, address: `${subnet}.1` };
  const hosts: Record<string, Host> = { hub };
  const started: HostProcess[] = [];
  const made: string[] = [];
  const destroy = () => {
    for (const p of started)
      if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill("SIGKILL");
    for (const ns of made.reverse()) {
      try {
        ip("netns", "del", ns);
      } catch {
        // already gone
      }
    }
  };
  try {
    ip("netns", "add", hub.ns);
    made.push(hub.ns);
    ip("-n", hub.ns, "link", "set", "lo", "up");
    ip("-n", hub.ns, "link", "add", "br0", "type", "bridge");
    ip("-n", hub.ns, "addr", "add", `${hub.address}/24`, "dev", "br0");
    ip("-n", hub.ns, "link", "set", "br0", "up");
    for (const [i, name] of names.entries()) {
      const host: Host = { name, ns: `mctl-${tag}-${name}`, address: `${subnet}.${i + 2}`, link: `v${name}` };
      ip("netns", "add", host.ns);
      made.push(host.ns);
      ip("-n", host.ns, "link", "set", "lo", "up");
      ip(
        "-n",
        hub.ns,
        "link",
        "add",
        host.link as string,
        "type",
        "veth",
        "peer",
        "name",
        "eth0",
        "netns",
        host.ns,
      );
      ip("-n", hub.ns, "link", "set", host.link as string, "master", "br0", "up");
      ip("-n", host.ns, "addr", "add", `${host.address}/24`, "dev", "eth0");
      ip("-n", host.ns, "link", "set", "eth0", "up");
      hosts[name] = host;
    }
  } catch (err) {
    destroy();
    throw err;
  }
  const setLink = (name: string, state: "up" | "down") => {
    const link = hosts[name]?.link;
    if (!link) throw new Error(`no link for host ${name}`);
    ip("-n", hub.ns, "link", "set", link, state);
  };
  return {
    hosts,
    /** Starts `command` inside `host` with `env` on top of this process's environment. */
    run(host: Host, command: string[], env: Record<string, string> = {}): HostProcess {
      const proc = spawn("ip", ["netns", "exec", host.ns, ...command], {
        env: { ...process.env, ...env },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let out = "";
      proc.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
      });
      proc.stderr?.on("data", (d: Buffer) => {
        out += d.toString();
      });
      const exit = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
      const handle = { proc, output: () => out, exit };
      started.push(handle);
      return handle;
    },
    /** The host's link to the hub goes down with no FIN: packets just stop. */
    cut: (name: string) => setLink(name, "down"),
    restore: (name: string) => setLink(name, "up"),
    destroy,
  };
}

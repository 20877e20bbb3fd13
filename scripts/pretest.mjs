#!/usr/bin/env node
// `npm test`'s pretest: makes sure of what the tests need that npm cannot install. The Python
// interop tests need Debian's /usr/bin/python3 with python3-zmq; as root (these machines, CI) it is
// installed here with a visible line, otherwise one line says the exact command and those tests skip.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const PYTHON = "/usr/bin/python3";
const hasZmq = () => spawnSync(PYTHON, ["-c", "import zmq"], { stdio: "ignore" }).status === 0;
const COMMAND = "apt-get update && apt-get install -y python3-zmq";

if (!hasZmq()) {
  const root = process.getuid?.() === 0;
  if (root && existsSync("/usr/bin/apt-get")) {
    console.log(`pretest: installing python3-zmq for the Python interop tests (${COMMAND})`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const run = (args) => spawnSync("apt-get", args, { stdio: ["ignore", "inherit", "inherit"], env }).status;
    const ok = run(["update"]) === 0 && run(["install", "-y", "python3-zmq"]) === 0 && hasZmq();
    console.log(
      ok
        ? "pretest: python3-zmq installed"
        : "pretest: could not install python3-zmq; the Python tests will say so",
    );
  } else {
    console.log(
      `pretest: ${PYTHON} has no zmq; the Python interop tests will skip. To run them: sudo ${COMMAND.replace("&& ", "&& sudo ")}`,
    );
  }
}

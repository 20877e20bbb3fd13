/**
 * The TypeScript and Python packages read the same `.env` the same way: one table of lines, both
 * parsers, equal results (src/dotenv.ts, python/missionctl/config.py parse_dotenv).
 */
import { execFileSync } from "node:child_process";
import { expect, it } from "vitest";
import { parseDotenv } from "../../src/dotenv.ts";
import { describePython, PYTHON } from "../python.ts";
import { PYTHON_PATH } from "./python-child.ts";

const LINES = [
  "A=1",
  "A=x#y",
  "A=x #y",
  "A=`ti ck`",
  'A="unclosed',
  "A='unclosed",
  "A='a#b'",
  'A="a\\nb"',
  "A='a\\nb'",
  "A=  spaced value  ",
  'A="q" trailing',
  "A=",
  'A=""',
  "A=a=b",
  "A= #c",
  'A="x"#c',
  "export A=exported",
  "# A=comment",
  "not an assignment",
  "=x",
  "A B=c",
];

describePython(".env: the TypeScript and Python readers agree", () => {
  it("gives the same variables for every line of the table, and for the table as one file", () => {
    const script = `import json, sys\nfrom missionctl.config import parse_dotenv\nprint(json.dumps([parse_dotenv(t) for t in json.load(sys.stdin)]))`;
    const texts = [...LINES, LINES.join("\n")];
    const out = execFileSync(PYTHON, ["-c", script], {
      input: JSON.stringify(texts),
      env: { ...process.env, PYTHONPATH: PYTHON_PATH },
    });
    const python = JSON.parse(out.toString()) as Record<string, string>[];
    texts.forEach((text, i) => {
      expect(python[i], JSON.stringify(text)).toEqual(parseDotenv(text));
    });
  });
});

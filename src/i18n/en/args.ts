/**
 * English: what is wrong with a command's arguments, shown under its usage line. The schemas
 * raise these by key (src/i18n/arg-issue.ts), so each user reads them in their own language.
 */
import { quote } from "../format.ts";

/**
 * Argument problems, by key.
 *
 * @example
 * args.notATarget({ input: "mm 1" }); // '"mm 1" is not a target: use a process id, * or prefix* (e.g. mm*)'
 */
export const args = {
  notATarget: (p: { input: string }) =>
    `${quote(p.input)} is not a target: use a process id, * or prefix* (e.g. mm*)`,
  notACommandType: (p: { input: string }) =>
    `${quote(p.input)} is not a command type (lower case, a-z 0-9 _, e.g. status)`,
  unknownOption: (p: { name: string }) => `unknown option --${p.name}`,
  takesNoValue: (p: { name: string }) => `--${p.name} takes no value`,
  needsValue: (p: { name: string }) => `--${p.name} needs a value`,
  missing: (p: { names: string }) => `missing ${p.names}`,
  tooMany: (p: { extra: readonly string[] }) => `too many arguments: ${p.extra.join(" ")}`,
  notACount: (p: { input: string }) => `${quote(p.input)} is not a count`,
  countRange: (p: { max: number }) => `the count is 1 to ${p.max}`,
  notADuration: (p: { input: string }) => `${quote(p.input)} is not a duration: use e.g. 30m, 2h, 1d`,
  muteTooLong: (p: { max: string }) => `a mute lasts at most ${p.max}`,
  missingTargetDuration: "missing <target> or <duration>",
  missingTargetType: "missing <target> or <command_type>",
  payloadNotJson: (p: { json: string }) => `the payload is not valid JSON: ${p.json}`,
  payloadNotObject: 'the payload must be a JSON object, like {"level": 2}',
  noReplies: "replies cannot be sent",
  oneProcess: "give exactly one <process>",
  notAProcessId: "a process id: letters, digits, _ and -",
};

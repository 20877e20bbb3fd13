/**
 * 中文：what is wrong with a command's arguments, shown under its usage line. Option names and
 * syntax words (`<target>`, `30m`) stay as the user types them.
 */
import type { Catalog } from "../catalog.ts";
import { quote } from "../format.ts";

/**
 * Argument problems, by key.
 *
 * @example
 * args.notATarget({ input: "mm 1" }); // '"mm 1" 不是有效的目标：请使用进程 id、* 或 prefix*（例如 mm*）'
 */
export const args: Catalog["args"] = {
  notATarget: (p) => `${quote(p.input)} 不是有效的目标：请使用进程 id、* 或 prefix*（例如 mm*）`,
  notACommandType: (p) => `${quote(p.input)} 不是命令类型（小写，a-z 0-9 _，例如 status）`,
  unknownOption: (p) => `未知选项 --${p.name}`,
  takesNoValue: (p) => `--${p.name} 不接受值`,
  needsValue: (p) => `--${p.name} 需要一个值`,
  missing: (p) => `缺少 ${p.names}`,
  tooMany: (p) => `参数过多：${p.extra.join(" ")}`,
  notACount: (p) => `${quote(p.input)} 不是数量`,
  countRange: (p) => `数量应在 1 到 ${p.max} 之间`,
  notADuration: (p) => `${quote(p.input)} 不是时长：请使用例如 30m、2h、1d`,
  muteTooLong: (p) => `静音最长 ${p.max}`,
  missingTargetDuration: "缺少 <target> 或 <duration>",
  missingTargetType: "缺少 <target> 或 <command_type>",
  payloadNotJson: (p) => `参数不是有效的 JSON：${p.json}`,
  payloadNotObject: '参数必须是 JSON 对象，例如 {"level": 2}',
  noReplies: "不能发送 reply",
  oneProcess: "只能指定一个 <process>",
  notAProcessId: "进程 id 只能包含字母、数字、_ 和 -",
};

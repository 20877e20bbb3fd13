/**
 * Small Chinese words several parts of the zh catalog share: durations (one rounding rule with
 * English, other units) and role names (the English word stays beside them: it is the config's).
 */
import { type DurationUnits, formatDurationIn } from "../../duration.ts";

const UNITS: DurationUnits = { ms: " 毫秒", s: " 秒", min: " 分钟", h: " 小时", d: " 天" };

/**
 * A duration in Chinese units.
 *
 * @example
 * dur(125 * 60_000); // "2 小时 5 分钟"
 */
export const dur = (ms: number): string => formatDurationIn(ms, UNITS);

const ROLES: Record<string, string> = { operator: "操作员", viewer: "观察员" };

/**
 * A role as `操作员（operator）`: the Chinese word, and the one MISSIONCTL_OPERATORS is named after.
 *
 * @example
 * role("viewer"); // "观察员（viewer）"
 */
export const role = (r: string): string => (ROLES[r] ? `${ROLES[r]}（${r}）` : r);

import { describe, expect, it } from "vitest";
import { en } from "../../src/i18n/en/index.ts";
import { catalog, LANGS, langOf, localized } from "../../src/i18n/index.ts";
import { zh } from "../../src/i18n/zh/index.ts";
import { at, catalogMismatches, leaves, type Tree } from "./check.ts";
import { SAMPLES } from "./samples.ts";

const samplesOf = (path: string) => at(SAMPLES as Tree, path) as readonly object[] | undefined;

/** Every rendering of every message of `c`: texts as they are, functions on each sample. */
function renderings(c: Tree): Map<string, string[]> {
  return new Map(
    leaves(c).map(({ path, value }) => [
      path,
      typeof value === "function"
        ? (samplesOf(path) ?? []).map((s) => (value as (p: object) => string)(s))
        : [value as string],
    ]),
  );
}

/** Words that must read the same in every language: commands, flags, settings, ids, targets. */
const VERBATIM = /\/[a-z][a-z0-9_]*|--[a-z][a-z-]*|MISSIONCTL_[A-Z_]+|\b(?:mm|p|te)\d*\*|\b(?:mm|te)\d+\b/g;
const ALERT_WORDS = ["crashed", "disconnected", "silent"] as const;
const words = (text: string, list: readonly string[]) =>
  list.filter((w) => new RegExp(`\\b${w}\\b`).test(text));

describe("the catalogs", () => {
  it("zh has exactly the keys of en, and each message reads the same placeholders on every sample", () => {
    expect(catalogMismatches(en, zh, samplesOf)).toEqual([]);
    expect(LANGS.map((l) => catalog(l))).toEqual([en, zh]);
  });

  it("the check fails when a language forgets a placeholder, drops a key or adds one", () => {
    const forgot = {
      ...zh,
      bot: {
        ...zh.bot,
        notAuthorized: () => "无权限。",
        track: {
          ...zh.bot.track,
          timeout: (p: { acceptedFirst: boolean }) => (p.acceptedFirst ? "已接受" : "超时"),
        },
      },
    };
    expect(catalogMismatches(en, forgot, samplesOf)).toEqual([
      "bot.notAuthorized: reads {}, the reference {userId}",
      "bot.track.timeout: reads {acceptedFirst}, the reference {acceptedFirst, timeoutMs}",
      "bot.track.timeout: reads {acceptedFirst}, the reference {acceptedFirst, timeoutMs}",
    ]);
    const { forwarded: _, ...rest } = zh.bot;
    expect(catalogMismatches(en, { ...zh, bot: rest }, samplesOf)).toEqual(["bot.forwarded: missing"]);
    expect(catalogMismatches(en, { ...zh, extra: { word: "多余" } }, samplesOf)).toEqual([
      "extra.word: not in the reference",
    ]);
    const swapped = { ...zh, views: { ...zh.views, history: { ...zh.views.history, more: "另有若干" } } };
    expect(catalogMismatches(en, swapped, samplesOf)).toEqual([
      "views.history.more: a function in the reference, a string here",
    ]);
  });

  it("every text is translated (the few that are only names and arrows aside)", () => {
    const same = new Set(["bot.track.header", "bot.track.pending", "bot.sync.summary"]);
    const english = renderings(en);
    const chinese = renderings(zh);
    const untranslated = [...english].filter(
      ([path, texts]) => !same.has(path) && texts.every((t, i) => t === chinese.get(path)?.[i]),
    );
    expect(untranslated.map(([path]) => path)).toEqual([]);
  });

  it("keeps commands, flags, settings, ids and targets as they are in Chinese", () => {
    const chinese = renderings(zh);
    const lost: string[] = [];
    for (const [path, texts] of renderings(en)) {
      for (const [i, text] of texts.entries()) {
        const zhText = chinese.get(path)?.[i] ?? "";
        for (const word of text.match(VERBATIM) ?? [])
          if (!zhText.includes(word)) lost.push(`${path}: ${word}`);
      }
    }
    expect(lost).toEqual([]);
  });

  it("Chinese alerts carry their English alert word and the process id; info lines carry none", () => {
    const m = zh.monitor;
    for (const kind of ALERT_WORDS) {
      for (const sample of SAMPLES.monitor.alert[kind]) {
        const text = m.alert[kind](sample);
        expect(words(text, ALERT_WORDS), text).toEqual([kind]);
        expect(text).toContain(sample.id);
      }
    }
    for (const sample of SAMPLES.monitor.flapping)
      expect(words(m.flapping(sample), ALERT_WORDS)).toEqual([sample.kind]);
    const resolved = m.resolved({ id: "mm1", how: m.detail.heartbeatsBack });
    expect(resolved).toMatch(/^🟢 mm1 resolved（/);
    expect(words(resolved, ALERT_WORDS)).toEqual([]);
    for (const [name, fn] of Object.entries(m.info)) {
      const samples = samplesOf(`monitor.info.${name}`) ?? [];
      for (const sample of samples) {
        const text = (fn as (p: object) => string)(sample);
        expect(words(text, [...ALERT_WORDS, "resolved"]), text).toEqual([]);
      }
    }
  });
});

describe("langOf", () => {
  it("takes Chinese for every zh tag, English for en ones, and the fallback for the rest", () => {
    for (const code of ["zh", "zh-hans", "zh-Hant", "zh-TW", "ZH_cn"]) expect(langOf(code, "en")).toBe("zh");
    for (const code of ["en", "en-GB"]) expect(langOf(code, "zh")).toBe("en");
    for (const code of [undefined, "", "de", "ja", "zhx"]) {
      expect(langOf(code, "en")).toBe("en");
      expect(langOf(code, "zh")).toBe("zh");
    }
  });
});

describe("localized", () => {
  it("gives one catalog text in every language", () => {
    expect(localized((t) => t.help.exit)).toEqual({ en: en.help.exit, zh: zh.help.exit });
  });
});

describe("Chinese durations", () => {
  it("round by the English rule, with Chinese units", () => {
    const durations = [3, 812, 15_000, 120_000, 125 * 60_000, 52 * 3_600_000];
    expect(durations.map((ms) => zh.bot.track.timeout({ acceptedFirst: false, timeoutMs: ms }))).toEqual([
      "3 毫秒内没有回复",
      "0.8 秒内没有回复",
      "15 秒内没有回复",
      "2 分钟内没有回复",
      "2 小时 5 分钟内没有回复",
      "2 天 4 小时内没有回复",
    ]);
  });
});

/** Reads Prometheus text exposition over real HTTP, for the metrics tests. */

/** One sample: its labels and value. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** The samples of one scrape, by metric name. */
export class Scrape {
  readonly #samples = new Map<string, Sample[]>();

  constructor(readonly text: string) {
    for (const line of text.split("\n")) {
      const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
      if (!m) continue;
      const labels: Record<string, string> = {};
      for (const l of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
        labels[l[1] as string] = l[2] as string;
      const name = m[1] as string;
      const list = this.#samples.get(name) ?? [];
      list.push({ labels, value: Number(m[3]) });
      this.#samples.set(name, list);
    }
  }

  /** Every sample of `name`. */
  series(name: string): Sample[] {
    return this.#samples.get(name) ?? [];
  }

  /** The value of the one sample of `name` whose labels include `labels`; undefined if none. */
  value(name: string, labels: Record<string, string> = {}): number | undefined {
    const hits = this.series(name).filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    if (hits.length > 1) throw new Error(`${hits.length} samples of ${name} match ${JSON.stringify(labels)}`);
    return hits[0]?.value;
  }

  /** The distinct values of one label across the samples of `name`, sorted. */
  labelValues(name: string, label: string): string[] {
    return [...new Set(this.series(name).map((s) => s.labels[label] ?? ""))].sort();
  }
}

/** GETs `${url}/metrics` and parses it; throws on any status but 200. */
export async function scrape(url: string): Promise<Scrape> {
  const res = await fetch(`${url}/metrics`);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${text}`);
  return new Scrape(text);
}

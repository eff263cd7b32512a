/**
 * A probe's metrics and their two text forms (Prometheus 0.0.4 and OpenMetrics 1.0), written straight to
 * strings: at 512 CPUs the exposition holds ~27k series, and prom-client's registry (hashing label objects,
 * then rendering) cost more than reading the host. The output is byte-for-byte what prom-client renders for
 * the same metrics — test/render/metric-set.test.ts renders every fixture both ways and compares.
 */
export type MetricType = 'gauge' | 'counter';

/** Past this many samples in one exposition, the rest are dropped and counted: garbage cannot grow it without bound. */
export const MAX_SAMPLES = 250_000;

const escapeText = (s: string) => (/[\\\n]/.test(s) ? s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n') : s);

/** A label value as the exposition needs it: backslash, newline and double quote escaped. */
export const escapeLabel = (s: string) => (/[\\\n"]/.test(s) ? s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"') : s);

/** `{a="x",b="y"}` from a label object, in its key order; `''` for none. */
export function renderLabels(labels: Record<string, string>): string {
  let out = '';
  for (const name in labels) out += `${out ? ',' : ''}${name}="${escapeLabel(labels[name]!)}"`;
  return out ? `{${out}}` : '';
}

function renderValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v < 0 ? '-Inf' : '+Inf';
  return `${v}`;
}

/**
 * One metric family. Samples are kept in two parallel arrays (no object per sample: an exposition holds tens
 * of thousands) with an index by rendered labels, so a repeated label set replaces (gauge) or adds (counter).
 */
export class MetricFamily {
  private readonly index = new Map<string, number>();
  private readonly labels: string[] = [];
  private readonly values: number[] = [];

  constructor(private readonly owner: MetricSet, readonly name: string, readonly help: string, readonly type: MetricType, private readonly exempt = false) {}

  /** The value of one series; a later set of the same labels replaces it in place. */
  set(labels: Record<string, string>, value: number): void {
    this.setRaw(renderLabels(labels), value);
  }

  /** Adds to one series (a counter's samples of the same labels sum up). */
  inc(labels: Record<string, string>, value: number): void {
    this.incRaw(renderLabels(labels), value);
  }

  /** set() with labels already rendered (`{cpu="3"}`), every value escaped with escapeLabel where it can need it. */
  setRaw(rendered: string, value: number): void {
    const i = this.index.get(rendered);
    if (i !== undefined) this.values[i] = value;
    else if (this.exempt || this.owner.admit()) this.add(rendered, value);
  }

  incRaw(rendered: string, value: number): void {
    const i = this.index.get(rendered);
    if (i !== undefined) this.values[i]! += value;
    else if (this.owner.admit()) this.add(rendered, value);
  }

  private add(rendered: string, value: number): void {
    this.index.set(rendered, this.labels.length);
    this.labels.push(rendered);
    this.values.push(value);
  }

  /** The samples as plain data (tests compare them with prom-client's rendering). */
  entries(): Array<{ labels: string; value: number }> {
    return this.labels.map((labels, i) => ({ labels, value: this.values[i]! }));
  }

  text(openMetrics: boolean): string {
    const base = openMetrics && this.type === 'counter' ? this.name.replace(/_total$/, '') : this.name;
    const sampleName = openMetrics && this.type === 'counter' ? `${base}_total` : this.name;
    let out = `# HELP ${escapeText(base)} ${escapeText(this.help)}\n# TYPE ${escapeText(base)} ${this.type}`;
    for (let i = 0; i < this.labels.length; i++) out += `\n${sampleName}${this.labels[i]} ${renderValue(this.values[i]!)}`;
    return out;
  }
}

export class MetricSet {
  private readonly families: MetricFamily[] = [];
  private samples = 0;
  /** Samples refused past MAX_SAMPLES. */
  dropped = 0;

  constructor(private readonly maxSamples = MAX_SAMPLES) {}

  gauge(name: string, help: string): MetricFamily {
    return this.add(new MetricFamily(this, name, help, 'gauge'));
  }

  counter(name: string, help: string): MetricFamily {
    return this.add(new MetricFamily(this, name, help, 'counter'));
  }

  /** A gauge outside the sample cap (the one that reports the cap's drops, and its like). */
  exemptGauge(name: string, help: string): MetricFamily {
    return this.add(new MetricFamily(this, name, help, 'gauge', true));
  }

  private add(f: MetricFamily): MetricFamily {
    if (this.families.some((x) => x.name === f.name)) throw new Error(`metric ${f.name} declared twice`);
    this.families.push(f);
    return f;
  }

  /** Whether one more sample fits. */
  admit(): boolean {
    if (this.samples >= this.maxSamples) {
      this.dropped++;
      return false;
    }
    this.samples++;
    return true;
  }

  /** Prometheus text format 0.0.4. */
  toText(): string {
    return `${this.families.map((f) => f.text(false)).join('\n\n')}\n`;
  }

  /** OpenMetrics 1.0 (counters lose `_total` in their family name, and the text ends with `# EOF`). */
  toOpenMetrics(): string {
    return `${this.families.map((f) => f.text(true)).join('\n')}\n# EOF\n`;
  }


  all(): readonly MetricFamily[] {
    return this.families;
  }
}

/**
 * The OpenMetrics form of a Prometheus text this module rendered, without keeping the metrics around: the
 * two differ only in counter family names, the separator between families, and the closing `# EOF`.
 * (HELP texts and label values carry no raw newline, so a blank line only ever separates families.)
 */
export function openMetricsOf(text: string): string {
  const families = text.replace(/\n$/, '').split('\n\n');
  return `${families.map((block) => {
    const lines = block.split('\n');
    const type = /^# TYPE (\S+) (\w+)$/.exec(lines[1] ?? '');
    if (!type || type[2] !== 'counter') return block;
    const name = type[1]!;
    const base = name.replace(/_total$/, '');
    const head = [`# HELP ${base}${lines[0]!.slice(`# HELP ${name}`.length)}`, `# TYPE ${base} counter`];
    const samples = lines.slice(2).map((l) => (name === base ? `${base}_total${l.slice(name.length)}` : l));
    return [...head, ...samples].join('\n');
  }).join('\n')}\n# EOF\n`;
}

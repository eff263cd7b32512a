import { promisify } from 'node:util';
import { gunzipSync, gzip } from 'node:zlib';
import { buildMetrics, type ExpositionInput } from '../render/metrics.js';
import { openMetricsOf } from '../render/metric-set.js';

const gzipAsync = promisify(gzip);

/**
 * One run's metrics, rendered once: the Prometheus text at once (every scrape needs it), the gzip body and
 * the OpenMetrics text on first demand. Scrapes never touch the host or rebuild anything; nothing but the
 * text is kept.
 */
export class Exposition {
  private gz: Promise<Buffer> | null = null;
  private om: string | null = null;

  constructor(readonly text: string, private readonly sourceOk: ReadonlyArray<[string, boolean]>) {}

  static render(input: ExpositionInput): Exposition {
    return new Exposition(buildMetrics(input).toText(), input.sources.map((s) => [s.source, s.ok]));
  }

  /** Prometheus always asks for gzip: compressed once per run, not per scrape. */
  gzipped(): Promise<Buffer> {
    this.gz ??= gzipAsync(this.text, { level: 6 });
    return this.gz;
  }

  openMetrics(): string {
    this.om ??= openMetricsOf(this.text);
    return this.om;
  }

  /** Whether each source answered, as the metrics say. */
  sources(): ReadonlyArray<[string, boolean]> {
    return this.sourceOk;
  }
}

/** What a scrape needs of one run's metrics, however they are held. */
export interface ServedExposition {
  readonly text: string;
  gzipped(): Promise<Buffer>;
  openMetrics(): string;
}

/**
 * One run's metrics held only gzipped (about a tenth of the text): for a process that keeps many hosts'
 * results (fleet mode), where Prometheus, which always asks for gzip, gets the buffer as it is and the rare
 * client that does not is served a decompressed copy.
 */
export class CompressedExposition implements ServedExposition {
  private constructor(private readonly gz: Buffer) {}

  static async of(text: string): Promise<CompressedExposition> {
    return new CompressedExposition(await gzipAsync(text, { level: 6 }));
  }

  get text(): string {
    return gunzipSync(this.gz).toString('utf8');
  }

  gzipped(): Promise<Buffer> {
    return Promise.resolve(this.gz);
  }

  openMetrics(): string {
    return openMetricsOf(this.text);
  }

  get bytes(): number {
    return this.gz.length;
  }
}

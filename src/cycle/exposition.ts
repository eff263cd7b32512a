import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { buildRegistry, type ExpositionInput } from '../render/metrics.js';

const gzipAsync = promisify(gzip);

/**
 * One run's metrics, rendered once: the Prometheus text at once (every scrape needs it), the gzip body and
 * the OpenMetrics text on first demand. Scrapes never touch the host or rebuild a registry.
 */
export class Exposition {
  private gz: Promise<Buffer> | null = null;
  private om: Promise<string> | null = null;

  private constructor(private readonly input: ExpositionInput, readonly text: string) {}

  static async render(input: ExpositionInput): Promise<Exposition> {
    return new Exposition(input, await buildRegistry(input).metrics());
  }

  /** Prometheus always asks for gzip: compressed once per run, not per scrape. */
  gzipped(): Promise<Buffer> {
    this.gz ??= gzipAsync(this.text, { level: 6 });
    return this.gz;
  }

  /** Whether each source answered, as the metrics say. */
  sources(): Array<[string, boolean]> {
    return this.input.sources.map((s) => [s.source, s.ok]);
  }

  openMetrics(): Promise<string> {
    this.om ??= buildRegistry(this.input, true).metrics();
    return this.om;
  }
}

import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The exporter's own process and runtime metrics (`process_*`, `nodejs_*`), as every Prometheus client
 * library exposes them; left out with --web.disable-exporter-metrics. Rendered with each probe's exposition,
 * so /metrics stays one pre-compressed body per probe.
 */
export class ExporterMetrics {
  private readonly registry = new Registry();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  async text(): Promise<string> {
    return registryText(this.registry);
  }
}

/**
 * A prom-client registry's exposition without the three gauges prom-client names with a counter's `_total`
 * suffix (promtool check metrics refuses them); the same numbers are there without the suffix
 * (nodejs_active_handles, …).
 */
export async function registryText(registry: Registry): Promise<string> {
  const families = (await registry.metrics()).split('\n\n');
  return families.filter((f) => !/^# HELP nodejs_active_(handles|requests|resources)_total /.test(f)).join('\n\n');
}

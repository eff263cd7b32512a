import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { registryText } from '../exporter/exporter-metrics.js';

/**
 * The fleet exporter's own metrics on /metrics (the dom0s' metrics are on /probe?target=): how many
 * targets, how collections go, and whether the exporter keeps up — a growing schedule delay or queue
 * means it has more targets than it can collect at their interval (shard: see the README).
 */
export class FleetMetrics {
  readonly registry = new Registry();
  readonly targets: Gauge<'state'>;
  readonly collections: Counter<'result'>;
  readonly duration: Histogram;
  readonly scheduleDelay: Histogram;
  readonly queueLength: Gauge;
  readonly inFlight: Gauge;
  readonly reloadSuccess: Gauge;
  readonly reloadTimestamp: Gauge;

  constructor(withProcessMetrics: boolean) {
    const registers = [this.registry];
    this.targets = new Gauge({ name: 'xen_pm_fleet_targets', help: 'Targets in the targets file, by state: active (scraped lately, collected on schedule) or idle.', labelNames: ['state'], registers });
    this.collections = new Counter({ name: 'xen_pm_fleet_collections_total', help: 'Collections from all targets, by result: ok, or the failure kind.', labelNames: ['result'], registers });
    this.duration = new Histogram({ name: 'xen_pm_fleet_collection_duration_seconds', help: 'Time of each collection: connect, collector run, transfer and decode.', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers });
    this.scheduleDelay = new Histogram({ name: 'xen_pm_fleet_schedule_delay_seconds', help: 'How late a due collection started (waiting for a free slot): grows when the exporter has too many targets.', buckets: [0.01, 0.1, 0.5, 1, 5, 15, 60], registers });
    this.queueLength = new Gauge({ name: 'xen_pm_fleet_queue_length', help: 'Due collections waiting for a slot (--fleet.concurrency).', registers });
    this.inFlight = new Gauge({ name: 'xen_pm_fleet_collections_in_flight', help: 'Collections running now.', registers });
    this.reloadSuccess = new Gauge({ name: 'xen_pm_fleet_config_last_reload_successful', help: 'Whether the last read of the targets file worked (1) or was refused (0: the previous targets stay).', registers });
    this.reloadTimestamp = new Gauge({ name: 'xen_pm_fleet_config_last_reload_success_timestamp_seconds', help: 'When the targets file was last read successfully.', registers });
    if (withProcessMetrics) collectDefaultMetrics({ register: this.registry });
  }

  text(): Promise<string> {
    return registryText(this.registry);
  }
}

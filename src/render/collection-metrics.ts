import { MetricSet } from './metric-set.js';

/** How one remote collection went, as the fleet's per-target exposition reports it. */
export interface CollectionInfo {
  ok: boolean;
  /** The failure's kind (`auth-refused`, `timeout`, …) when it failed. */
  failureKind: string | null;
  durationSeconds: number;
  /** What the collector said it is (`xen-pm-collect 1 <digest>`), from the remote side: untrusted. */
  collector: string | null;
  /** Whether that collector was generated from this exporter's command table; null when it did not say. */
  collectorCurrent: boolean | null;
  /** Collections of this target since it became active, by result. */
  collectionsOk: number;
  collectionsFailed: number;
}

/** Only these characters of a remote's self-description reach a label (and at most 80 of them). */
const safe = (s: string) => s.replace(/[^A-Za-z0-9._ :+-]/g, '?').slice(0, 80);

/**
 * The metrics a fleet target's exposition gains beside the probe's own: whether the collection worked
 * (as blackbox_exporter's probe_success), how long it took, which collector answered. Appended to the
 * cycle's text, so one scrape of /probe?target= is one host's whole story.
 */
export function collectionMetrics(c: CollectionInfo): string {
  const m = new MetricSet();
  m.exemptGauge('xen_pm_target_up', 'Whether the last collection from this fleet target gave a complete capture (1) or failed (0: its other xen_pm_ metrics rest on no data, and the mixin holds its host alerts back).').set({}, c.ok ? 1 : 0);
  m.exemptGauge('xen_pm_collection_duration_seconds', 'How long the last collection took: connect, run the collector, receive and decode its stream.').set({}, Math.round(c.durationSeconds * 1000) / 1000);
  if (!c.ok) m.exemptGauge('xen_pm_collection_failure', 'Why the last collection failed (1 for the kind; see the README\'s failure table).').set({ kind: c.failureKind ?? 'unknown' }, 1);
  m.exemptGauge('xen_pm_collector_info', 'The collector that answered the last good collection, and whether it is the one this exporter generates (current="false": reinstall collector/xen-pm-collect).')
    .set({ collector: c.collector === null ? '' : safe(c.collector), current: c.collectorCurrent === null ? 'unknown' : String(c.collectorCurrent) }, 1);
  const total = m.counter('xen_pm_collections_total', 'Collections of this target since the exporter started collecting it, by result.');
  total.set({ result: 'ok' }, c.collectionsOk);
  total.set({ result: 'failed' }, c.collectionsFailed);
  return m.toText();
}

import type { BytesResult, HostRoot, ListResult, ReadResult } from '../probe/host-root.js';
import type { CommandName } from '../probe/commands.js';
import type { CommandResult } from '../probe/command-result.js';
import type { CommandSettings } from '../probe/command-settings.js';
import type { ProbeProblem } from '../probe/snapshot.js';
import type { SshCollection, SshTarget } from './ssh.js';
import { openTransport, type Transport } from './transport.js';
import { STREAM_SOURCE, StreamHost } from './stream-host.js';
import { collectorDigest } from './collector-script.js';

/** The source name of SSH transport failures in the report (`PROBE_FAILED: 1 read(s) of remote-ssh failed`). */
export const SSH_SOURCE = 'remote-ssh';

/** The problems one collection adds to the snapshot: why there is no capture, or what the collector could not finish. */
export function collectionProblems(c: SshCollection): ProbeProblem[] {
  if (!c.ok) {
    return [{ source: c.failure.kind === 'bad-stream' ? STREAM_SOURCE : SSH_SOURCE, reason: `${c.failure.kind}: ${c.failure.message}` }];
  }
  const incomplete = c.capture.meta.get('incomplete');
  return incomplete !== undefined ? [{ source: STREAM_SOURCE, reason: `the collector stopped early: ${incomplete}` }] : [];
}

/**
 * A remote dom0 as a host root: each `refresh()` runs the collector over SSH once and the probe then
 * reads that capture. A failed collection leaves an empty root whose `problems` say why, so the probe
 * and diagnosis report it (PROBE_FAILED), never an OK. One RemoteHost per target; refreshes do not overlap.
 */
export class RemoteHost implements HostRoot {
  readonly live = false;
  private current: StreamHost;
  private running: Promise<SshCollection> | null = null;
  /** The last collection, for logs and /health: its duration, stderr, failure kind. */
  last: SshCollection | null = null;

  private readonly transport: Transport;

  constructor(readonly target: SshTarget, private readonly settings: Partial<CommandSettings> = {}) {
    this.transport = openTransport(target);
    this.current = new StreamHost(this.path, null, [{ source: SSH_SOURCE, reason: 'not collected yet' }], settings);
  }

  get path(): string {
    return `ssh://${this.target.destination}`;
  }

  get problems(): readonly ProbeProblem[] {
    return this.current.problems;
  }

  /** The collector's metadata of the last good collection (hostname, start time, uname, digest). */
  get meta(): ReadonlyMap<string, string> {
    return this.current.meta;
  }

  /** Whether the remote collector was generated from the same command table and manifest as this exporter. */
  get collectorCurrent(): boolean | null {
    const said = this.meta.get('collector');
    return said === undefined ? null : said.endsWith(` ${collectorDigest()}`);
  }

  refresh(): Promise<SshCollection> {
    this.running ??= this.transport.collect().then((c) => {
      this.last = c;
      this.current = new StreamHost(this.path, c.ok ? c.capture : null, collectionProblems(c), this.settings);
      return c;
    }).finally(() => { this.running = null; });
    return this.running;
  }

  /** Lets go of a kept connection (the target went idle, was removed, or the exporter stops). */
  close(): void {
    this.transport.close();
  }

  /** Forgets the last capture (an idle target keeps no dom0 data in memory); the next refresh collects anew. */
  forget(): void {
    this.current = new StreamHost(this.path, null, [{ source: SSH_SOURCE, reason: 'not collected yet' }], this.settings);
  }

  readText(rel: string): ReadResult { return this.current.readText(rel); }
  readBytes(rel: string, max: number): BytesResult { return this.current.readBytes(rel, max); }
  list(rel: string): ListResult { return this.current.list(rel); }
  exists(rel: string): boolean { return this.current.exists(rel); }
  commandEnabled(name: CommandName): boolean { return this.current.commandEnabled(name); }
  runCommand(name: CommandName): Promise<CommandResult> { return this.current.runCommand(name); }
}

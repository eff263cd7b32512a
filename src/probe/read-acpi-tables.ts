import type { Recorder } from './recorder.js';
import type { AcpiTablesScan } from './snapshot.js';

const DIR = 'sys/firmware/acpi/tables';
const OBJECTS = ['_PSS', '_PCT', '_PPC', '_PSD', '_CPC', '_CST'] as const;
const MAX_TABLE_BYTES = 8 * 1024 * 1024;

/** Pure: which power-management object names (AML NameSegs) appear in one table's bytes. */
function amlObjectsIn(bytes: Buffer): Array<(typeof OBJECTS)[number]> {
  return OBJECTS.filter((o) => bytes.includes(o, 0, 'latin1'));
}

/**
 * Scans the firmware's DSDT and SSDTs (static and dynamically loaded) for the objects the
 * xen-acpi-processor upload needs. When the module is absent this is what tells "the firmware
 * has no _PSS" from "nobody loaded the module". Tables are root-only: unreadable → unknown.
 */
export function readAcpiTables(rec: Recorder): AcpiTablesScan {
  const scan: AcpiTablesScan = { readable: null, tables: [], objects: { _PSS: [], _PCT: [], _PPC: [], _PSD: [], _CPC: [], _CST: [] }, reason: null };
  const top = rec.host.list(DIR);
  if (!top.ok) {
    if (top.kind !== 'missing') { scan.readable = false; scan.reason = top.reason; }
    return scan;
  }
  const dyn = rec.host.list(`${DIR}/dynamic`);
  const names = [
    ...top.entries.filter((n) => /^(DSDT|SSDT\d*)$/.test(n)),
    ...(dyn.ok ? dyn.entries.filter((n) => /^SSDT\d*$/.test(n)).map((n) => `dynamic/${n}`) : []),
  ];
  for (const name of names) {
    const r = rec.host.readBytes(`${DIR}/${name}`, MAX_TABLE_BYTES);
    if (!r.ok) {
      scan.readable = false;
      scan.reason = `${name}: ${r.reason}`;
      continue;
    }
    scan.tables.push(name);
    for (const o of amlObjectsIn(r.bytes)) scan.objects[o].push(name);
  }
  if (scan.tables.length) scan.readable = scan.readable ?? true;
  return scan;
}

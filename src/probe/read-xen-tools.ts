import type { HostRoot } from './host-root.js';
import { COMMANDS, COMMAND_NAMES, type CommandName } from './commands.js';
import { outputUsable, type CommandResult } from './command-result.js';
import { summarizeCommand, type XenTools } from './snapshot.js';
import { parseXenRelease } from './hypervisor-names.js';
import { parseXenCommandLine } from '../xenpm/xen-command-line.js';

/** The Xen tool commands of the table (everything but the kernel log), in table order. */
const XEN_TOOL_COMMANDS = COMMAND_NAMES.filter((n) => COMMANDS[n].tool !== 'kernel-log');

/**
 * Runs (or reads back) the Xen tools in parallel and parses what they said. A command that could not
 * run at all leaves its parsed field null; its summary still says why.
 */
export async function readXenTools(host: HostRoot): Promise<XenTools> {
  const names = XEN_TOOL_COMMANDS.filter((n) => host.commandEnabled(n));
  const results = await Promise.all(names.map((n) => host.runCommand(n)));
  const tools = emptyXenTools();
  for (const r of results) fill(tools, r);
  for (const r of results) tools.commands[r.name] = summarizeCommand(r);
  tools.release = parseXenRelease(tools.xlInfo?.xenVersion);
  const fromInfo = tools.xlInfo?.xenCommandline ?? null;
  const fromConsole = tools.xlDmesg?.commandLine ?? null;
  if (fromInfo !== null) tools.options = { source: 'xl info xen_commandline', options: parseXenCommandLine(fromInfo) };
  else if (fromConsole !== null) tools.options = { source: 'xl dmesg Command line', options: parseXenCommandLine(fromConsole) };
  return tools;
}

function fill(tools: XenTools, r: CommandResult): void {
  if (!outputUsable(r)) return;
  const name: CommandName = r.name;
  const spec = COMMANDS[name];
  if (spec.field === 'kernelLog') return;
  // The table pairs each field with the parser that fills it; TypeScript cannot follow the pairing through the union.
  (tools as unknown as Record<string, unknown>)[spec.field] = spec.parse(r);
}

export function emptyXenTools(): XenTools {
  return { para: null, states: null, idle: null, topology: null, average: null, xlInfo: null, xlDmesg: null, commands: {}, release: null, options: null };
}

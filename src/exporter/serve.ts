import type { Flags } from '../cli/args.js';
import type { CommandSettings } from '../probe/command-catalog.js';

export async function serve(_flags: Flags, _settings: Partial<CommandSettings>): Promise<number> {
  throw new Error('serve is not built yet');
}

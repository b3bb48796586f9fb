// Where the debugger gets Linux processes from: the kernel model (src/kernel/), through its launch function.
// The require sits in a try block so the adapter still builds and runs (bare-metal only) in a tree where
// the kernel model has not landed yet; esbuild bundles the module when it exists.
import type { ProcessFactory } from './runtime';

export function processFactory(): ProcessFactory | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require('../kernel/process') as Record<string, unknown>;
    const f = m.launch ?? m.launchProcess ?? m.createProcess;
    return typeof f === 'function' ? (f as ProcessFactory) : undefined;
  } catch {
    return undefined;
  }
}

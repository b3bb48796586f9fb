// Where the debugger gets Linux processes from: the kernel model (src/kernel/), once it provides launch().
import type { ProcessFactory } from './runtime';

export function processFactory(): ProcessFactory | undefined {
  return undefined;
}

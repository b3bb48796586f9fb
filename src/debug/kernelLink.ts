// Where the debugger gets Linux processes from: the kernel model's launch function (src/kernel/process.ts).
import { launch } from '../kernel/process';
import type { ProcessFactory } from './launch';

export function processFactory(): ProcessFactory {
  return launch;
}

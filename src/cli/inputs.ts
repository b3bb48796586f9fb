// Files named on the command line are read whole, so each is checked first: a regular file (a device such as
// /dev/zero, a FIFO or a directory would read without end, block, or fail with Node's text) of a bounded size.
import { readFileSync, statSync } from 'node:fs';

/** Largest file the CLI reads whole (an ELF to disassemble, a vDSO, a kernel or initramfs image). */
export const MAX_INPUT_BYTES = 1024 * 1024 * 1024;

/** The bytes of `path`, or an Error whose message says why not (for the user, no Node text). */
export function readInputFile(path: string, max = MAX_INPUT_BYTES): Uint8Array {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error(`${path}: not a regular file`);
    size = st.size;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${path}: no such file`);
    if (code) throw new Error(`${path}: cannot read (${code})`);
    throw e;
  }
  if (size > max) throw new Error(`${path}: ${size} bytes; at most ${max} are read`);
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new Error(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

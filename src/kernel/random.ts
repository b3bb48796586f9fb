// The host's randomness behind the guest's (Linux's drivers/char/random.c, get_random_bytes): the pid of a
// process, AT_RANDOM, address-space randomisation, getrandom(2) and /dev/urandom when no seed is given.
//
// Read from the host's /dev/urandom, a block at a time: loading node:crypto (and the streams it pulls in) took
// 4-12 ms, a tenth of a short program's whole run (docs/performance.md, start-up). Where the host has no
// /dev/urandom (Windows) node:crypto fills the block instead. Either way the bytes come from the host's CSPRNG.
import { closeSync, openSync, readSync } from 'node:fs';

const BLOCK = 4096;
const pool = new Uint8Array(BLOCK);
let used = BLOCK;
let noDevice = false;

/** Fill `buf` from the host's CSPRNG. */
function fill(buf: Uint8Array): void {
  if (!noDevice) {
    let fd: number | undefined;
    try {
      fd = openSync('/dev/urandom', 'r');
      for (let off = 0; off < buf.length;) {
        const n = readSync(fd, buf, off, buf.length - off, null);
        if (n <= 0) throw new Error('short read');
        off += n;
      }
      return;
    } catch {
      noDevice = true;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('node:crypto') as typeof import('node:crypto')).randomFillSync(buf);
}

/** `n` random bytes from the host. */
export function hostRandomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  if (n >= BLOCK) {
    fill(out);
    return out;
  }
  let off = 0;
  while (off < n) {
    if (used === BLOCK) {
      fill(pool);
      used = 0;
    }
    const k = Math.min(n - off, BLOCK - used);
    out.set(pool.subarray(used, used + k), off);
    // a byte is handed out once
    pool.fill(0, used, used + k);
    used += k;
    off += k;
  }
  return out;
}

// Writes an initramfs: a cpio archive in the "newc" format the Linux kernel unpacks at boot
// (Documentation/driver-api/early-userspace/buffer-format.rst describes it). Our own writer, so building
// the archive needs no root (device nodes are just headers here) and the bytes are reproducible (mtime 0,
// inode numbers in order, uid/gid 0).
//
// Usage: tsx scripts/gen-initramfs.ts OUT.cpio ENTRY...
//   ENTRY = dir:PATH[:MODE] | file:PATH:HOSTFILE[:MODE] | char:PATH:MAJOR:MINOR[:MODE]
// PATH is the path inside the archive, without a leading slash.
import { readFileSync, writeFileSync } from 'node:fs';

const S_IFDIR = 0o040000, S_IFREG = 0o100000, S_IFCHR = 0o020000;

interface Entry { name: string; mode: number; data: Uint8Array; rdevMajor: number; rdevMinor: number; }

function hex8(n: number): string { return (n >>> 0).toString(16).padStart(8, '0'); }

function pad4(n: number): number { return (4 - (n % 4)) % 4; }

export function cpioNewc(entries: Entry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const enc = new TextEncoder();
  let ino = 1;
  let total = 0;
  const push = (b: Uint8Array): void => { parts.push(b); total += b.length; };
  const add = (e: Entry): void => {
    const name = enc.encode(`${e.name}\0`);
    const isDir = (e.mode & 0o170000) === S_IFDIR;
    const header = '070701' + [
      e.name === 'TRAILER!!!' ? 0 : ino++, e.mode, 0, 0, isDir ? 2 : 1, 0, e.data.length, 0, 0,
      e.rdevMajor, e.rdevMinor, name.length, 0,
    ].map(hex8).join('');
    push(enc.encode(header));
    push(name);
    push(new Uint8Array(pad4(110 + name.length)));
    push(e.data);
    push(new Uint8Array(pad4(e.data.length)));
  };
  for (const e of entries) add(e);
  add({ name: 'TRAILER!!!', mode: 0, data: new Uint8Array(0), rdevMajor: 0, rdevMinor: 0 });
  const out = new Uint8Array(total + pad4(total));
  let off = 0;
  for (const p of parts) { out.set(p, off); off += p.length; }
  return out;
}

function parseEntry(spec: string): Entry {
  const f = spec.split(':');
  const mode = (i: number, dflt: number): number => (f[i] !== undefined ? parseInt(f[i], 8) : dflt);
  const empty = new Uint8Array(0);
  switch (f[0]) {
    case 'dir': return { name: f[1], mode: S_IFDIR | mode(2, 0o755), data: empty, rdevMajor: 0, rdevMinor: 0 };
    case 'file': return { name: f[1], mode: S_IFREG | mode(3, 0o755), data: readFileSync(f[2]), rdevMajor: 0, rdevMinor: 0 };
    case 'char': return { name: f[1], mode: S_IFCHR | mode(4, 0o600), data: empty, rdevMajor: Number(f[2]), rdevMinor: Number(f[3]) };
  }
  throw new Error(`gen-initramfs: bad entry "${spec}" (dir:PATH[:MODE] | file:PATH:HOSTFILE[:MODE] | char:PATH:MAJOR:MINOR[:MODE])`);
}

if (require.main === module) {
  const [out, ...specs] = process.argv.slice(2);
  if (!out || specs.length === 0) {
    console.error('usage: tsx scripts/gen-initramfs.ts OUT.cpio ENTRY...');
    process.exit(2);
  }
  try {
    writeFileSync(out, cpioNewc(specs.map(parseEntry)));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}

// models mm/mmap.c (sys_brk, ksys_mmap_pgoff, sys_munmap), mm/mprotect.c, mm/mremap.c and mm/madvise.c.
import { fstatSync, readSync } from 'node:fs';
import type { LinuxProcess } from '../process';
import { KernelError, EBADF, EINVAL, EACCES, ENODEV, ENOMEM } from '../errno';
import { MAX_MAPPED_FILE_BYTES } from '../limits';
import { MAP_ANONYMOUS, MAP_SHARED, PROT_WRITE, type FileBacking } from '../mm';
import { getFile, hostCall } from './fs';

export function sysBrk(p: LinuxProcess, a: bigint[]): bigint { return p.mm.setBrk(a[0]); }

/** The contents of a host file opened by descriptor, for mmap: at most MAX_MAPPED_FILE_BYTES (else ENOMEM). */
function mappedHostFile(fd: number): Uint8Array {
  const size = hostCall(() => fstatSync(fd).size);
  if (size > MAX_MAPPED_FILE_BYTES) throw new KernelError(ENOMEM);
  const b = new Uint8Array(size);
  let got = 0;
  while (got < size) {
    const n = hostCall(() => readSync(fd, b, got, Math.min(size - got, 1 << 24), got));
    if (n === 0) break;
    got += n;
  }
  return b.subarray(0, got);
}

export function sysMmap(p: LinuxProcess, a: bigint[]): bigint {
  const [addr, len, protB, flagsB, fdB, off] = a;
  const prot = Number(protB), flags = Number(flagsB);
  let file: FileBacking | undefined;
  if (!(flags & MAP_ANONYMOUS)) {
    const fd = Number(BigInt.asIntN(32, fdB));
    if (fd < 0) throw new KernelError(EBADF);
    const f = getFile(p, fdB);
    if (f.kind === 'dir' || f.kind === 'pipe' || f.kind === 'console') throw new KernelError(ENODEV);
    if ((flags & MAP_SHARED) && (prot & PROT_WRITE) && f.kind === 'file') throw new KernelError(EACCES);
    const data = f.kind === 'tmp' ? f.tmp!.data.subarray(0, f.tmp!.size)
      : f.hostFd !== undefined && f.node?.type === 'host' ? mappedHostFile(f.hostFd) : f.data;
    if (!data) throw new KernelError(ENODEV);
    const st = f.node && f.node.type === 'host' ? f.node.stats : undefined;
    file = p.fileBacking(f.path, data, st ? Number(st.ino & 0xffffffff) : 0);
  }
  if (len === 0n) throw new KernelError(EINVAL);
  const start = p.mm.mmap(addr, len, prot, flags, file, off);
  if (file && off === 0n) p.noteMappedFile(file, start);
  return start;
}

export function sysMunmap(p: LinuxProcess, a: bigint[]): bigint { p.mm.munmap(a[0], a[1]); return 0n; }
export function sysMprotect(p: LinuxProcess, a: bigint[]): bigint { p.mm.mprotect(a[0], a[1], Number(a[2])); return 0n; }
export function sysMremap(p: LinuxProcess, a: bigint[]): bigint { return p.mm.mremap(a[0], a[1], a[2], Number(a[3])); } // MREMAP_FIXED (new_address in a[4]) is EINVAL
export function sysMadvise(_p: LinuxProcess, _a: bigint[]): bigint { return 0n; }

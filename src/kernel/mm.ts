// models mm/mmap.c, mm/mprotect.c, mm/mremap.c, mm/memory.c (handle_mm_fault) and mm/util.c: the process
// address space as a sorted list of VMAs, lazily backed by physical pages from PageAllocator and mapped in
// real Sv39 page tables (pagetable.ts). Special mappings ([vvar], [vdso]) have pages shared with the kernel.
// Also copy_from_user/copy_to_user for the system calls.
import type { Hart } from '../hart/hart';
import type { LoadedObject } from './api';
import { PageAllocator, PageTable, pageDown, pageUp, PAGE_SIZE, PAGE_BYTES, PAGE_SHIFT, PAGE_OFFSET_MASK } from './pagetable';
import { PTE_R, PTE_W, PTE_X, PTE_U } from '../isa/encoding.generated';
import { EINVAL, ENOMEM, EFAULT, EEXIST, KernelError } from './errno';

export const PROT_NONE = 0, PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
export const MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_GROWSDOWN = 0x100,
  MAP_DENYWRITE = 0x800, MAP_NORESERVE = 0x4000, MAP_POPULATE = 0x8000, MAP_STACK = 0x20000,
  MAP_FIXED_NOREPLACE = 0x100000;
export const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2;

/** Sv39 user address space: TASK_SIZE of riscv64 with 3-level tables (arch/riscv/include/asm/pgtable.h). */
export const TASK_SIZE = 0x4000000000n;
/** Lowest address mmap hands out (mmap_min_addr). */
export const MMAP_MIN_ADDR = 0x10000n;
/** RLIMIT_STACK default: how far [stack] may grow. */
export const STACK_RLIMIT = 8n * 1024n * 1024n;

export interface FileBacking {
  data: Uint8Array;
  /** Guest path shown in /proc/self/maps. */
  path: string;
  dev: string;
  inode: number;
}

export interface Vma {
  start: bigint;
  end: bigint;
  prot: number;
  shared: boolean;
  file?: FileBacking;
  /** File offset of `start` (bytes). */
  pgoff: bigint;
  /** Bytes at or above this address read as zero even inside the file (an ELF segment's bss tail). */
  fileLimit?: bigint;
  /** '' (anonymous), '[heap]', '[stack]', '[vvar]', '[vdso]'; file mappings show file.path. */
  name: string;
  special?: 'vvar' | 'vdso';
  growsDown?: boolean;
}

export type FaultResult = 'ok' | 'maperr' | 'accerr' | 'oom';
export type Access = 'fetch' | 'load' | 'store';

export function protString(v: Vma): string {
  return (v.prot & PROT_READ ? 'r' : '-') + (v.prot & PROT_WRITE ? 'w' : '-') + (v.prot & PROT_EXEC ? 'x' : '-') +
    (v.shared ? 's' : 'p');
}

function pteFlags(prot: number): bigint {
  let f = PTE_U;
  if (prot & (PROT_READ | PROT_WRITE)) f |= PTE_R;
  if (prot & PROT_WRITE) f |= PTE_W;
  if (prot & PROT_EXEC) f |= PTE_X;
  return f;
}

let lastMmId = 0;

export class MM {
  vmas: Vma[] = [];
  /** vpn -> physical page of every present user page. */
  private readonly pages = new Map<number, bigint>();
  /** vpns whose physical page belongs to someone else (special mappings): never freed here. */
  private readonly foreign = new Set<number>();
  startBrk = 0n;
  brk = 0n;
  mmapBase = TASK_SIZE;
  stackTop = TASK_SIZE;
  /** Pages ever populated (for the RSS figure). */
  populated = 0;
  /** Tasks using this address space (mm_users). */
  users = 1;
  /** Tells address spaces apart in futex keys. */
  readonly id = ++lastMmId;
  /** vpns of private pages shared with another address space since fork: write-protected, copied on write. */
  private readonly cow = new Set<number>();
  // mm->context and the exec-time facts of this address space (arch vdso base, saved_auxv, exe_file, argv)
  vdsoBase = 0n;
  vvarBase = 0n;
  auxv: { type: number; name: string; value: bigint }[] = [];
  /** The ELF objects mapped in it (program, interpreter, vDSO, then libraries as ld.so maps them). */
  objects: LoadedObject[] = [];
  argv: string[] = [];
  exePath = '';

  constructor(readonly hart: Hart, readonly alloc: PageAllocator, readonly pt: PageTable) {}

  /**
   * userPa's last page for loads and for stores (virtual page number, -1 when none, and its physical page): a
   * read(2) or write(2) of a few bytes into the same buffer call after call finds its page without the VMA
   * lookup. Every change of this address space's mappings, pages or protections drops it (dropUserPa):
   * mapFixed, unmapRange, mprotect, mremap, setBrk, installForeignPage, fault, fork, destroy.
   */
  private lastLoadVpn = -1;
  private lastLoadPa = 0n;
  private lastStoreVpn = -1;
  private lastStorePa = 0n;
  private dropUserPa(): void { this.lastLoadVpn = -1; this.lastStoreVpn = -1; }

  find(addr: bigint): Vma | undefined {
    for (const v of this.vmas) if (addr >= v.start && addr < v.end) return v;
    return undefined;
  }

  private overlaps(start: bigint, end: bigint): boolean {
    return this.vmas.some((v) => v.start < end && start < v.end);
  }

  /** Top-down search below mmapBase (arch_get_unmapped_area_topdown), honouring a free hint. */
  getUnmappedArea(len: bigint, hint = 0n): bigint | undefined {
    len = pageUp(len);
    if (len === 0n || len > TASK_SIZE) return undefined;
    if (hint) {
      hint = pageUp(hint);
      if (hint >= MMAP_MIN_ADDR && hint + len <= TASK_SIZE && !this.overlaps(hint, hint + len)) return hint;
    }
    let top = this.mmapBase;
    const sorted = [...this.vmas].sort((a, b) => (a.start > b.start ? -1 : 1));
    for (const v of sorted) {
      if (v.start >= top) continue;
      if (v.end <= top && top - v.end >= len) return top - len;
      top = v.start;
    }
    return top - len >= MMAP_MIN_ADDR ? top - len : undefined;
  }

  private sortVmas(): void { this.vmas.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0)); }

  private mergeable(a: Vma, b: Vma): boolean {
    if (a.end !== b.start || a.prot !== b.prot || a.shared !== b.shared || a.special || b.special) return false;
    if (a.name !== b.name || !!a.growsDown !== !!b.growsDown || a.fileLimit !== undefined || b.fileLimit !== undefined) return false;
    if (a.file || b.file) return a.file === b.file && a.pgoff + (a.end - a.start) === b.pgoff;
    return true;
  }

  private mergeAround(): void {
    this.sortVmas();
    const out: Vma[] = [];
    for (const v of this.vmas) {
      const last = out[out.length - 1];
      if (last && this.mergeable(last, v)) last.end = v.end;
      else out.push(v);
    }
    this.vmas = out;
  }

  /** Insert a mapping at [start, start+len), replacing whatever was there (MAP_FIXED semantics). */
  mapFixed(vma: Vma): void {
    this.dropUserPa();
    this.unmapRange(vma.start, vma.end);
    this.vmas.push(vma);
    this.mergeAround();
    this.hart.flushTlbs();
  }

  /** mmap(2) without the fd lookup: returns the address or throws KernelError. */
  mmap(addr: bigint, len: bigint, prot: number, flags: number, file?: FileBacking, offset = 0n, name = ''): bigint {
    if (len === 0n || (offset & PAGE_OFFSET_MASK) !== 0n) throw new KernelError(EINVAL);
    const size = pageUp(len);
    if (size > TASK_SIZE) throw new KernelError(ENOMEM);
    if (!(flags & (MAP_SHARED | MAP_PRIVATE))) throw new KernelError(EINVAL);
    // __vm_enough_memory (overcommit heuristic): PROT_NONE and MAP_NORESERVE reservations commit nothing
    // (Go reserves 512 MiB of address space this way); others may not exceed the free RAM.
    if (prot !== PROT_NONE && !(flags & MAP_NORESERVE) && Number(size / PAGE_BYTES) > this.alloc.freePages) throw new KernelError(ENOMEM);
    let start: bigint;
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
      if (addr & PAGE_OFFSET_MASK) throw new KernelError(EINVAL);
      if (addr < MMAP_MIN_ADDR || addr + size > TASK_SIZE) throw new KernelError(ENOMEM);
      if (flags & MAP_FIXED_NOREPLACE && this.overlaps(addr, addr + size)) throw new KernelError(EEXIST);
      start = addr;
    } else {
      const a = this.getUnmappedArea(size, addr);
      if (a === undefined) throw new KernelError(ENOMEM);
      start = a;
    }
    this.mapFixed({
      start, end: start + size, prot, shared: !!(flags & MAP_SHARED), file, pgoff: offset,
      name: file ? file.path : flags & MAP_SHARED ? '/dev/zero (deleted)' : name, growsDown: !!(flags & MAP_GROWSDOWN),
    });
    // mm_populate: a PROT_NONE mapping is not populated; populating stops when guest RAM runs out
    if (flags & MAP_POPULATE && prot !== PROT_NONE) for (let a = start; a < start + size; a += PAGE_BYTES) if (this.populate(a) !== 'ok') break;
    return start;
  }

  /** Remove [start, end) from every VMA, splitting them, and free the pages. */
  unmapRange(start: bigint, end: bigint): void {
    this.dropUserPa();
    const out: Vma[] = [];
    let changed = false;
    for (const v of this.vmas) {
      if (v.end <= start || v.start >= end) { out.push(v); continue; }
      changed = true;
      if (v.start < start) out.push({ ...v, end: start });
      if (v.end > end) out.push({ ...v, start: end, pgoff: v.pgoff + (end - v.start) });
      const from = v.start > start ? v.start : start, to = v.end < end ? v.end : end;
      for (const a of this.presentIn(from, to)) this.dropPage(a, (v.prot & PROT_EXEC) !== 0);
    }
    if (changed) {
      this.vmas = out;
      this.sortVmas();
      this.hart.flushTlbs();
    }
  }

  /**
   * The addresses of the present pages in [from, to), in order. The work follows what exists: a range of more
   * pages than are present (128 GiB reserved PROT_NONE is 2^25 pages) is found through the present pages.
   */
  private presentIn(from: bigint, to: bigint): bigint[] {
    const out: bigint[] = [];
    if ((to - from) >> PAGE_SHIFT <= BigInt(this.pages.size)) {
      for (let a = from; a < to; a += PAGE_BYTES) if (this.pages.has(Number(a >> PAGE_SHIFT))) out.push(a);
      return out;
    }
    const lo = Number(from >> PAGE_SHIFT), hi = Number((to + PAGE_BYTES - 1n) >> PAGE_SHIFT);
    const vpns: number[] = [];
    for (const vpn of this.pages.keys()) if (vpn >= lo && vpn < hi) vpns.push(vpn);
    vpns.sort((x, y) => x - y);
    for (const vpn of vpns) out.push(BigInt(vpn) << PAGE_SHIFT);
    return out;
  }

  private dropPage(va: bigint, wasCode: boolean): void {
    const vpn = Number(va >> PAGE_SHIFT);
    const pa = this.pages.get(vpn);
    if (pa === undefined) return;
    this.pages.delete(vpn);
    this.cow.delete(vpn);
    this.pt.unmap(va);
    if (this.foreign.delete(vpn)) return;
    this.alloc.free(pa, wasCode);
  }

  munmap(addr: bigint, len: bigint): void {
    if ((addr & PAGE_OFFSET_MASK) || len === 0n || addr + pageUp(len) > TASK_SIZE) throw new KernelError(EINVAL);
    this.unmapRange(addr, addr + pageUp(len));
  }

  mprotect(addr: bigint, len: bigint, prot: number): void {
    this.dropUserPa();
    if (addr & PAGE_OFFSET_MASK) throw new KernelError(EINVAL);
    const end = addr + pageUp(len);
    // every page must be mapped
    for (let a = addr; a < end;) {
      const v = this.find(a);
      if (!v) throw new KernelError(ENOMEM);
      a = v.end;
    }
    const out: Vma[] = [];
    for (const v of this.vmas) {
      if (v.end <= addr || v.start >= end) { out.push(v); continue; }
      if (v.start < addr) out.push({ ...v, end: addr });
      const from = v.start > addr ? v.start : addr, to = v.end < end ? v.end : end;
      out.push({ ...v, start: from, end: to, pgoff: v.pgoff + (from - v.start), prot });
      if (v.end > end) out.push({ ...v, start: end, pgoff: v.pgoff + (end - v.start) });
      for (const a of this.presentIn(from, to)) {
        if (prot === PROT_NONE) this.dropPage(a, (v.prot & PROT_EXEC) !== 0);
        else this.pt.protect(a, this.cow.has(Number(a >> PAGE_SHIFT)) ? pteFlags(prot) & ~PTE_W : pteFlags(prot));
      }
    }
    this.vmas = out;
    this.mergeAround();
    this.hart.flushTlbs();
  }

  mremap(old: bigint, oldLen: bigint, newLen: bigint, flags: number): bigint {
    this.dropUserPa();
    if ((old & PAGE_OFFSET_MASK) || newLen === 0n) throw new KernelError(EINVAL);
    oldLen = pageUp(oldLen); newLen = pageUp(newLen);
    const v = this.find(old);
    if (!v || old + oldLen > v.end) throw new KernelError(EFAULT);
    if (flags & MREMAP_FIXED) throw new KernelError(EINVAL);
    if (newLen <= oldLen) { if (newLen < oldLen) this.unmapRange(old + newLen, old + oldLen); return old; }
    // grow in place when the space after is free
    if (old + oldLen === v.end && !this.overlaps(v.end, old + newLen) && old + newLen <= TASK_SIZE) {
      v.end = old + newLen;
      this.mergeAround();
      return old;
    }
    if (!(flags & MREMAP_MAYMOVE)) throw new KernelError(ENOMEM);
    const dest = this.getUnmappedArea(newLen);
    if (dest === undefined) throw new KernelError(ENOMEM);
    const moved: Vma = { ...v, start: dest, end: dest + newLen, pgoff: v.pgoff + (old - v.start) };
    this.vmas.push(moved);
    for (const va of this.presentIn(old, old + oldLen)) {
      const off = va - old, vpn = Number(va >> PAGE_SHIFT), pa = this.pages.get(vpn);
      if (pa === undefined) continue;
      this.pages.delete(vpn);
      this.pt.unmap(old + off);
      const nvpn = Number((dest + off) >> PAGE_SHIFT);
      this.pages.set(nvpn, pa);
      if (this.foreign.delete(vpn)) this.foreign.add(nvpn);
      const wasCow = this.cow.delete(vpn);
      if (wasCow) this.cow.add(nvpn);
      this.pt.map(dest + off, pa, wasCow ? pteFlags(v.prot) & ~PTE_W : pteFlags(v.prot));
    }
    this.unmapRange(old, old + oldLen);
    this.mergeAround();
    return dest;
  }

  /** brk(2): returns the new (or unchanged) break, as Linux does. */
  setBrk(want: bigint): bigint {
    this.dropUserPa();
    if (want < this.startBrk) return this.brk;
    const oldEnd = pageUp(this.brk), newEnd = pageUp(want);
    if (newEnd > oldEnd) {
      if (this.overlaps(oldEnd, newEnd)) return this.brk;
      if (Number((newEnd - oldEnd) / PAGE_BYTES) > this.alloc.freePages) return this.brk;
      const heap = this.vmas.find((v) => v.name === '[heap]');
      if (heap) { heap.end = newEnd; }
      else this.vmas.push({ start: pageUp(this.startBrk), end: newEnd, prot: PROT_READ | PROT_WRITE, shared: false, pgoff: 0n, name: '[heap]' });
      this.sortVmas();
    } else if (newEnd < oldEnd) {
      this.unmapRange(newEnd, oldEnd);
    }
    this.brk = want;
    return this.brk;
  }

  /** Map a physical page that belongs to the kernel (special mappings) at `va`. */
  installForeignPage(va: bigint, pa: bigint, prot: number): void {
    this.dropUserPa();
    const vpn = Number(va >> PAGE_SHIFT);
    this.pages.set(vpn, pa);
    this.foreign.add(vpn);
    this.pt.map(va, pa, pteFlags(prot));
  }

  /** Back one page of a VMA (do_anonymous_page / do_read_fault). */
  private populate(va: bigint): FaultResult {
    va = pageDown(va);
    const vpn = Number(va >> PAGE_SHIFT);
    if (this.pages.has(vpn)) return 'ok';
    const v = this.find(va);
    if (!v) return 'maperr';
    const pa = this.alloc.alloc();
    if (pa === undefined) return 'oom';
    if (v.file) {
      const fileOff = v.pgoff + (va - v.start);
      let n = PAGE_SIZE;
      if (v.fileLimit !== undefined) n = Math.max(0, Math.min(n, Number(v.fileLimit - va)));
      const avail = Number(BigInt(v.file.data.length) - fileOff);
      n = Math.max(0, Math.min(n, avail));
      if (n > 0) this.hart.writePhys(pa, v.file.data.subarray(Number(fileOff), Number(fileOff) + n), false);
    }
    if (!this.pt.map(va, pa, pteFlags(v.prot))) { this.alloc.free(pa); return 'oom'; }
    this.pages.set(vpn, pa);
    this.populated++;
    return 'ok';
  }

  private allowed(v: Vma, access: Access): boolean {
    if (access === 'fetch') return (v.prot & PROT_EXEC) !== 0;
    if (access === 'store') return (v.prot & PROT_WRITE) !== 0;
    return (v.prot & (PROT_READ | PROT_WRITE)) !== 0;
  }

  /** A page fault from the guest (or from a kernel access to user memory). */
  fault(va: bigint, access: Access): FaultResult {
    this.dropUserPa();
    let v = this.find(va);
    if (!v) {
      // expand_stack: below a grows-down VMA, within RLIMIT_STACK
      const stack = this.vmas.find((x) => x.growsDown && x.start > va);
      if (!stack || this.stackTop - pageDown(va) > STACK_RLIMIT || va >= TASK_SIZE) return 'maperr';
      const below = this.vmas.filter((x) => x.end <= stack.start).pop();
      if (below && below.end > pageDown(va)) return 'maperr';
      stack.start = pageDown(va);
      v = stack;
    }
    if (!this.allowed(v, access)) return 'accerr';
    const vpn = Number(va >> PAGE_SHIFT);
    if (this.pages.has(vpn)) {
      // present yet faulted: a write to a copy-on-write page (do_wp_page), else the PTE forbids it
      if (access === 'store' && this.cow.has(vpn)) return this.breakCow(va, v);
      return 'accerr';
    }
    return this.populate(va);
  }

  /** do_wp_page: the writer gets its own copy of a page shared since fork (or the page itself when it is the last). */
  private breakCow(va: bigint, v: Vma): FaultResult {
    va = pageDown(va);
    const vpn = Number(va >> PAGE_SHIFT);
    const old = this.pages.get(vpn)!;
    if (this.alloc.refCount(old) > 1) {
      const pa = this.alloc.alloc();
      if (pa === undefined) return 'oom';
      this.hart.writePhys(pa, this.hart.physView(old, PAGE_SIZE).slice(), false);
      this.alloc.free(old);
      this.pages.set(vpn, pa);
      this.pt.map(va, pa, pteFlags(v.prot));
    } else {
      this.pt.protect(va, pteFlags(v.prot));
    }
    this.cow.delete(vpn);
    this.hart.flushTlbs();
    return 'ok';
  }

  /**
   * dup_mmap: the child's address space (in the fresh page table `pt`) with the same mappings. Private pages are
   * shared copy-on-write (both sides write-protected, copied at the first write), MAP_SHARED pages and the
   * kernel's special pages are shared as they are.
   */
  fork(pt: PageTable): MM {
    this.dropUserPa(); // its private pages become copy-on-write
    const c = new MM(this.hart, this.alloc, pt);
    c.vmas = this.vmas.map((v) => ({ ...v }));
    c.startBrk = this.startBrk; c.brk = this.brk; c.mmapBase = this.mmapBase; c.stackTop = this.stackTop;
    c.vdsoBase = this.vdsoBase; c.vvarBase = this.vvarBase; c.auxv = this.auxv; c.objects = [...this.objects];
    c.argv = this.argv; c.exePath = this.exePath; c.populated = this.populated;
    for (const [vpn, pa] of this.pages) {
      const va = BigInt(vpn) << PAGE_SHIFT;
      const v = this.find(va);
      if (!v) continue;
      if (this.foreign.has(vpn)) { c.installForeignPage(va, pa, v.prot); continue; }
      this.alloc.ref(pa);
      c.pages.set(vpn, pa);
      if (v.shared) {
        if (!pt.map(va, pa, pteFlags(v.prot))) throw new KernelError(ENOMEM);
        continue;
      }
      // private pages are copy-on-write even when read-only now (a later mprotect may make them writable)
      this.cow.add(vpn); c.cow.add(vpn);
      this.pt.protect(va, pteFlags(v.prot) & ~PTE_W);
      if (!pt.map(va, pa, pteFlags(v.prot) & ~PTE_W)) throw new KernelError(ENOMEM);
    }
    this.hart.flushTlbs();
    return c;
  }

  /** exit_mmap: every page and page-table page back to the allocator (the last user has gone). */
  destroy(): void {
    this.dropUserPa();
    for (const v of [...this.vmas]) this.unmapRange(v.start, v.end);
    this.vmas = [];
    this.pt.destroy();
  }

  /** Physical address of a user byte for a kernel access, faulting the page in; undefined = EFAULT. */
  private userPa(va: bigint, access: Access): bigint | undefined {
    if (va < 0n || va >= TASK_SIZE) return undefined;
    const vpn = Number(va >> PAGE_SHIFT);
    if (access === 'load' ? vpn === this.lastLoadVpn : access === 'store' && vpn === this.lastStoreVpn) {
      return (access === 'load' ? this.lastLoadPa : this.lastStorePa) + (va & PAGE_OFFSET_MASK);
    }
    const v = this.find(va);
    if (v && !this.allowed(v, access)) return undefined;
    if (!this.pages.has(vpn) || (access === 'store' && this.cow.has(vpn))) { if (this.fault(va, access) !== 'ok') return undefined; }
    const page = this.pages.get(vpn)!;
    // (a page with no VMA, or the target of a fetch, is not kept)
    if (v && access === 'load') { this.lastLoadVpn = vpn; this.lastLoadPa = page; }
    else if (v && access === 'store') { this.lastStoreVpn = vpn; this.lastStorePa = page; }
    return page + (va & PAGE_OFFSET_MASK);
  }

  /** copy_from_user: undefined when any byte is not readable. */
  read(va: bigint, len: number): Uint8Array | undefined {
    const out = new Uint8Array(len);
    let done = 0;
    while (done < len) {
      const a = va + BigInt(done);
      const pa = this.userPa(a, 'load');
      if (pa === undefined) return undefined;
      const n = Math.min(len - done, PAGE_SIZE - Number(a & PAGE_OFFSET_MASK));
      out.set(this.hart.physView(pa, n), done);
      done += n;
    }
    return out;
  }

  /** copy_to_user: false when any byte is not writable. */
  write(va: bigint, data: Uint8Array): boolean {
    // within one page (a small write(2) buffer): no list of parts, no view of the data
    if (data.length > 0 && data.length <= PAGE_SIZE - Number(va & PAGE_OFFSET_MASK)) {
      const pa = this.userPa(va, 'store');
      if (pa === undefined) return false;
      this.hart.writePhys(pa, data, false);
      return true;
    }
    let done = 0;
    const parts: [bigint, number, number][] = [];
    while (done < data.length) {
      const a = va + BigInt(done);
      const pa = this.userPa(a, 'store');
      if (pa === undefined) return false;
      const n = Math.min(data.length - done, PAGE_SIZE - Number(a & PAGE_OFFSET_MASK));
      parts.push([pa, done, n]);
      done += n;
    }
    for (const [pa, off, n] of parts) this.hart.writePhys(pa, data.subarray(off, off + n), false);
    return true;
  }

  /** strncpy_from_user: the string without its NUL, undefined on a fault or when longer than max. */
  readString(va: bigint, max = 4096): string | undefined {
    const bytes: number[] = [];
    while (bytes.length < max) {
      const a = va + BigInt(bytes.length);
      const pa = this.userPa(a, 'load');
      if (pa === undefined) return undefined;
      const n = PAGE_SIZE - Number(a & PAGE_OFFSET_MASK);
      const view = this.hart.physView(pa, n);
      for (let i = 0; i < n; i++) {
        if (view[i] === 0) return Buffer.from(bytes).toString('utf8');
        bytes.push(view[i]);
        if (bytes.length >= max) break;
      }
    }
    return undefined;
  }

  /** Physical address of a user byte (faulting its page in); undefined = EFAULT. */
  physAddr(va: bigint, access: Access): bigint | undefined { return this.userPa(va, access); }

  /**
   * get_futex_key: a word in a MAP_SHARED mapping is known by its page (the same in every address space), any
   * other by this address space and its address (a private page may be shared copy-on-write after fork and
   * must not wake the other process's waiters). undefined = EFAULT.
   */
  futexKey(va: bigint): bigint | undefined {
    const pa = this.userPa(va, 'load');
    if (pa === undefined) return undefined;
    return this.find(va)?.shared ? pa : (BigInt(this.id) << 64n) | va;
  }

  write32(va: bigint, v: number): boolean {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    return this.write(va, b);
  }

  read64(va: bigint): bigint | undefined {
    const b = this.read(va, 8);
    return b ? Buffer.from(b.buffer, b.byteOffset, 8).readBigUInt64LE(0) : undefined;
  }
  write64(va: bigint, v: bigint): boolean {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt.asUintN(64, v));
    return this.write(va, b);
  }

  /** Resident pages (user pages present now). */
  get residentPages(): number { return this.pages.size; }

  /** Is there anything mapped in [start, end)? */
  isFree(start: bigint, end: bigint): boolean { return !this.overlaps(start, end); }
}

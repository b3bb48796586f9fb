// models arch/riscv/kernel/vdso.c (Linux 6.1): __setup_additional_pages maps [vvar] (VVAR_NR_PAGES = 2:
// the data page and the time-namespace page) and right above it [vdso] (the vdso.so image), at an address
// from get_unmapped_area; mm->context.vdso = the image base, which ARCH_DLINFO hands to the program as
// AT_SYSINFO_EHDR. The data page's physical page belongs to the kernel (time/vsyscall.ts writes it).
import { readFileSync, statSync } from 'node:fs';
import { MAX_VDSO_BYTES } from '../limits';
import { ElfFile, EM_RISCV, ET } from '../../elf/elf';
import { readGuestImage } from '../../guest/images';
import type { MM } from '../mm';
import { PROT_READ, PROT_EXEC } from '../mm';
import type { PageAllocator } from '../pagetable';
import { pageUp, PAGE_BYTES } from '../pagetable';
import { VVAR_NR_PAGES, PAGE_SIZE } from './datapage';
import { VDSO_OFFSETS } from '../../guest/vdso/vdsoSymbols.generated';

export interface VdsoImage {
  bytes: Uint8Array;
  elf: ElfFile;
  /** Host path when the image is a user-supplied file. */
  hostPath?: string;
  /** Offsets of exported functions by name (from the dynamic symbol table). */
  offsets: Record<string, number>;
}

/** Our vdso.so, or a user-supplied one (which must keep the [vvar]-below-text layout). */
export function loadVdsoImage(path?: string): VdsoImage {
  // a device, FIFO or directory would be read without end (or block): refused by type before any read
  if (path) {
    let st;
    try { st = statSync(path); } catch { throw new Error(`vDSO ${path}: No such file or directory`); }
    if (!st.isFile()) throw new Error(`vDSO ${path}: not a regular file`);
    if (st.size > MAX_VDSO_BYTES) throw new Error(`vDSO ${path}: ${st.size} bytes; a vDSO image is at most ${MAX_VDSO_BYTES} bytes`);
  }
  const bytes = path ? new Uint8Array(readFileSync(path)) : readGuestImage('vdso.so');
  let elf: ElfFile;
  try { elf = new ElfFile(bytes); } catch (e) { throw new Error(`vDSO ${path ?? 'vdso.so'}: ${(e as Error).message}`); }
  if (elf.header.machine !== EM_RISCV || elf.header.type !== ET.DYN) {
    throw new Error(`vDSO ${path ?? 'vdso.so'}: not a RISC-V shared object`);
  }
  const offsets: Record<string, number> = path ? {} : { ...VDSO_OFFSETS };
  if (path) {
    for (const s of elf.dynamicSymbols()) if (s.name.startsWith('__vdso_') || s.name.startsWith('__kernel_')) offsets[s.name] = Number(s.value);
  }
  return { bytes, elf, hostPath: path, offsets };
}

export interface VdsoMapping { vvarBase: bigint; vdsoBase: bigint; dataPagePa: bigint; }

/** The kernel's pages for one process: the vvar data page, the timens page and the image pages. */
export class VdsoPages {
  readonly dataPagePa: bigint;
  readonly timensPagePa: bigint;
  readonly imagePages: bigint[] = [];

  constructor(alloc: PageAllocator, writePhys: (pa: bigint, d: Uint8Array) => void, readonly image: VdsoImage) {
    const need = (): bigint => {
      const p = alloc.alloc();
      if (p === undefined) throw new Error('out of guest memory for the vDSO');
      return p;
    };
    this.dataPagePa = need();
    this.timensPagePa = need();
    const n = Number(pageUp(BigInt(image.bytes.length)) / PAGE_BYTES);
    for (let i = 0; i < n; i++) {
      const pa = need();
      writePhys(pa, image.bytes.subarray(i * PAGE_SIZE, Math.min(image.bytes.length, (i + 1) * PAGE_SIZE)));
      this.imagePages.push(pa);
    }
  }

  get textLen(): bigint { return BigInt(this.imagePages.length * PAGE_SIZE); }
}

/** __setup_additional_pages: map [vvar] then [vdso] at `at` (or at a free area top-down). */
export function setupAdditionalPages(mm: MM, pages: VdsoPages, at?: bigint): VdsoMapping {
  const vvarLen = BigInt(VVAR_NR_PAGES * PAGE_SIZE);
  const len = vvarLen + pages.textLen;
  const base = at ?? mm.getUnmappedArea(len);
  if (base === undefined) throw new Error('no address space left for the vDSO');
  mm.mapFixed({ start: base, end: base + vvarLen, prot: PROT_READ, shared: false, pgoff: 0n, name: '[vvar]', special: 'vvar' });
  mm.installForeignPage(base, pages.dataPagePa, PROT_READ);
  mm.installForeignPage(base + PAGE_BYTES, pages.timensPagePa, PROT_READ);
  const vdsoBase = base + vvarLen;
  mm.mapFixed({ start: vdsoBase, end: vdsoBase + pages.textLen, prot: PROT_READ | PROT_EXEC, shared: false, pgoff: 0n, name: '[vdso]', special: 'vdso' });
  pages.imagePages.forEach((pa, i) => mm.installForeignPage(vdsoBase + BigInt(i * PAGE_SIZE), pa, PROT_READ | PROT_EXEC));
  return { vvarBase: base, vdsoBase, dataPagePa: pages.dataPagePa };
}

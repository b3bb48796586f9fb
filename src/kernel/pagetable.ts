// models arch/riscv/include/asm/pgtable.h, pgtable-64.h and arch/riscv/mm/pgtable.c: real Sv39 page tables
// (three levels of 512 eight-byte PTEs) in guest RAM, walked by the hart's MMU. Also the physical page
// allocator over guest RAM (the role of mm/page_alloc.c): pages are handed out lazily, when a mapping is
// touched, so host memory follows what the guest uses.
import type { Hart } from '../hart/hart';

export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12n;
export const PTE_V = 1n, PTE_R = 2n, PTE_W = 4n, PTE_X = 8n, PTE_U = 0x10n, PTE_G = 0x20n, PTE_A = 0x40n, PTE_D = 0x80n;
export const SATP_MODE_SV39 = 8n << 60n;
const RAM_BASE = 0x80000000n;
const ZERO_PAGE = new Uint8Array(PAGE_SIZE);

export function pageDown(a: bigint): bigint { return a & ~0xfffn; }
export function pageUp(a: bigint): bigint { return (a + 0xfffn) & ~0xfffn; }

/** Physical pages of guest RAM above a reserved low part (the kernel image). */
export class PageAllocator {
  private next: bigint;
  private readonly end: bigint;
  private readonly freeList: bigint[] = [];
  /** Pages freed while they might hold decoded instructions: the hart's decode cache must be flushed. */
  codeFreed = false;

  constructor(private readonly hart: Hart, reservedBytes: number) {
    this.next = RAM_BASE + BigInt(Math.ceil(reservedBytes / PAGE_SIZE) * PAGE_SIZE);
    this.end = RAM_BASE + BigInt(hart.ramBytes);
  }

  get freePages(): number { return this.freeList.length + Number((this.end - this.next) / 4096n); }
  get totalPages(): number { return this.hart.ramBytes / PAGE_SIZE; }

  /** A zeroed page, or undefined when guest RAM is exhausted. */
  alloc(): bigint | undefined {
    const reused = this.freeList.pop();
    if (reused !== undefined) {
      this.hart.writePhys(reused, ZERO_PAGE, false);
      return reused;
    }
    if (this.next >= this.end) return undefined;
    const pa = this.next;
    this.next += 4096n;
    this.hart.writePhys(pa, ZERO_PAGE, false); // never used: already zero, but mark it touched for snapshots
    return pa;
  }

  free(pa: bigint, wasCode = false): void {
    this.freeList.push(pa);
    if (wasCode) this.codeFreed = true;
  }
}

export interface PteInfo { pa: bigint; flags: bigint; }

/** One Sv39 address space: the root table and helpers to map, unmap and change 4 KiB pages. */
export class PageTable {
  readonly root: bigint;

  constructor(private readonly hart: Hart, private readonly pages: PageAllocator) {
    const r = pages.alloc();
    if (r === undefined) throw new Error('out of guest memory for the page-table root');
    this.root = r;
  }

  get satp(): bigint { return SATP_MODE_SV39 | (this.root >> 12n); }

  /** Address of the level-0 PTE of `va`, allocating intermediate tables when `create`. */
  private leafSlot(va: bigint, create: boolean): bigint | undefined {
    let table = this.root;
    for (let level = 2; level > 0; level--) {
      const slot = table + ((va >> BigInt(12 + 9 * level)) & 0x1ffn) * 8n;
      let pte = this.hart.readPhys64(slot);
      if (!(pte & PTE_V)) {
        if (!create) return undefined;
        const t = this.pages.alloc();
        if (t === undefined) return undefined;
        pte = ((t >> 12n) << 10n) | PTE_V;
        this.hart.writePhys64(slot, pte);
      } else if (pte & (PTE_R | PTE_W | PTE_X)) {
        throw new Error(`unexpected superpage at 0x${va.toString(16)}`);
      }
      table = ((pte >> 10n) & 0xfffffffffffn) << 12n;
    }
    return table + ((va >> 12n) & 0x1ffn) * 8n;
  }

  /** Map one page; false when a page-table page cannot be allocated. */
  map(va: bigint, pa: bigint, flags: bigint): boolean {
    const slot = this.leafSlot(va, true);
    if (slot === undefined) return false;
    this.hart.writePhys64(slot, ((pa >> 12n) << 10n) | flags | PTE_V | PTE_A | PTE_D);
    return true;
  }

  lookup(va: bigint): PteInfo | undefined {
    const slot = this.leafSlot(va, false);
    if (slot === undefined) return undefined;
    const pte = this.hart.readPhys64(slot);
    if (!(pte & PTE_V)) return undefined;
    return { pa: ((pte >> 10n) & 0xfffffffffffn) << 12n, flags: pte & 0x3ffn };
  }

  unmap(va: bigint): void {
    const slot = this.leafSlot(va, false);
    if (slot !== undefined) this.hart.writePhys64(slot, 0n);
  }

  protect(va: bigint, flags: bigint): void {
    const slot = this.leafSlot(va, false);
    if (slot === undefined) return;
    const pte = this.hart.readPhys64(slot);
    if (pte & PTE_V) this.hart.writePhys64(slot, (pte & ~0x3ffn) | flags | PTE_V | PTE_A | PTE_D);
  }
}

export { ZERO_PAGE };

// models arch/riscv/include/asm/pgtable.h, pgtable-64.h and arch/riscv/mm/pgtable.c: real Sv39 page tables
// (three levels of 512 eight-byte PTEs) in guest RAM, walked by the hart's MMU. Also the physical page
// allocator over guest RAM (the role of mm/page_alloc.c): pages are handed out lazily, when a mapping is
// touched, so host memory follows what the guest uses.
import { RAM_BASE, type Hart } from '../hart/hart';
import {
  PAGE_SHIFT, PTE_V, PTE_R, PTE_W, PTE_X, PTE_A, PTE_D, PTE_PPN, PTE_PPN_SHIFT, SATP_MODE_SV39,
  SATP_MODE_SHIFT, SATP_PPN, SV39_LEVELS, SV39_VPN_BITS,
} from '../isa/encoding.generated';

export { PAGE_SHIFT };
/** Bytes in a page, as a number and as a bigint. */
export const PAGE_SIZE = 1 << Number(PAGE_SHIFT);
export const PAGE_BYTES = BigInt(PAGE_SIZE);
/** The offset-in-page bits of an address (Linux's PAGE_MASK is the complement). */
export const PAGE_OFFSET_MASK = PAGE_BYTES - 1n;
const PAGE_MASK = PAGE_OFFSET_MASK;
/** The low bits of a PTE below the PPN: permissions, A/D, RSW. */
const PTE_FLAGS = (1n << PTE_PPN_SHIFT) - 1n;
const VPN_MASK = (1n << SV39_VPN_BITS) - 1n;
const pteToPa = (pte: bigint): bigint => ((pte & PTE_PPN) >> PTE_PPN_SHIFT) << PAGE_SHIFT;
const paToPte = (pa: bigint): bigint => (pa >> PAGE_SHIFT) << PTE_PPN_SHIFT;
const ZERO_PAGE = new Uint8Array(PAGE_SIZE);
/** Root entries from here on map the upper (kernel) half of Sv39: shared by every address space. */
const KERNEL_ROOT_FIRST = 256;

export function pageDown(a: bigint): bigint { return a & ~PAGE_MASK; }
export function pageUp(a: bigint): bigint { return (a + PAGE_MASK) & ~PAGE_MASK; }

/** Physical pages of guest RAM above a reserved low part (the kernel image). */
export class PageAllocator {
  private next: bigint;
  private readonly end: bigint;
  private readonly freeList: bigint[] = [];
  /** Pages mapped more than once (fork's copy-on-write and shared pages): extra references (page_count - 1). */
  private readonly extraRefs = new Map<bigint, number>();
  /** Pages freed while they might hold decoded instructions: the hart's decode cache must be flushed. */
  codeFreed = false;

  constructor(private readonly hart: Hart, reservedBytes: number) {
    this.next = RAM_BASE + BigInt(Math.ceil(reservedBytes / PAGE_SIZE) * PAGE_SIZE);
    this.end = RAM_BASE + BigInt(hart.ramBytes);
  }

  get freePages(): number { return this.freeList.length + Number((this.end - this.next) >> PAGE_SHIFT); }
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
    this.next += BigInt(PAGE_SIZE);
    this.hart.writePhys(pa, ZERO_PAGE, false); // never used: already zero, but mark it touched for snapshots
    return pa;
  }

  /** get_page: one more mapping of `pa` (fork shares it copy-on-write or MAP_SHARED). */
  ref(pa: bigint): void { this.extraRefs.set(pa, (this.extraRefs.get(pa) ?? 0) + 1); }

  /** How many mappings hold `pa` (page_count). */
  refCount(pa: bigint): number { return 1 + (this.extraRefs.get(pa) ?? 0); }

  /** put_page: drop one reference; the page is free when it was the last. */
  free(pa: bigint, wasCode = false): void {
    const extra = this.extraRefs.get(pa);
    if (extra !== undefined) {
      if (extra <= 1) this.extraRefs.delete(pa); else this.extraRefs.set(pa, extra - 1);
      return;
    }
    this.freeList.push(pa);
    if (wasCode) this.codeFreed = true;
  }
}

export interface PteInfo { pa: bigint; flags: bigint; }

/** One Sv39 address space: the root table and helpers to map, unmap and change 4 KiB pages. */
export class PageTable {
  readonly root: bigint;

  constructor(private readonly hart: Hart, private readonly pages: PageAllocator, kernel?: PageTable) {
    const r = pages.alloc();
    if (r === undefined) throw new Error('out of guest memory for the page-table root');
    this.root = r;
    // pgd_alloc: the kernel half of the root (the trap entry's global mapping) is shared with every address space
    if (kernel) for (let i = KERNEL_ROOT_FIRST; i < 512; i++) this.hart.writePhys64(r + BigInt(i) * 8n, this.hart.readPhys64(kernel.root + BigInt(i) * 8n));
  }

  /** pgd_free/free_pgtables: the user half's table pages go back to the allocator (the leaves were unmapped before). */
  destroy(): void {
    const freeTables = (table: bigint, level: number, first: number, last: number): void => {
      for (let i = first; i < last; i++) {
        const pte = this.hart.readPhys64(table + BigInt(i) * 8n);
        if (!(pte & PTE_V) || (pte & (PTE_R | PTE_W | PTE_X))) continue;
        if (level > 1) freeTables(pteToPa(pte), level - 1, 0, 512);
        this.pages.free(pteToPa(pte));
      }
    };
    freeTables(this.root, SV39_LEVELS - 1, 0, KERNEL_ROOT_FIRST);
    this.pages.free(this.root);
  }

  get satp(): bigint { return (SATP_MODE_SV39 << SATP_MODE_SHIFT) | ((this.root >> PAGE_SHIFT) & SATP_PPN); }

  /** Address of the level-0 PTE of `va`, allocating intermediate tables when `create`. */
  private leafSlot(va: bigint, create: boolean): bigint | undefined {
    let table = this.root;
    for (let level = SV39_LEVELS - 1; level > 0; level--) {
      const slot = table + ((va >> (PAGE_SHIFT + SV39_VPN_BITS * BigInt(level))) & VPN_MASK) * 8n;
      let pte = this.hart.readPhys64(slot);
      if (!(pte & PTE_V)) {
        if (!create) return undefined;
        const t = this.pages.alloc();
        if (t === undefined) return undefined;
        pte = paToPte(t) | PTE_V;
        this.hart.writePhys64(slot, pte);
      } else if (pte & (PTE_R | PTE_W | PTE_X)) {
        throw new Error(`unexpected superpage at 0x${va.toString(16)}`);
      }
      table = pteToPa(pte);
    }
    return table + ((va >> PAGE_SHIFT) & VPN_MASK) * 8n;
  }

  /** Map one page; false when a page-table page cannot be allocated. */
  map(va: bigint, pa: bigint, flags: bigint): boolean {
    const slot = this.leafSlot(va, true);
    if (slot === undefined) return false;
    this.hart.writePhys64(slot, paToPte(pa) | flags | PTE_V | PTE_A | PTE_D);
    return true;
  }

  lookup(va: bigint): PteInfo | undefined {
    const slot = this.leafSlot(va, false);
    if (slot === undefined) return undefined;
    const pte = this.hart.readPhys64(slot);
    if (!(pte & PTE_V)) return undefined;
    return { pa: pteToPa(pte), flags: pte & PTE_FLAGS };
  }

  unmap(va: bigint): void {
    const slot = this.leafSlot(va, false);
    if (slot !== undefined) this.hart.writePhys64(slot, 0n);
  }

  protect(va: bigint, flags: bigint): void {
    const slot = this.leafSlot(va, false);
    if (slot === undefined) return;
    const pte = this.hart.readPhys64(slot);
    if (pte & PTE_V) this.hart.writePhys64(slot, (pte & ~PTE_FLAGS) | flags | PTE_V | PTE_A | PTE_D);
  }
}

export { ZERO_PAGE };

// models arch/riscv/kernel/head.S + setup.c's part of bringing up the hart for Linux (what OpenSBI and the early
// boot code leave set up): exception and interrupt delegation to S-mode, counters visible to U-mode (the vDSO
// reads `time`), Sstc enabled, stvec = handle_exception, sscratch = the task block, satp = the address space;
// and the mapping of the trap entry (entry.elf, supervisor-only and global) at its link address.
import { PRV_U, type Hart } from '../hart/hart';
import { ElfFile, PT } from '../elf/elf';
import { PageTable, PTE_R, PTE_W, PTE_X, PTE_G, pageDown } from './pagetable';
import { ENTRY_SYMBOLS, ENTRY_LINK_BASE } from '../guest/kernel/entrySymbols.generated';
import { ENTRY_PHYS_BASE, SR_FS_INITIAL, SR_SPIE } from './entry';

/** U-mode exceptions delegated to S-mode: misaligned/access faults, illegal, breakpoint, ecall from U, page faults. */
const MEDELEG_USER = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 15].reduce((m, c) => m | (1n << BigInt(c)), 0n);
/** SSIP, STIP, SEIP. */
const MIDELEG_S = (1n << 1n) | (1n << 5n) | (1n << 9n);
export const CSR = { sstatus: 0x100, sie: 0x104, stvec: 0x105, scounteren: 0x106, sscratch: 0x140, stimecmp: 0x14d, satp: 0x180,
  medeleg: 0x302, mideleg: 0x303, mcounteren: 0x306, menvcfg: 0x30a } as const;

/** Address of a symbol of entry.elf. */
export function entrySymbol(name: string): bigint {
  const s = ENTRY_SYMBOLS.find((x) => x.name === name);
  if (!s) throw new Error(`entry.elf has no symbol ${name}`);
  return s.address;
}

/** entry.elf's PT_LOADs at their link addresses, supervisor-only, backed by the start of RAM. */
export function mapKernel(hart: Hart, pt: PageTable, elf: ElfFile): void {
  for (const p of elf.programHeaders) {
    if (p.type !== PT.LOAD) continue;
    const pa = p.vaddr - ENTRY_LINK_BASE + ENTRY_PHYS_BASE;
    if (p.filesz > 0n) hart.writePhys(pa, elf.segmentData(p));
    let flags = PTE_G | PTE_R;
    if (p.flags & 2) flags |= PTE_W;
    if (p.flags & 1) flags |= PTE_X;
    for (let va = pageDown(p.vaddr); va < p.vaddr + p.memsz; va += 4096n) {
      if (!pt.map(va, va - ENTRY_LINK_BASE + ENTRY_PHYS_BASE, flags)) throw new Error('out of guest memory for the kernel');
    }
  }
}

/** The hart's state for Linux mode, then U-mode at `entry` with sp = `sp` and the first timer tick programmed. */
export function setupHart(h: Hart, satp: bigint, entry: bigint, sp: bigint, firstTick: bigint): void {
  h.sbiHost = true;
  h.setCsr(CSR.medeleg, MEDELEG_USER);
  h.setCsr(CSR.mideleg, MIDELEG_S);
  h.setCsr(CSR.menvcfg, 1n << 63n);
  h.setCsr(CSR.mcounteren, 7n);
  h.setCsr(CSR.scounteren, 7n);
  h.setCsr(CSR.stvec, entrySymbol('handle_exception'));
  h.setCsr(CSR.sscratch, entrySymbol('init_task'));
  h.setCsr(CSR.satp, satp);
  h.setCsr(CSR.sie, 1n << 5n);
  h.setCsr(CSR.sstatus, SR_FS_INITIAL | SR_SPIE);
  h.setCsr(CSR.stimecmp, firstTick);
  for (let i = 1; i < 32; i++) h.setX(i, 0n);
  h.setX(2, sp);
  h.priv = PRV_U;
  h.pc = entry;
  h.flushTlbs();
}

// models arch/riscv/kernel/head.S + setup.c's part of bringing up the hart for Linux (what OpenSBI and the early
// boot code leave set up): PMP opening all of memory to S and U-mode (OpenSBI's last entry), exception and
// interrupt delegation to S-mode, counters visible to U-mode (the vDSO
// reads `time`), Sstc enabled, stvec = handle_exception, sscratch = the task block, satp = the address space;
// and the mapping of the trap entry (entry.elf, supervisor-only and global) at its link address.
import { PRV_U, type Hart } from '../hart/hart';
import { ElfFile, PT } from '../elf/elf';
import { PageTable, PAGE_SIZE, pageDown } from './pagetable';
import { ENTRY_SYMBOLS, ENTRY_LINK_BASE } from '../guest/kernel/entrySymbols.generated';
import { ENTRY_PHYS_BASE } from './entry';
import {
  PTE_R, PTE_W, PTE_X, PTE_G, CSR_SSTATUS, CSR_SIE, CSR_STVEC, CSR_SCOUNTEREN, CSR_SSCRATCH, CSR_STIMECMP, CSR_SATP,
  CSR_MEDELEG, CSR_MIDELEG, CSR_MCOUNTEREN, CSR_MENVCFG, MENVCFG_STCE, MIP_SSIP, MIP_STIP, MIP_SEIP, SIE_STIE,
  MSTATUS_FS_SHIFT, MSTATUS_FS_INITIAL, SSTATUS_SPIE, MCOUNTEREN_CY, MCOUNTEREN_TM, MCOUNTEREN_IR, SCOUNTEREN_CY,
  SCOUNTEREN_TM, SCOUNTEREN_IR, CAUSE_MISALIGNED_FETCH, CAUSE_FETCH_ACCESS, CAUSE_ILLEGAL, CAUSE_BREAKPOINT,
  CAUSE_MISALIGNED_LOAD, CAUSE_LOAD_ACCESS, CAUSE_MISALIGNED_STORE, CAUSE_STORE_ACCESS, CAUSE_USER_ECALL,
  CAUSE_FETCH_PAGE, CAUSE_LOAD_PAGE, CAUSE_STORE_PAGE, CSR_PMPADDR0, CSR_PMPCFG0,
} from '../isa/encoding.generated';

/** PMP entry 0 as the firmware leaves it for the kernel: NAPOT over the whole physical space, R/W/X. */
const PMP_ALL_ADDR = (1n << 54n) - 1n;
const PMP_NAPOT_RWX = (3n << 3n) | 7n;

/** U-mode exceptions delegated to S-mode: misaligned/access faults, illegal, breakpoint, ecall from U, page faults. */
const MEDELEG_USER = [
  CAUSE_MISALIGNED_FETCH, CAUSE_FETCH_ACCESS, CAUSE_ILLEGAL, CAUSE_BREAKPOINT, CAUSE_MISALIGNED_LOAD, CAUSE_LOAD_ACCESS,
  CAUSE_MISALIGNED_STORE, CAUSE_STORE_ACCESS, CAUSE_USER_ECALL, CAUSE_FETCH_PAGE, CAUSE_LOAD_PAGE, CAUSE_STORE_PAGE,
].reduce((m, c) => m | (1n << BigInt(c)), 0n);
/** The supervisor interrupts: software, timer, external. */
const MIDELEG_S = MIP_SSIP | MIP_STIP | MIP_SEIP;

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
    for (let va = pageDown(p.vaddr); va < p.vaddr + p.memsz; va += BigInt(PAGE_SIZE)) {
      if (!pt.map(va, va - ENTRY_LINK_BASE + ENTRY_PHYS_BASE, flags)) throw new Error('out of guest memory for the kernel');
    }
  }
}

/** The hart's state for Linux mode, then U-mode at `entry` with sp = `sp` and the first timer tick programmed. */
export function setupHart(h: Hart, satp: bigint, entry: bigint, sp: bigint, firstTick: bigint): void {
  h.sbiHost = true;
  h.setCsr(CSR_PMPADDR0, PMP_ALL_ADDR);
  h.setCsr(CSR_PMPCFG0, PMP_NAPOT_RWX);
  h.setCsr(CSR_MEDELEG, MEDELEG_USER);
  h.setCsr(CSR_MIDELEG, MIDELEG_S);
  h.setCsr(CSR_MENVCFG, MENVCFG_STCE);
  h.setCsr(CSR_MCOUNTEREN, MCOUNTEREN_CY | MCOUNTEREN_TM | MCOUNTEREN_IR);
  h.setCsr(CSR_SCOUNTEREN, SCOUNTEREN_CY | SCOUNTEREN_TM | SCOUNTEREN_IR);
  h.setCsr(CSR_STVEC, entrySymbol('handle_exception'));
  h.setCsr(CSR_SSCRATCH, entrySymbol('init_task'));
  h.setCsr(CSR_SATP, satp);
  h.setCsr(CSR_SIE, SIE_STIE);
  h.setCsr(CSR_SSTATUS, (MSTATUS_FS_INITIAL << MSTATUS_FS_SHIFT) | SSTATUS_SPIE);
  h.setCsr(CSR_STIMECMP, firstTick);
  for (let i = 1; i < 32; i++) h.setX(i, 0n);
  h.setX(2, sp);
  h.priv = PRV_U;
  h.pc = entry;
  h.flushTlbs();
}

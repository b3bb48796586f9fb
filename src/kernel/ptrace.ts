// models what a debugger gets from ptrace (PTRACE_GETREGSET NT_PRSTATUS, i.e. task_pt_regs) while the hart is
// inside our trap entry (src/guest/kernel/entry.S): the interrupted user context, also while entry.S is still
// building the pt_regs frame or restoring registers from it. The trap entry is ours, so this file may know its
// phases; it reads them from the generated symbols and PT_*/TASK_* offsets, and follows the frame stores
// generically (a register's value is live until an instruction overwrites it; from then on it is in the frame
// slot entry.S stored it to), so it need not be updated instruction by instruction when entry.S changes.
import type { Hart } from '../hart/hart';
import { opIndex } from '../isa/decode';
import { INSNS } from '../isa/instructions';
import { CSR_SEPC, CSR_SSCRATCH } from '../isa/encoding.generated';
import { ENTRY_SYMBOLS, PT_REGS, TASK_BLOCK } from '../guest/kernel/entrySymbols.generated';
import { framePhys } from './entry';
import type { UserContext } from './api';


const OP_SD = opIndex('sd');
const OP_SRET = opIndex('sret');

function symbol(name: string): { start: bigint; end: bigint } {
  const s = ENTRY_SYMBOLS.find((e) => e.name === name);
  if (!s) throw new Error(`entry.elf has no symbol ${name}`);
  return { start: s.address, end: s.address + BigInt(s.size) };
}
const HANDLE_EXCEPTION = symbol('handle_exception');
const SAVE_CONTEXT = symbol('_save_context').start;
const FRAME_COMPLETE = symbol('handle_trap_hypercall').start;
const RET_FROM_EXCEPTION = symbol('ret_from_exception');

/** Kernel addresses have the top bit set (Sv39 upper half); user addresses do not. */
const isKernelAddress = (a: bigint) => (a >> 63n) === 1n;


/**
 * The interrupted user context while the hart runs the trap entry of a trap from U-mode; undefined when the
 * pc is not in the trap entry.
 */
export function interruptedUserContext(hart: Hart): UserContext | undefined {
  const pc = hart.pc;
  const inEntry = pc >= HANDLE_EXCEPTION.start && pc < HANDLE_EXCEPTION.end;
  const inReturn = pc >= RET_FROM_EXCEPTION.start && pc < RET_FROM_EXCEPTION.end;
  if (!inEntry && !inReturn) return undefined;
  const live: (bigint | undefined)[] = Array.from({ length: 32 }, (_, i) => hart.x(i));
  const sepc = hart.csr(CSR_SEPC);
  const read = (va: bigint) => hart.readPhys64(framePhys(va));
  const fromFrame = (base: bigint): UserContext => {
    const regs: (bigint | undefined)[] = [0n];
    for (let i = 1; i < 32; i++) regs.push(read(base + BigInt(i * 8)));
    return { pc: read(base + BigInt(PT_REGS.PT_EPC)), regs };
  };
  const sp = live[2]!;
  if (inReturn || pc >= FRAME_COMPLETE) {
    // the frame is complete (the host may have changed it) until the last register is restored and sret runs
    const d = hart.instructionAt(pc);
    if (!isKernelAddress(sp) || d?.op === OP_SRET) return { pc: sepc, regs: live };
    return fromFrame(sp);
  }
  // the frame is being built: tp holds the task block (the user tp is in sscratch) once swapped
  const regs = [...live];
  const tp = live[4]!;
  if (isKernelAddress(tp)) regs[4] = hart.csr(CSR_SSCRATCH);
  if (pc < SAVE_CONTEXT) return { pc: sepc, regs };
  // follow entry.S from _save_context to pc: which registers it overwrote, which frame slots it stored
  const stored = new Set<number>();
  const clobbered = new Set<number>();
  for (let a = SAVE_CONTEXT, n = 0; a < pc && n < 256; n++) {
    const d = hart.instructionAt(a);
    if (!d || d.op < 0) return undefined;
    if (d.op === OP_SD && d.rs1 === 2) stored.add(d.imm);
    else if (d.rd !== 0 && INSNS[d.op].operands.includes('rd')) clobbered.add(d.rd);
    a += BigInt(d.length);
  }
  for (const i of clobbered) {
    if (stored.has(i * 8)) regs[i] = read(sp + BigInt(i * 8));
    else if (i === 2) regs[2] = read(tp + BigInt(TASK_BLOCK.TASK_USER_SP));
    else regs[i] = undefined;
  }
  if (stored.has(PT_REGS.PT_TP)) regs[4] = read(sp + BigInt(PT_REGS.PT_TP));
  return { pc: stored.has(PT_REGS.PT_EPC) ? read(sp + BigInt(PT_REGS.PT_EPC)) : sepc, regs };
}

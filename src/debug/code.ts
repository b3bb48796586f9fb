// Reading the guest's instructions for the debugger: decode at an address, and the instruction classes the
// stepper and the unwinder ask about.
import type { Hart } from '../hart/hart';
import { decode, opIndex } from '../isa/decode';
import type { Decoded } from '../isa/types';

const OP_JAL = opIndex('jal');
const OP_JALR = opIndex('jalr');

/** The instruction at a virtual address, or undefined when it cannot be read. */
export function instructionAt(hart: Hart, pc: bigint): Decoded | undefined {
  const lo = hart.readVirt(pc, 2);
  if (!lo) return undefined;
  let bits = lo[0] | (lo[1] << 8);
  if ((bits & 3) === 3) {
    const hi = hart.readVirt(pc + 2n, 2);
    if (!hi) return undefined;
    bits |= (hi[0] << 16) | (hi[1] << 24);
  }
  return decode(bits >>> 0);
}

/** A call: jal/jalr that links in ra or t0 (the psABI's link registers). */
export function isCall(d: Decoded | undefined): boolean {
  return !!d && (d.op === OP_JAL || d.op === OP_JALR) && (d.rd === 1 || d.rd === 5);
}

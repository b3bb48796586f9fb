// Reading the guest's instructions for the debugger: the instruction classes the
// stepper and the unwinder ask about.
import { opIndex } from '../isa/decode';
import type { Decoded } from '../isa/types';

const OP_JAL = opIndex('jal');
const OP_JALR = opIndex('jalr');

const TRANSFERS = new Set(['jal', 'jalr', 'beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu'].map(opIndex));

/** A jump or branch (compressed forms decode to these): the end of a function's straight-line prologue. */
export function isControlTransfer(d: Decoded | undefined): boolean {
  return !!d && TRANSFERS.has(d.op);
}

/** A call: jal/jalr that links in ra or t0 (the psABI's link registers). */
export function isCall(d: Decoded | undefined): boolean {
  return !!d && (d.op === OP_JAL || d.op === OP_JALR) && (d.rd === 1 || d.rd === 5);
}

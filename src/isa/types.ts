// The shape of the one ISA table (src/isa/instructions.ts) and of a decoded instruction. The decoder, the hart
// (through the generated op numbers of src/hart/core/ops.generated.ts), the disassembler and the language server
// all read the table; nothing else in the project restates an encoding.

/** Operand kinds, in assembly order, for the assembler-facing tools (disassembler, language server). */
export type OperandKind =
  | 'rd' | 'rs1' | 'rs2'                 // integer registers
  | 'fd' | 'fs1' | 'fs2' | 'fs3'         // floating-point registers
  | 'imm'                                // signed immediate (I-type, shifts use 'shamt')
  | 'shamt'                              // shift amount
  | 'uimm20'                             // lui/auipc upper immediate (printed as 20-bit value)
  | 'offset'                             // branch/jump target (pc-relative)
  | 'mem'                                // imm(rs1) memory operand
  | 'amo'                                // (rs1) memory operand of LR/SC/AMO
  | 'csr'                                // CSR number
  | 'zimm'                               // 5-bit CSR immediate
  | 'rm'                                 // optional rounding mode (printed only when not dyn)
  | 'pred' | 'succ';                     // fence sets

export type Format =
  | 'R' | 'R4' | 'I' | 'S' | 'B' | 'U' | 'J' | 'SHIFT' | 'CSR' | 'CSRI' | 'AMO' | 'FENCE' | 'NONE'
  // compressed formats (RVC), each expands to a base instruction
  | 'CR' | 'CI' | 'CSS' | 'CIW' | 'CL' | 'CS' | 'CA' | 'CB' | 'CJ';

export interface InsnDef {
  /** Mnemonic as the GNU assembler spells it (`addi`, `fadd.d`, `c.addi16sp`, `lr.w`, `sfence.vma`). */
  readonly name: string;
  /** Instruction bits that must match `match` under `mask`. 16-bit forms use only the low 16 bits. */
  readonly match: number;
  readonly mask: number;
  /** 2 for compressed, 4 otherwise. */
  readonly length: 2 | 4;
  readonly format: Format;
  /** Extension: I, M, A, F, D, C, Zicsr, Zifencei, Priv. */
  readonly ext: string;
  /** Operands in assembly order. */
  readonly operands: readonly OperandKind[];
  /** For compressed forms: the base instruction this one expands to. */
  readonly expandsTo?: string;
  /** One line of meaning, for hovers. */
  readonly summary: string;
  // Execution properties (like v86's instruction-table flags); a compressed form has its base instruction's.
  /** The core's call-free fast loop runs it (execSimple in src/hart/core/exec.ts; test/hart/fastpath.test.ts). */
  readonly fast: boolean;
  /** A translated block (src/hart/jit/) may contain it. */
  readonly jit: boolean;
  /** A translated block ends after it (its target is known only at run time). */
  readonly endsBlock: boolean;
}

/**
 * A decoded instruction. Compressed instructions are returned expanded: `op` is the index of the base
 * instruction in INSNS and `cop` the index of the compressed form. Register fields are numbers 0..31
 * (integer or FP, as the instruction's operands say). `imm` is a signed 32-bit value:
 * I/S/B/J/CSR-offset immediates sign-extended, U-type as the full (imm20 << 12) | 0, shifts as the amount,
 * CSR instructions as the CSR number (and rs1 holds zimm for the *i forms), fence as (pred << 4) | succ.
 * `rm` is funct3 for FP instructions (7 = dynamic), and aq/rl (aq << 1 | rl) for AMOs.
 */
export interface Decoded {
  /** Index into INSNS of the (expanded) base instruction, -1 when the bits are not a valid instruction. */
  op: number;
  /** Index into INSNS of the compressed form, -1 for 32-bit instructions. */
  cop: number;
  rd: number;
  rs1: number;
  rs2: number;
  rs3: number;
  imm: number;
  rm: number;
  length: 2 | 4;
  raw: number;
}

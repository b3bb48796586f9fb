// The CSR table: every CSR the hart implements, with its fields, for the debugger's CSR view and hovers.
// Facts from the RISC-V privileged specification (Machine/Supervisor levels, Sstc for stimecmp).

export type Privilege = 'U' | 'S' | 'M';

export interface CsrField {
  readonly name: string;
  readonly lsb: number;
  readonly msb: number;
  readonly summary: string;
  /** Meaning of particular values of the field. */
  readonly values?: Readonly<Record<number, string>>;
  /** The field holds address bits msb..lsb in place: the address it means is (value << lsb), e.g. xtvec.BASE. */
  readonly isAddress?: boolean;
}

export interface CsrDef {
  readonly address: number;
  readonly name: string;
  /** Lowest privilege level that may access it (address bits 9:8). */
  readonly privilege: Privilege;
  /** Read-only by its number (address bits 11:10 = 11). */
  readonly readOnly: boolean;
  readonly summary: string;
  readonly fields: readonly CsrField[];
  /**
   * The bits a plain write changes (WARL: the others keep their value; 0n: writes are ignored). Absent: every
   * bit is written. The core takes existence and these masks from the generated encoding module; CSRs whose
   * writes have side effects (mstatus/sstatus, mie/mip and their views, xtvec, satp, counters, fcsr,
   * stimecmp, menvcfg) have hand-written rules in src/hart/core/csr.ts instead.
   */
  readonly write?: bigint;
}

/**
 * CSR numbers the hart implements beyond the table: ranges that read as zero and ignore writes (no hpm events,
 * no PMP), and slots that hold what is written (not shown in the views).
 */
export const CSR_RANGES: readonly { first: number; last: number; readsZero: boolean; summary: string }[] = [
  { first: 0xc03, last: 0xc1f, readsZero: true, summary: 'hpmcounter3..31' },
  { first: 0xb03, last: 0xb1f, readsZero: true, summary: 'mhpmcounter3..31' },
  { first: 0x323, last: 0x33f, readsZero: true, summary: 'mhpmevent3..31' },
  // PMP: 16 entries (pmpcfg0/2, pmpaddr0..15, in the table); entries 16..63 read as zero. RV64 has only the even
  // pmpcfg registers (each holds 8 entries); the odd numbers do not exist
  ...Array.from({ length: 6 }, (_, i) => ({ first: 0x3a4 + 2 * i, last: 0x3a4 + 2 * i, readsZero: true, summary: `pmpcfg${4 + 2 * i} (entries ${16 + 8 * i}..${23 + 8 * i}: not implemented)` })),
  { first: 0x3c0, last: 0x3ef, readsZero: true, summary: 'pmpaddr16..63 (not implemented)' },
  // not here, so an access is an illegal instruction: mstatush (RV32 only), mtinst and mtval2 (hypervisor)
];

/** Privilege levels by their letter (the encoding of mstatus.MPP, and of the CSR address bits 9:8). */
export const PRIVILEGE_LEVELS: Readonly<Record<Privilege, number>> = { U: 0, S: 1, M: 3 };
/** The letter of a privilege level ('?' for the reserved 2 or anything else). */
export function privilegeName(level: number): Privilege | '?' {
  return level === 0 ? 'U' : level === 1 ? 'S' : level === 3 ? 'M' : '?';
}

/** A trap cause: its code in xcause, the constant name the generated encoding module gives it, its summary. */
export interface CauseDef {
  readonly code: number;
  readonly constName: string;
  readonly summary: string;
}

/** Exception causes (xcause with Interrupt = 0). */
export const EXCEPTIONS: readonly CauseDef[] = [
  { code: 0, constName: 'CAUSE_MISALIGNED_FETCH', summary: 'instruction address misaligned' },
  { code: 1, constName: 'CAUSE_FETCH_ACCESS', summary: 'instruction access fault' },
  { code: 2, constName: 'CAUSE_ILLEGAL', summary: 'illegal instruction' },
  { code: 3, constName: 'CAUSE_BREAKPOINT', summary: 'breakpoint' },
  { code: 4, constName: 'CAUSE_MISALIGNED_LOAD', summary: 'load address misaligned' },
  { code: 5, constName: 'CAUSE_LOAD_ACCESS', summary: 'load access fault' },
  { code: 6, constName: 'CAUSE_MISALIGNED_STORE', summary: 'store/AMO address misaligned' },
  { code: 7, constName: 'CAUSE_STORE_ACCESS', summary: 'store/AMO access fault' },
  { code: 8, constName: 'CAUSE_USER_ECALL', summary: 'environment call from U-mode' },
  { code: 9, constName: 'CAUSE_SUPERVISOR_ECALL', summary: 'environment call from S-mode' },
  { code: 11, constName: 'CAUSE_MACHINE_ECALL', summary: 'environment call from M-mode' },
  { code: 12, constName: 'CAUSE_FETCH_PAGE', summary: 'instruction page fault' },
  { code: 13, constName: 'CAUSE_LOAD_PAGE', summary: 'load page fault' },
  { code: 15, constName: 'CAUSE_STORE_PAGE', summary: 'store/AMO page fault' },
];

/** Interrupt causes (xcause with Interrupt = 1); the bit of each in mip/mie is 1 << code. */
export const INTERRUPTS: readonly CauseDef[] = [
  { code: 1, constName: 'IRQ_S_SOFT', summary: 'supervisor software interrupt' },
  { code: 3, constName: 'IRQ_M_SOFT', summary: 'machine software interrupt' },
  { code: 5, constName: 'IRQ_S_TIMER', summary: 'supervisor timer interrupt' },
  { code: 7, constName: 'IRQ_M_TIMER', summary: 'machine timer interrupt' },
  { code: 9, constName: 'IRQ_S_EXT', summary: 'supervisor external interrupt' },
  { code: 11, constName: 'IRQ_M_EXT', summary: 'machine external interrupt' },
  { code: 13, constName: 'IRQ_LCOF', summary: 'counter-overflow interrupt' },
];

/** Exception causes by code. */
export const EXCEPTION_CAUSES: Readonly<Record<number, string>> = Object.fromEntries(EXCEPTIONS.map((c) => [c.code, c.summary]));
/** Interrupt causes by code. */
export const INTERRUPT_CAUSES: Readonly<Record<number, string>> = Object.fromEntries(INTERRUPTS.map((c) => [c.code, c.summary]));

// ---- field building blocks ------------------------------------------------------------------------------
const fld = (name: string, lsb: number, msb: number, summary: string, values?: Record<number, string>): CsrField =>
  values === undefined ? { name, lsb, msb, summary } : { name, lsb, msb, summary, values };
const bit = (name: string, n: number, summary: string, values?: Record<number, string>) => fld(name, n, n, summary, values);
const whole = (summary: string): CsrField[] => [fld('value', 0, 63, summary)];

const XL = { 1: '32-bit', 2: '64-bit', 3: '128-bit' };
const EXT_STATE = { 0: 'Off', 1: 'Initial', 2: 'Clean', 3: 'Dirty' };
const XS_STATE = { 0: 'All off', 1: 'None dirty or clean, some on', 2: 'None dirty, some clean', 3: 'Some dirty' };
const ENDIAN = { 0: 'little-endian', 1: 'big-endian' };

const MSTATUS_FIELDS: CsrField[] = [
  bit('SIE', 1, 'Supervisor interrupt enable'),
  bit('MIE', 3, 'Machine interrupt enable'),
  bit('SPIE', 5, 'SIE before the last trap into S-mode'),
  bit('UBE', 6, 'U-mode data accesses are big-endian', ENDIAN),
  bit('MPIE', 7, 'MIE before the last trap into M-mode'),
  bit('SPP', 8, 'Privilege before the last trap into S-mode', { 0: 'U', 1: 'S' }),
  fld('VS', 9, 10, 'Vector unit state', EXT_STATE),
  fld('MPP', 11, 12, 'Privilege before the last trap into M-mode', { 0: 'U', 1: 'S', 3: 'M' }),
  fld('FS', 13, 14, 'Floating-point unit state', EXT_STATE),
  fld('XS', 15, 16, 'Summary of additional user-mode extension state', XS_STATE),
  bit('MPRV', 17, 'Loads and stores use the privilege in MPP'),
  bit('SUM', 18, 'Permit supervisor access to user memory'),
  bit('MXR', 19, 'Make executable pages readable'),
  bit('TVM', 20, 'Trap satp accesses and sfence.vma in S-mode'),
  bit('TW', 21, 'Trap wfi in modes below M'),
  bit('TSR', 22, 'Trap sret in S-mode'),
  fld('UXL', 32, 33, 'XLEN in U-mode', XL),
  fld('SXL', 34, 35, 'XLEN in S-mode', XL),
  bit('SBE', 36, 'S-mode data accesses are big-endian', ENDIAN),
  bit('MBE', 37, 'M-mode data accesses are big-endian', ENDIAN),
  bit('SD', 63, 'Some of FS/VS/XS is dirty'),
];

/** sstatus is a view of these mstatus fields (same positions). */
const SSTATUS_FIELDS: CsrField[] = MSTATUS_FIELDS.filter((f) =>
  ['SIE', 'SPIE', 'UBE', 'SPP', 'VS', 'FS', 'XS', 'SUM', 'MXR', 'UXL', 'SD'].includes(f.name));

/** mip/mie fields (name without the IP/IE suffix, interrupt, label). */
const INT_BITS: [string, string, string][] = [
  ['SS', 'IRQ_S_SOFT', 'supervisor software'], ['MS', 'IRQ_M_SOFT', 'machine software'], ['ST', 'IRQ_S_TIMER', 'supervisor timer'],
  ['MT', 'IRQ_M_TIMER', 'machine timer'], ['SE', 'IRQ_S_EXT', 'supervisor external'], ['ME', 'IRQ_M_EXT', 'machine external'],
  ['LCOF', 'IRQ_LCOF', 'counter overflow'],
];
const irqCode = (constName: string): number => INTERRUPTS.find((c) => c.constName === constName)!.code;
const intFields = (suffix: 'IE' | 'IP', sOnly: boolean): CsrField[] =>
  INT_BITS.filter(([n]) => !sOnly || n.startsWith('S') || n === 'LCOF')
    .map(([n, irq, s]) => bit(n + suffix, irqCode(irq), `${s} interrupt ${suffix === 'IE' ? 'enabled' : 'pending'}`));

const tvec = (mode: string): CsrField[] => [
  fld('MODE', 0, 1, `${mode} trap vector mode`, { 0: 'Direct', 1: 'Vectored' }),
  { ...fld('BASE', 2, 63, 'Trap vector base address (bits 63:2; the address is BASE << 2)'), isAddress: true },
];
const cause: CsrField[] = [
  fld('Code', 0, 62, 'Exception or interrupt code'),
  bit('Interrupt', 63, 'The trap was an interrupt', { 0: 'exception', 1: 'interrupt' }),
];
const counteren = (what: string): CsrField[] => [
  bit('CY', 0, `cycle is accessible ${what}`), bit('TM', 1, `time is accessible ${what}`),
  bit('IR', 2, `instret is accessible ${what}`), fld('HPM', 3, 31, `hpmcounter3..31 are accessible ${what}`),
];
const FFLAGS: CsrField[] = [
  bit('NX', 0, 'Inexact'), bit('UF', 1, 'Underflow'), bit('OF', 2, 'Overflow'), bit('DZ', 3, 'Divide by zero'),
  bit('NV', 4, 'Invalid operation'),
];
const RM_VALUES = { 0: 'RNE (to nearest, ties to even)', 1: 'RTZ (towards zero)', 2: 'RDN (down)', 3: 'RUP (up)',
  4: 'RMM (to nearest, ties to max magnitude)', 5: 'reserved', 6: 'reserved', 7: 'DYN (invalid in frm)' };
const ENVCFG_S: CsrField[] = [
  bit('FIOM', 0, 'Fence of I/O implies memory'),
  fld('CBIE', 4, 5, 'Cache-block invalidate instruction enable', { 0: 'illegal', 1: 'flush', 3: 'invalidate' }),
  bit('CBCFE', 6, 'Cache-block clean and flush instruction enable'),
  bit('CBZE', 7, 'Cache-block zero instruction enable'),
];
const delegBits = (table: Readonly<Record<number, string>>): CsrField[] =>
  Object.entries(table).map(([c, n]) => bit(`D${c}`, Number(c), `Delegate ${n} to S-mode`));

const T: CsrDef[] = [];
function csr(address: number, name: string, summary: string, fields: CsrField[], write?: bigint): void {
  const p = (address >> 8) & 3;
  const def: CsrDef = { address, name, privilege: p === 0 ? 'U' : p === 3 ? 'M' : 'S', readOnly: ((address >> 10) & 3) === 3, summary, fields };
  T.push(write === undefined ? def : { ...def, write });
}
const fieldMask = (fields: CsrField[], name: string): bigint => {
  const f = fields.find((x) => x.name === name)!;
  return ((1n << BigInt(f.msb - f.lsb + 1)) - 1n) << BigInt(f.lsb);
};
const LOW32 = 0xffffffffn;
/** Writes ignored (read-only values, or a function this hart does not have). */
const IGNORED = 0n;
/** Every bit but bit 0 (xepc: instructions are 2-byte aligned with C). */
const EPC = ~1n & ((1n << 64n) - 1n);
/** medeleg: every exception but an ecall from M-mode can be delegated. */
const DELEGABLE = EXCEPTIONS.filter((c) => c.constName !== 'CAUSE_MACHINE_ECALL').reduce((m, c) => m | (1n << BigInt(c.code)), 0n);

// ---- user ----------------------------------------------------------------------------------------------
csr(0x001, 'fflags', 'Floating-point accrued exception flags', FFLAGS);
csr(0x002, 'frm', 'Floating-point dynamic rounding mode', [fld('RM', 0, 2, 'Rounding mode', RM_VALUES)]);
csr(0x003, 'fcsr', 'Floating-point control and status (frm and fflags)',
  [...FFLAGS, fld('FRM', 5, 7, 'Rounding mode', RM_VALUES)]);
csr(0xc00, 'cycle', 'Cycle counter (read-only shadow of mcycle)', whole('Cycles'));
csr(0xc01, 'time', 'Real-time counter', whole('Timer ticks'));
csr(0xc02, 'instret', 'Instructions-retired counter (read-only shadow of minstret)', whole('Instructions retired'));
for (let i = 3; i < 32; i++) csr(0xc00 + i, `hpmcounter${i}`, `Hardware performance counter ${i} (reads as zero)`, whole('Count'));
// ---- supervisor ----------------------------------------------------------------------------------------
csr(0x100, 'sstatus', 'Supervisor status (a view of mstatus)', SSTATUS_FIELDS);
csr(0x104, 'sie', 'Supervisor interrupt enable (a view of mie)', intFields('IE', true));
csr(0x105, 'stvec', 'Supervisor trap vector', tvec('Supervisor'));
csr(0x106, 'scounteren', 'Counter access enable for U-mode', counteren('in U-mode'), LOW32);
csr(0x10a, 'senvcfg', 'Supervisor environment configuration', ENVCFG_S, fieldMask(ENVCFG_S, 'FIOM'));
csr(0x140, 'sscratch', 'Supervisor scratch register', whole('Scratch value'));
csr(0x141, 'sepc', 'Supervisor exception program counter', whole('pc of the trapping instruction'), EPC);
csr(0x142, 'scause', 'Supervisor trap cause', cause);
csr(0x143, 'stval', 'Supervisor trap value (faulting address or instruction bits)', whole('Trap value'));
csr(0x144, 'sip', 'Supervisor interrupt pending (a view of mip)', intFields('IP', true));
csr(0x14d, 'stimecmp', 'Supervisor timer compare (Sstc): STIP is set while time >= stimecmp', whole('Compare value'));
csr(0x180, 'satp', 'Supervisor address translation and protection', [
  fld('PPN', 0, 43, 'Physical page number of the root page table'),
  fld('ASID', 44, 59, 'Address-space identifier'),
  fld('MODE', 60, 63, 'Translation mode', { 0: 'Bare', 8: 'Sv39', 9: 'Sv48', 10: 'Sv57' }),
]);
// ---- machine -------------------------------------------------------------------------------------------
csr(0xf11, 'mvendorid', 'Vendor ID (JEDEC)', [fld('Offset', 0, 6, 'JEDEC offset'), fld('Bank', 7, 31, 'JEDEC bank count')], IGNORED);
csr(0xf12, 'marchid', 'Architecture ID', whole('Architecture ID'), IGNORED);
csr(0xf13, 'mimpid', 'Implementation ID', whole('Implementation version'), IGNORED);
csr(0xf14, 'mhartid', 'Hardware thread ID', whole('Hart ID'), IGNORED);
csr(0xf15, 'mconfigptr', 'Pointer to the configuration data structure', whole('Address'), IGNORED);
csr(0x300, 'mstatus', 'Machine status', MSTATUS_FIELDS);
csr(0x301, 'misa', 'ISA and extensions', [
  ...([['A', 0, 'Atomic'], ['C', 2, 'Compressed'], ['D', 3, 'Double-precision floating point'],
    ['F', 5, 'Single-precision floating point'], ['H', 7, 'Hypervisor'], ['I', 8, 'RV64I base ISA'],
    ['M', 12, 'Integer multiply/divide'], ['S', 18, 'Supervisor mode'], ['U', 20, 'User mode'],
    ['V', 21, 'Vector']] as const).map(([n, b, s]) => bit(n, b, s)),
  fld('MXL', 62, 63, 'Machine XLEN', XL),
], IGNORED);
csr(0x302, 'medeleg', 'Machine exception delegation to S-mode', delegBits(EXCEPTION_CAUSES), DELEGABLE);
csr(0x303, 'mideleg', 'Machine interrupt delegation to S-mode', delegBits(INTERRUPT_CAUSES));
csr(0x304, 'mie', 'Machine interrupt enable', intFields('IE', false));
csr(0x305, 'mtvec', 'Machine trap vector', tvec('Machine'));
csr(0x306, 'mcounteren', 'Counter access enable for S-mode', counteren('in S-mode'), LOW32);
csr(0x30a, 'menvcfg', 'Machine environment configuration', [
  ...ENVCFG_S,
  bit('PBMTE', 62, 'Svpbmt page-based memory types enabled'),
  bit('STCE', 63, 'Sstc (stimecmp) enabled'),
]);
csr(0x320, 'mcountinhibit', 'Counter inhibit', [
  bit('CY', 0, 'mcycle does not count'), bit('IR', 2, 'minstret does not count'),
  fld('HPM', 3, 31, 'mhpmcounter3..31 do not count'),
], IGNORED);
csr(0x340, 'mscratch', 'Machine scratch register', whole('Scratch value'));
csr(0x341, 'mepc', 'Machine exception program counter', whole('pc of the trapping instruction'), EPC);
csr(0x342, 'mcause', 'Machine trap cause', cause);
csr(0x343, 'mtval', 'Machine trap value (faulting address or instruction bits)', whole('Trap value'));
csr(0x344, 'mip', 'Machine interrupt pending', intFields('IP', false));
// PMP (16 entries, 4-byte granularity): the write rules (locking, WARL fields) are in src/hart/core/pmp.ts
for (const k of [0, 2]) {
  csr(0x3a0 + k, `pmpcfg${k}`, `Physical memory protection configuration, entries ${4 * k}..${4 * k + 7}`,
    Array.from({ length: 8 }, (_, i) => fld(`pmp${4 * k + i}cfg`, i * 8, i * 8 + 7, `Entry ${4 * k + i}: R (bit 0), W (bit 1), X (bit 2), A (bits 4:3: Off, TOR, NA4, NAPOT), L (bit 7)`)));
}
for (let i = 0; i < 16; i++) {
  csr(0x3b0 + i, `pmpaddr${i}`, `Physical memory protection address ${i}`, [fld('address', 0, 53, 'Address bits 55:2')]);
}
// ---- debug triggers (Sdtrig): 4 triggers, mcontrol (type 2) and mcontrol6 (type 6) address matches with
// action 0 (breakpoint exception); the rules are in src/hart/core/trigger.ts
csr(0x7a0, 'tselect', 'Trigger select (0..3; other values are not kept)', whole('Trigger index'));
csr(0x7a1, 'tdata1', 'Trigger data 1 of the selected trigger', [
  bit('load', 0, 'Match loads'), bit('store', 1, 'Match stores'), bit('execute', 2, 'Match instruction fetches'),
  bit('u', 3, 'Match in U-mode'), bit('s', 4, 'Match in S-mode'), bit('m', 6, 'Match in M-mode'),
  fld('match', 7, 10, 'Match kind', { 0: 'equal', 2: 'greater or equal', 3: 'less than' }),
  fld('action', 12, 15, 'Action', { 0: 'breakpoint exception', 1: 'enter Debug Mode' }),
  fld('type', 60, 63, 'Trigger type', { 0: 'none', 2: 'mcontrol', 6: 'mcontrol6', 15: 'disabled' }),
]);
csr(0x7a2, 'tdata2', 'Trigger data 2 of the selected trigger: the address compared', whole('Address'));
csr(0x7a3, 'tdata3', 'Trigger data 3 (textra: not implemented, reads as zero)', whole('Value'), IGNORED);
csr(0x7a4, 'tinfo', 'Trigger types the selected trigger supports (bit n: type n), version in bits 31:24', [
  fld('info', 0, 15, 'Supported types'), fld('version', 24, 31, 'Sdtrig version', { 0: '0.13', 1: '1.0' }),
], IGNORED);
csr(0xb00, 'mcycle', 'Machine cycle counter', whole('Cycles'));
csr(0xb02, 'minstret', 'Machine instructions-retired counter', whole('Instructions retired'));

export const CSRS: readonly CsrDef[] = T;
export const csrByAddress: ReadonlyMap<number, CsrDef> = new Map(T.map((c) => [c.address, c]));
export const csrByName: ReadonlyMap<string, CsrDef> = new Map(T.map((c) => [c.name, c]));

export interface DecodedCsrField {
  readonly name: string;
  readonly lsb: number;
  readonly msb: number;
  readonly summary: string;
  readonly value: bigint;
  /** For an address field (CsrField.isAddress): the address it means, value << lsb. */
  readonly address?: bigint;
  /** The meaning of the value, when the field has named values (or for a cause code). */
  readonly meaning?: string;
}

/**
 * The fields of a CSR value with their values and meanings, or undefined for a CSR the table lacks.
 * For mcause/scause the code is named from the exception or interrupt table, as the Interrupt bit says.
 */
export function decodeCsrFields(address: number, value: bigint): DecodedCsrField[] | undefined {
  const def = csrByAddress.get(address);
  if (def === undefined) return undefined;
  const v = BigInt.asUintN(64, value);
  const interrupt = (v >> 63n) === 1n;
  return def.fields.map((f) => {
    const width = BigInt(f.msb - f.lsb + 1);
    const fv = (v >> BigInt(f.lsb)) & ((1n << width) - 1n);
    let meaning: string | undefined;
    if (f.values !== undefined && fv <= 0xffffn) meaning = f.values[Number(fv)];
    if ((def.name === 'mcause' || def.name === 'scause') && f.name === 'Code' && fv <= 0xffffn) {
      meaning = (interrupt ? INTERRUPT_CAUSES : EXCEPTION_CAUSES)[Number(fv)] ?? 'reserved / custom';
    }
    const d: DecodedCsrField = { name: f.name, lsb: f.lsb, msb: f.msb, summary: f.summary, value: fv };
    return { ...d, ...(f.isAddress ? { address: fv << BigInt(f.lsb) } : {}), ...(meaning === undefined ? {} : { meaning }) };
  });
}

/** The name of a trap cause as found in xcause (interrupt bit in bit 63). */
export function causeName(xcause: bigint): string {
  const v = BigInt.asUintN(64, xcause);
  const code = Number(v & 0xffffn);
  return (v >> 63n) === 1n ? INTERRUPT_CAUSES[code] ?? `interrupt ${code}` : EXCEPTION_CAUSES[code] ?? `exception ${code}`;
}

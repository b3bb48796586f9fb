// Disassembler producing the text of GNU objdump -d (binutils 2.40, default options, so with its aliases).
// Reads the ISA table through decode(); the alias rules below reproduce what objdump prints (they were
// established by running objdump on assembled snippets and on glibc; see test/isa/disasm.oracle.ts).
//
// objdump keeps a little state across instructions: after `lui`/`auipc` it remembers the register's value,
// and a later load, store, `addi`, `addiw` or `jalr` with an offset based on that register gets a comment
// ` # <address> <symbol>` (the remembered value is used up). Bases gp (when the program defines
// __global_pointer$), tp and zero are annotated without a preceding lui/auipc. Pass a DisasmContext to get
// these comments; without one the comment is never printed.

import { INSNS } from './instructions';
import { decode } from './decode';
import type { Decoded } from './types';
import { CSR_CYCLE, CSR_INSTRET, CSR_FFLAGS, CSR_FRM, CSR_FCSR } from './encoding.generated';

import { XNAMES, FNAMES } from './registers';

export { XNAMES, FNAMES };
const RM_NAMES = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'unknown', 'unknown', ''];

// CSR names objdump 2.40 prints (its default privileged spec); other numbers print as hex.
const CSR_LIST =
  '0:ustatus 1:fflags 2:frm 3:fcsr 4:uie 5:utvec 8:vstart 9:vxsat a:vxrm f:vcsr 15:seed 40:uscratch 41:uepc ' +
  '42:ucause 43:utval 44:uip 100:sstatus 102:sedeleg 103:sideleg 104:sie 105:stvec 106:scounteren 10c:sstateen0 ' +
  '10d:sstateen1 10e:sstateen2 10f:sstateen3 114:sieh 140:sscratch 141:sepc 142:scause 143:stval 144:sip ' +
  '14d:stimecmp 150:siselect 151:sireg 154:siph 15c:stopei 15d:stimecmph 180:satp 200:vsstatus 204:vsie ' +
  '205:vstvec 214:vsieh 240:vsscratch 241:vsepc 242:vscause 243:vstval 244:vsip 24d:vstimecmp 250:vsiselect ' +
  '251:vsireg 254:vsiph 25c:vstopei 25d:vstimecmph 280:vsatp 300:mstatus 301:misa 302:medeleg 303:mideleg ' +
  '304:mie 305:mtvec 306:mcounteren 308:mvien 309:mvip 30c:mstateen0 30d:mstateen1 30e:mstateen2 30f:mstateen3 ' +
  '313:midelegh 314:mieh 318:mvienh 319:mviph 31c:mstateen0h 31d:mstateen1h 31e:mstateen2h 31f:mstateen3h ' +
  '320:mcountinhibit 340:mscratch 341:mepc 342:mcause 343:mtval 344:mip 350:miselect 351:mireg 354:miph ' +
  '35c:mtopei 5a8:scontext 600:hstatus 602:hedeleg 603:hideleg 604:hie 605:htimedelta 606:hcounteren 607:hgeie ' +
  '608:hvien 609:hvictl 60a:henvcfg 60c:hstateen0 60d:hstateen1 60e:hstateen2 60f:hstateen3 613:hidelegh ' +
  '615:htimedeltah 618:hvienh 61a:henvcfgh 61c:hstateen0h 61d:hstateen1h 61e:hstateen2h 61f:hstateen3h ' +
  '643:htval 644:hip 645:hvip 646:hviprio1 647:hviprio2 64a:htinst 655:hviph 656:hviprio1h 657:hviprio2h ' +
  '680:hgatp 6a8:hcontext 7a0:tselect 7a1:tdata1 7a2:tdata2 7a3:tdata3 7a4:tinfo 7a5:tcontrol 7a8:mcontext ' +
  '7aa:mscontext 7b0:dcsr 7b1:dpc 7b2:dscratch0 7b3:dscratch1 b00:mcycle b02:minstret b80:mcycleh b82:minstreth ' +
  'c00:cycle c01:time c02:instret c20:vl c21:vtype c22:vlenb c80:cycleh c81:timeh c82:instreth da0:scountovf ' +
  'db0:stopi e12:hgeip eb0:vstopi f11:mvendorid f12:marchid f13:mimpid f14:mhartid fb0:mtopi';
const CSR_NAMES = new Map<number, string>();
for (const e of CSR_LIST.split(' ')) {
  const [a, n] = e.split(':');
  CSR_NAMES.set(parseInt(a, 16), n);
}
for (let i = 3; i < 32; i++) {
  CSR_NAMES.set(0xc00 + i, `hpmcounter${i}`); CSR_NAMES.set(0xc80 + i, `hpmcounter${i}h`);
  CSR_NAMES.set(0xb00 + i, `mhpmcounter${i}`); CSR_NAMES.set(0xb80 + i, `mhpmcounter${i}h`);
  CSR_NAMES.set(0x320 + i, `mhpmevent${i}`); CSR_NAMES.set(0x720 + i, `mhpmevent${i}h`);
}
for (let i = 0; i < 16; i++) CSR_NAMES.set(0x3b0 + i, `pmpaddr${i}`);
for (let i = 0; i < 4; i++) CSR_NAMES.set(0x3a0 + i, `pmpcfg${i}`);

/** The CSR's name as objdump prints it, or its number in hex. */
export function csrName(csr: number): string {
  return CSR_NAMES.get(csr) ?? '0x' + csr.toString(16);
}

/** State carried from one instruction to the next, as objdump keeps it (see the header comment). */
export interface DisasmContext {
  /** Values remembered from lui/auipc per integer register. */
  hi: (bigint | undefined)[];
  /** Value of __global_pointer$, when the program has one. */
  gp?: bigint;
}

export function newDisasmContext(gp?: bigint): DisasmContext {
  return { hi: new Array(32).fill(undefined), gp };
}

export interface Disassembly {
  mnemonic: string;
  operands: string;
  /** mnemonic, tab, operands (and the ` # address <symbol>` comment when there is one). */
  text: string;
}

const M64 = (1n << 64n) - 1n;
const hex = (v: number) => '0x' + (v >>> 0).toString(16);

function formatAddr(addr: bigint, sym?: (addr: bigint) => string | undefined): string {
  const a = addr & M64;
  const s = sym?.(a);
  return s === undefined ? a.toString(16) : `${a.toString(16)} <${s}>`;
}

function sext32(v: bigint): bigint {
  return BigInt.asIntN(32, v);
}

/**
 * The objdump text of one decoded instruction at `pc`. `sym` names an address (the text between `<` and `>`,
 * e.g. `memcpy+0x10`). `ctx` carries objdump's lui/auipc tracking from one call to the next.
 */
export function disassemble(d: Decoded, pc: bigint, sym?: (addr: bigint) => string | undefined,
  ctx?: DisasmContext): Disassembly {
  let comment = '';
  const x = (r: number) => XNAMES[r];
  const f = (r: number) => FNAMES[r];
  const target = () => formatAddr(pc + BigInt(d.imm), sym);
  const note = (base: number, offset: number, wide: boolean) => {
    if (ctx === undefined) return;
    let a: bigint;
    const h = ctx.hi[base];
    if (h !== undefined) {
      a = (base !== 0 ? h : 0n) + BigInt(offset);
      ctx.hi[base] = undefined;
    } else if (base === 3 && ctx.gp !== undefined) {
      a = ctx.gp + BigInt(offset);
    } else if (base === 4 || base === 0) {
      a = BigInt(offset);
    } else {
      return;
    }
    if (wide) a = sext32(a);
    comment = ' # ' + formatAddr(a, sym);
  };
  const out = (mnemonic: string, operands = ''): Disassembly => {
    const ops = operands + comment;
    return { mnemonic, operands, text: ops === '' ? mnemonic : `${mnemonic}\t${ops}` };
  };
  const word = () => out(d.length === 2 ? '.2byte' : '.4byte', hex(d.raw));

  if (d.op < 0) return d.length === 2 && d.raw === 0 ? out('unimp') : word();
  const name = INSNS[d.op].name;
  const mem = (imm: number, base: number) => `${imm}(${x(base)})`;

  if (d.cop >= 0) {
    const cname = INSNS[d.cop].name;
    switch (cname) {
      case 'c.nop': return d.imm === 0 ? out('nop') : out('c.nop', String(d.imm));
      case 'c.addi': note(d.rd, d.imm, false); return out('add', `${x(d.rd)},${x(d.rd)},${d.imm}`);
      case 'c.addiw':
        if (d.imm === 0) return out('sext.w', `${x(d.rd)},${x(d.rd)}`);
        note(d.rd, d.imm, true);
        return out('addw', `${x(d.rd)},${x(d.rd)},${d.imm}`);
      case 'c.li': return d.rd === 0 ? out('c.li', `zero,${d.imm}`) : out('li', `${x(d.rd)},${d.imm}`);
      case 'c.lui':
        if (ctx) ctx.hi[d.rd] = BigInt(d.imm);
        return out(d.rd === 0 ? 'c.lui' : 'lui', `${x(d.rd)},${hex((d.imm >>> 12) & 0xfffff)}`);
      case 'c.slli':
        if (d.imm === 0) return out('c.slli64', x(d.rd));
        return d.rd === 0 ? out('c.slli', `zero,${hex(d.imm)}`) : out('sll', `${x(d.rd)},${x(d.rd)},${hex(d.imm)}`);
      case 'c.srli': case 'c.srai':
        if (d.imm === 0) return out(cname + '64', x(d.rd));
        return out(cname === 'c.srli' ? 'srl' : 'sra', `${x(d.rd)},${x(d.rd)},${hex(d.imm)}`);
      case 'c.andi': return out('and', `${x(d.rd)},${x(d.rd)},${d.imm}`);
      case 'c.mv': return d.rd === 0 ? out('c.mv', `zero,${x(d.rs2)}`) : out('mv', `${x(d.rd)},${x(d.rs2)}`);
      case 'c.add': return d.rd === 0 ? out('c.add', `zero,${x(d.rs2)}`) : out('add', `${x(d.rd)},${x(d.rd)},${x(d.rs2)}`);
      case 'c.addi16sp': case 'c.addi4spn': return out('add', `${x(d.rd)},sp,${d.imm}`);
      case 'c.jr': return d.rs1 === 1 ? out('ret') : out('jr', x(d.rs1));
      case 'c.jalr': return out('jalr', x(d.rs1));
      case 'c.fld': case 'c.fldsp': return out('fld', `${f(d.rd)},${mem(d.imm, d.rs1)}`);
      case 'c.fsd': case 'c.fsdsp': return out('fsd', `${f(d.rs2)},${mem(d.imm, d.rs1)}`);
      case 'c.lw': case 'c.lwsp': case 'c.ld': case 'c.ldsp':
        return out(name, `${x(d.rd)},${mem(d.imm, d.rs1)}`);
      case 'c.sw': case 'c.swsp': case 'c.sd': case 'c.sdsp':
        return out(name, `${x(d.rs2)},${mem(d.imm, d.rs1)}`);
      default:
        break;  // c.j, c.beqz, c.bnez, c.ebreak and the CA forms print like their expansion
    }
  }

  const fmtRm = (ops: string) => (RM_NAMES[d.rm] === '' ? ops : `${ops},${RM_NAMES[d.rm]}`);
  const ext = INSNS[d.op].ext;
  switch (name) {
    case 'lui':
      if (ctx) ctx.hi[d.rd] = BigInt(d.imm);
      return out(name, `${x(d.rd)},${hex((d.imm >>> 12) & 0xfffff)}`);
    case 'auipc':
      if (ctx) ctx.hi[d.rd] = (pc + BigInt(d.imm)) & M64;
      return out(name, `${x(d.rd)},${hex((d.imm >>> 12) & 0xfffff)}`);
    case 'jal':
      if (d.rd === 0) return out('j', target());
      if (d.rd === 1) return out('jal', target());
      return out('jal', `${x(d.rd)},${target()}`);
    case 'jalr':
      if (d.rd === 0 && d.rs1 === 1 && d.imm === 0) return out('ret');
      if (d.imm === 0) {
        if (d.rd === 0) return out('jr', x(d.rs1));
        if (d.rd === 1) return out('jalr', x(d.rs1));
        return out('jalr', `${x(d.rd)},${x(d.rs1)}`);
      }
      note(d.rs1, d.imm, false);
      if (d.rd === 0) return out('jr', mem(d.imm, d.rs1));
      if (d.rd === 1) return out('jalr', mem(d.imm, d.rs1));
      return out('jalr', `${x(d.rd)},${mem(d.imm, d.rs1)}`);
    case 'beq': case 'bne':
      if (d.rs2 === 0) return out(name + 'z', `${x(d.rs1)},${target()}`);
      break;
    case 'bge':
      if (d.rs1 === 0) return out('blez', `${x(d.rs2)},${target()}`);
      if (d.rs2 === 0) return out('bgez', `${x(d.rs1)},${target()}`);
      break;
    case 'blt':
      if (d.rs2 === 0) return out('bltz', `${x(d.rs1)},${target()}`);
      if (d.rs1 === 0) return out('bgtz', `${x(d.rs2)},${target()}`);
      break;
    case 'addi':
      if (d.rd === 0 && d.rs1 === 0 && d.imm === 0) return out('nop');
      if (d.rs1 === 0) return out('li', `${x(d.rd)},${d.imm}`);
      if (d.imm === 0) return out('mv', `${x(d.rd)},${x(d.rs1)}`);
      note(d.rs1, d.imm, false);
      return out('add', `${x(d.rd)},${x(d.rs1)},${d.imm}`);
    case 'addiw':
      if (d.imm === 0) return out('sext.w', `${x(d.rd)},${x(d.rs1)}`);
      if (d.rs1 !== 0) note(d.rs1, d.imm, true);
      return out('addw', `${x(d.rd)},${x(d.rs1)},${d.imm}`);
    case 'sltiu':
      if (d.imm === 1) return out('seqz', `${x(d.rd)},${x(d.rs1)}`);
      break;
    case 'xori':
      if (d.imm === -1) return out('not', `${x(d.rd)},${x(d.rs1)}`);
      return out('xor', `${x(d.rd)},${x(d.rs1)},${d.imm}`);
    case 'ori': return out('or', `${x(d.rd)},${x(d.rs1)},${d.imm}`);
    case 'andi':
      if (d.imm === 255) return out('zext.b', `${x(d.rd)},${x(d.rs1)}`);
      return out('and', `${x(d.rd)},${x(d.rs1)},${d.imm}`);
    case 'slli': case 'srli': case 'srai': case 'slliw': case 'srliw': case 'sraiw':
      return out(name.replace('i', ''), `${x(d.rd)},${x(d.rs1)},${hex(d.imm)}`);
    case 'sub': case 'subw':
      if (d.rs1 === 0) return out(name === 'sub' ? 'neg' : 'negw', `${x(d.rd)},${x(d.rs2)}`);
      break;
    case 'sltu':
      if (d.rs1 === 0) return out('snez', `${x(d.rd)},${x(d.rs2)}`);
      break;
    case 'slt':
      if (d.rs2 === 0) return out('sltz', `${x(d.rd)},${x(d.rs1)}`);
      if (d.rs1 === 0) return out('sgtz', `${x(d.rd)},${x(d.rs2)}`);
      break;
    case 'fence': {
      if ((d.raw & 0xf00f8f80) !== 0) return word();
      const set = (v: number) => (v === 0 ? 'unknown' : ['i', 'o', 'r', 'w'].filter((_, i) => v & (8 >> i)).join(''));
      const pred = (d.imm >> 4) & 15, succ = d.imm & 15;
      if (pred === 15 && succ === 15) return out('fence');
      return out('fence', `${set(pred)},${set(succ)}`);
    }
    case 'fence.tso':
      return d.raw === 0x8330000f ? out(name) : word();
    case 'fence.i':
      return d.raw === 0x0000100f ? out(name) : word();
    case 'sfence.vma':
      if (d.rs2 !== 0) return out(name, `${x(d.rs1)},${x(d.rs2)}`);
      return d.rs1 === 0 ? out(name) : out(name, x(d.rs1));
    case 'csrrw': case 'csrrs': case 'csrrc': case 'csrrwi': case 'csrrsi': case 'csrrci':
      return csr(name, d, out);
    case 'fsgnj.s': case 'fsgnj.d': case 'fsgnjn.s': case 'fsgnjn.d': case 'fsgnjx.s': case 'fsgnjx.d':
      if (d.rs1 === d.rs2) {
        const alias = { fsgnj: 'fmv', fsgnjn: 'fneg', fsgnjx: 'fabs' }[name.slice(0, -2)]!;
        return out(`${alias}${name.slice(-2)}`, `${f(d.rd)},${f(d.rs1)}`);
      }
      break;
    case 'fcvt.d.s': case 'fcvt.d.w': case 'fcvt.d.wu':
      if (d.rm !== 0) return word();
      return out(name, `${f(d.rd)},${name === 'fcvt.d.s' ? f(d.rs1) : x(d.rs1)}`);
    default:
      break;
  }

  // Generic printing from the table's operand list.
  const def = INSNS[d.op];
  if (def.format === 'AMO') {
    const sfx = ['', '.rl', '.aq', '.aqrl'][d.rm];
    if (name.startsWith('lr.')) return out(name + sfx, `${x(d.rd)},(${x(d.rs1)})`);
    return out(name + sfx, `${x(d.rd)},${x(d.rs2)},(${x(d.rs1)})`);
  }
  const parts: string[] = [];
  for (const k of def.operands) {
    switch (k) {
      case 'rd': parts.push(x(d.rd)); break;
      case 'rs1': parts.push(x(d.rs1)); break;
      case 'rs2': parts.push(x(d.rs2)); break;
      case 'fd': parts.push(f(d.rd)); break;
      case 'fs1': parts.push(f(d.rs1)); break;
      case 'fs2': parts.push(f(d.rs2)); break;
      case 'fs3': parts.push(f(d.rs3)); break;
      case 'imm': parts.push(String(d.imm)); break;
      case 'shamt': parts.push(hex(d.imm)); break;
      case 'offset': parts.push(target()); break;
      case 'mem':
        parts.push(mem(d.imm, d.rs1));
        if (d.length === 4) note(d.rs1, d.imm, false);
        break;
      case 'rm': break;
      default: parts.push('?'); break;
    }
  }
  let ops = parts.join(',');
  if (def.operands.includes('rm') && (ext === 'F' || ext === 'D')) ops = fmtRm(ops);
  return out(name, ops);
}

type Out = (mnemonic: string, operands?: string) => Disassembly;

function csr(name: string, d: Decoded, out: Out): Disassembly {
  const c = d.imm, rd = XNAMES[d.rd], cn = csrName(c);
  const imm = name.endsWith('i');
  const src = imm ? String(d.rs1) : XNAMES[d.rs1];
  const fp = c === CSR_FFLAGS ? 'fsflags' : c === CSR_FRM ? 'fsrm' : c === CSR_FCSR ? 'fscsr' : undefined;
  switch (name) {
    case 'csrrs':
      if (d.rs1 === 0) {
        if (c >= CSR_CYCLE && c <= CSR_INSTRET) return out(['rdcycle', 'rdtime', 'rdinstret'][c - CSR_CYCLE], rd);
        if (c >= CSR_FFLAGS && c <= CSR_FCSR) return out(['frflags', 'frrm', 'frcsr'][c - CSR_FFLAGS], rd);
        return out('csrr', `${rd},${cn}`);
      }
      return d.rd === 0 ? out('csrs', `${cn},${src}`) : out('csrrs', `${rd},${cn},${src}`);
    case 'csrrw':
      if (d.raw === 0xc0001073) return out('unimp');
      if (fp !== undefined) return d.rd === 0 ? out(fp, src) : out(fp, `${rd},${src}`);
      return d.rd === 0 ? out('csrw', `${cn},${src}`) : out('csrrw', `${rd},${cn},${src}`);
    case 'csrrwi':
      if (c === 1 || c === 2) return out(c === 1 ? 'fsflagsi' : 'fsrmi', `${rd},${src}`);
      return d.rd === 0 ? out('csrw', `${cn},${src}`) : out('csrrw', `${rd},${cn},${src}`);
    case 'csrrc': case 'csrrsi': case 'csrrci': {
      const base = name.slice(0, 5);
      return d.rd === 0 ? out('csr' + base[4], `${cn},${src}`) : out(base, `${rd},${cn},${src}`);
    }
    default:
      return out(name);
  }
}

/** Disassemble raw instruction bits (see decode()). */
export function disassembleBits(bits: number, pc: bigint, sym?: (addr: bigint) => string | undefined,
  ctx?: DisasmContext): Disassembly {
  return disassemble(decode(bits), pc, sym, ctx);
}

/**
 * One line of an objdump -d listing: `   1040c:\t1141                \taddi\tsp,sp,-16`. The address is
 * padded as objdump pads it for a section whose last address is `sectionEnd` (default: `pc`).
 */
export function listingLine(pc: bigint, d: Decoded, text: string, sectionEnd: bigint = pc): string {
  const full = sectionEnd.toString(16).padStart(16, '0');
  let skip = 0;
  while (skip < 16 && full[skip] === '0') skip++;
  if (skip !== 0) skip = (skip - 1) & ~3;
  const width = 16 - skip;
  const addr = pc.toString(16).padStart(width, ' ');
  const bytes = d.length === 2
    ? (d.raw & 0xffff).toString(16).padStart(4, '0') + ' '.repeat(16)
    : (d.raw >>> 0).toString(16).padStart(8, '0') + ' '.repeat(10);
  return `${addr}:\t${bytes}\t${text}`;
}

// The scopes a stop shows, as plain trees (the session hands out DAP variable references for them):
// Locals (a placeholder until DWARF variables are read), Registers, CSRs (grouped, fields decoded), [vvar]
// (every data-page field decoded), auxv (AT_* names), and the memory map as /proc/self/maps.
import { CSRS, csrByName, decodeCsrFields, causeName, privilegeName, type CsrDef } from '../isa/csrs';
import { CSR_CYCLE, CSR_TIME, CSR_INSTRET, CSR_MCYCLE, CSR_MINSTRET, CSR_FFLAGS, CSR_FCSR } from '../isa/encoding.generated';
import { XNAMES, FNAMES } from '../isa/disasm';
import { DATAPAGE_FIELDS, VDSO_DATA_SIZE, CLOCK_NAMES, VDSO_DATA_FIELDS } from '../kernel/vdso/datapage';
import type { DebugRuntime, Frame } from './runtime';
import { evaluateExpr } from './expr';
import { cScopes, cNode } from './cnodes';
import { moduleDwarfError, guestMemory } from './cframe';
import { sizeOf } from '../elf/dwarfTypes';

export interface VarNode {
  name: string;
  value: string;
  type?: string;
  memoryReference?: string;
  /** Bytes of the value at memoryReference (a C object's sizeof), for data breakpoints. */
  size?: number;
  evaluateName?: string;
  children?: () => VarNode[];
  /** Present when the value can be changed: returns the node as it reads back. */
  set?: (text: string) => VarNode;
  presentationHint?: { kind?: string; attributes?: string[] };
}

export interface ScopeNode {
  name: string;
  expensive: boolean;
  children: () => VarNode[];
  memoryReference?: string;
  presentationHint?: string;
}

const hex = (v: bigint) => '0x' + v.toString(16);
const hex64 = (v: bigint) => '0x' + v.toString(16).padStart(16, '0');

function f64(bits: bigint): number { const b = Buffer.alloc(8); b.writeBigUInt64LE(bits); return b.readDoubleLE(0); }
function f32(bits: bigint): number { const b = Buffer.alloc(4); b.writeUInt32LE(Number(bits & 0xffffffffn)); return b.readFloatLE(0); }


/** Which mapping a pointer-like value falls in (for memory references). */
function pointerRef(rt: DebugRuntime, v: bigint): string | undefined {
  // without a process there is no memory map: whatever the hart can read is memory
  return rt.mappingAt(v) || (rt.target && !rt.target.capabilities.process && rt.target.hart.readVirt(v, 1)) ? hex(v) : undefined;
}

function parseValue(rt: DebugRuntime, text: string): bigint {
  return evaluateExpr(text, rt.exprEnv());
}

export function registerNodes(rt: DebugRuntime, frame: Frame): VarNode[] {
  const hart = rt.hart;
  // registers can be set in the innermost frame (of another thread than the one on the hart: its saved copy)
  const top = (frame.physical ?? frame.index) === 0;
  const out: VarNode[] = [];
  const pcSym = rt.symbolize(frame.pc);
  out.push({
    name: 'pc', value: hex64(frame.pc) + (pcSym ? ` <${pcSym}>` : ''), type: 'u64', evaluateName: '$pc', memoryReference: hex(frame.pc),
    set: top ? (t) => { rt.setRegister(frame, 0, parseValue(rt, t)); return registerNodes(rt, frame)[0]; } : undefined,
  });
  out.push({ name: 'priv', value: `${privilegeName(frame.priv)} (${frame.priv})`, type: 'mode', presentationHint: { attributes: ['readOnly'] } });
  for (let i = 0; i < 32; i++) {
    const v = frame.regs[i];
    const name = `x${i} (${XNAMES[i]})`;
    const node: VarNode = {
      name, value: v === undefined ? '<not saved>' : `${hex64(v)}  ${BigInt.asIntN(64, v)}`, type: 'u64', evaluateName: `$${XNAMES[i]}`,
      memoryReference: v !== undefined && v !== 0n ? pointerRef(rt, v) : undefined,
    };
    if (top && i !== 0) node.set = (t) => { rt.setRegister(frame, i, parseValue(rt, t)); return registerNodes(rt, frame)[i + 2]; };
    out.push(node);
  }
  out.push({
    name: 'f0-f31', value: '32 floating-point registers', children: () => Array.from({ length: 32 }, (_, i) => {
      const bits = frame.f?.[i] ?? hart.f(i);
      const boxed = bits >> 32n === 0xffffffffn;
      return {
        name: `f${i} (${FNAMES[i]})`, value: `${f64(bits)}`, type: 'double', evaluateName: `$${FNAMES[i]}`,
        children: () => [
          { name: 'double', value: String(f64(bits)), type: 'double' },
          { name: 'single', value: boxed ? String(f32(bits)) : `${f32(bits)} (not NaN-boxed)`, type: 'float' },
          { name: 'hex', value: hex64(bits), type: 'u64' },
        ],
        set: (t) => { rt.setRegister(frame, 32 + i, parseFloatOrBits(t)); return { name: `f${i} (${FNAMES[i]})`, value: `${f64(frame.f?.[i] ?? hart.f(i))}` }; },
      };
    }),
  });
  return out;
}

function parseFloatOrBits(t: string): bigint {
  const s = t.trim();
  if (/^0x[0-9a-f]+$/i.test(s)) return BigInt(s);
  const n = Number(s);
  if (Number.isNaN(n) && s.toLowerCase() !== 'nan') throw new Error(`'${t}' is neither a number nor 0x bits`);
  const b = Buffer.alloc(8); b.writeDoubleLE(n); return b.readBigUInt64LE(0);
}

/** One CSR with its fields as children, e.g. `sstatus.SPP = U`. */
export function csrNode(rt: DebugRuntime, def: CsrDef): VarNode {
  const hart = rt.hart;
  const v = hart.csr(def.address);
  const fields = decodeCsrFields(def.address, v) ?? [];
  let summary = hex64(v);
  if (def.name === 'scause' || def.name === 'mcause') summary = `${BigInt.asUintN(63, v)}${v >> 63n ? ' (interrupt)' : ''} (${causeName(v)})`;
  else if (def.name === 'satp') summary = `${hex64(v)} (MODE = ${fields.find((f) => f.name === 'MODE')?.meaning ?? '?'})`;
  else if (['time', 'cycle', 'instret', 'mcycle', 'minstret'].includes(def.name)) summary = `${v} (${hex(v)})`;
  const node: VarNode = {
    name: def.name, value: summary, type: `csr ${hex(BigInt(def.address))}${def.readOnly ? ' (read-only)' : ''}`, evaluateName: `$${def.name}`,
    memoryReference: ['sepc', 'mepc', 'stvec', 'mtvec', 'stval', 'mtval', 'sscratch'].includes(def.name) && v ? pointerRef(rt, v & ~3n) : undefined,
  };
  if (fields.length > 1 || (fields.length === 1 && fields[0].name !== 'value')) {
    node.children = () => (decodeCsrFields(def.address, hart.csr(def.address)) ?? []).map((f) => ({
      name: `${def.name}.${f.name}`,
      value: f.address !== undefined ? `${hex(f.address)} (field value ${hex(f.value)} = address >> ${f.lsb})`
        : f.meaning !== undefined ? `${f.meaning} (${f.value})` : `${f.value}${f.value > 9n ? ` (${hex(f.value)})` : ''}`,
      type: `bits ${f.msb === f.lsb ? f.lsb : `${f.msb}:${f.lsb}`}: ${f.summary}`,
      evaluateName: `$${def.name}.${f.name}`,
      memoryReference: f.address ? pointerRef(rt, f.address) : undefined,
      set: def.readOnly ? undefined : (t: string) => {
        const width = BigInt(f.msb - f.lsb + 1);
        const mask = ((1n << width) - 1n) << BigInt(f.lsb);
        let nv = f.address !== undefined ? parseValue(rt, t) : parseFieldValue(t, f.name, def);
        if (f.address !== undefined) {
          // an address field takes the address it means (like it shows it)
          const align = 1n << BigInt(f.lsb);
          if (nv % align !== 0n) throw new Error(`${def.name}.${f.name}: ${hex(nv)} is not a multiple of ${align} (the field holds address bits ${f.msb}:${f.lsb})`);
          nv >>= BigInt(f.lsb);
        }
        const cur = hart.csr(def.address);
        hart.setCsr(def.address, (cur & ~mask) | ((nv << BigInt(f.lsb)) & mask));
        return csrNode(rt, def).children!().find((x) => x.name === `${def.name}.${f.name}`)!;
      },
    }));
  }
  if (!def.readOnly) node.set = (t) => { hart.setCsr(def.address, parseValue(rt, t)); return csrNode(rt, def); };
  return node;
}

/** A field value: a number, or one of the field's value names ('U', 'S', 'Sv39'). */
function parseFieldValue(t: string, field: string, def: CsrDef): bigint {
  const f = def.fields.find((x) => x.name === field);
  const s = t.trim();
  if (f?.values) {
    for (const [k, name] of Object.entries(f.values)) if (name.toLowerCase() === s.toLowerCase()) return BigInt(k);
  }
  if (!/^(0x[0-9a-f]+|[0-9]+)$/i.test(s)) throw new Error(`'${t}' is not a value of ${def.name}.${field}${f?.values ? ` (one of ${Object.values(f.values).join(', ')}, or a number)` : ''}`);
  return BigInt(s);
}

const COUNTERS = [CSR_CYCLE, CSR_TIME, CSR_INSTRET, CSR_MCYCLE, CSR_MINSTRET];
const CSR_GROUPS: [string, (d: CsrDef) => boolean][] = [
  ['Supervisor', (d) => d.privilege === 'S'],
  ['Counters and timers', (d) => COUNTERS.includes(d.address)],
  ['Floating point', (d) => d.address >= CSR_FFLAGS && d.address <= CSR_FCSR],
  ['Machine', (d) => d.privilege === 'M' && !COUNTERS.includes(d.address)],
];

export function csrNodes(rt: DebugRuntime): VarNode[] {
  const key = ['sstatus', 'scause', 'sepc', 'stval', 'stvec', 'satp', 'sscratch', 'time', 'cycle', 'instret'];
  const out: VarNode[] = key.map((n) => csrNode(rt, csrByName.get(n)!));
  for (const [name, pick] of CSR_GROUPS) {
    const defs = CSRS.filter(pick);
    out.push({ name, value: `${defs.length} CSRs`, children: () => defs.map((d) => csrNode(rt, d)) });
  }
  return out;
}

/** Seconds since the epoch as a readable UTC date. */
function date(sec: bigint, nsec?: bigint): string {
  const ms = Number(sec) * 1000 + (nsec !== undefined ? Number(nsec / 1_000_000n) : 0);
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return '';
  return new Date(ms).toISOString();
}

/** Every field of the [vvar] data page, read from guest memory. */
export function vvarNodes(rt: DebugRuntime): VarNode[] {
  const base = rt.target?.vvarBase;
  if (base === undefined || base === 0n) return [{ name: '[vvar]', value: 'not mapped in this target (no vDSO)' }];
  const page = rt.hart.readVirt(base, VDSO_DATA_SIZE * 2);
  if (!page) return [{ name: '[vvar]', value: `unreadable at ${hex(base)}` }];
  const dv = new DataView(page.buffer, page.byteOffset, page.byteLength);
  const read = (off: number, size: number, signed: boolean) => size === 8 ? dv.getBigUint64(off, true) : BigInt(signed ? dv.getInt32(off, true) : dv.getUint32(off, true));
  const entries: VarNode[] = [];
  for (let e = 0; e < 2; e++) {
    const fields = DATAPAGE_FIELDS.filter((f) => f.entry === e);
    const seq = read(e * VDSO_DATA_SIZE, 4, false);
    const shift = read(e * VDSO_DATA_SIZE + VDSO_DATA_FIELDS.find((f) => f.name === 'shift')!.offset, 4, false);
    entries.push({
      name: `vd[${e}]`, value: `${e === 0 ? 'CS_HRES_COARSE' : 'CS_RAW'}: seq ${seq} (${seq & 1n ? 'odd: update in progress' : 'even'})`,
      memoryReference: hex(base + BigInt(e * VDSO_DATA_SIZE)),
      children: () => {
        const out: VarNode[] = [];
        const baseTimes = new Map<string, VarNode[]>();
        for (const f of fields) {
          const v = read(f.offset, f.size, f.signed);
          const short = f.name.slice(`vd[${e}].`.length);
          const m = /^basetime\[(\w+)\]\.(sec|nsec)$/.exec(short);
          if (m) {
            let l = baseTimes.get(m[1]);
            if (!l) baseTimes.set(m[1], (l = []));
            l.push({ name: m[2], value: m[2] === 'nsec' ? `${v} (${hex(v)}; >> shift = ${v >> shift} ns)` : `${v}`, type: 'u64', memoryReference: hex(base + BigInt(f.offset)), evaluateName: `*(u64*)${hex(base + BigInt(f.offset))}` });
            continue;
          }
          let value = `${f.signed ? BigInt.asIntN(32, v) : v}`;
          if (short === 'seq') value += ` (${v & 1n ? 'odd: update in progress' : 'even'})`;
          if (short === 'clock_mode') value += v === 1n ? ' (VDSO_CLOCKMODE_ARCHTIMER)' : v === 0n ? ' (VDSO_CLOCKMODE_NONE)' : '';
          if (short === 'cycle_last' || short === 'mask') value += ` (${hex(v)})`;
          out.push({ name: short, value, type: f.size === 8 ? 'u64' : f.signed ? 's32' : 'u32', memoryReference: hex(base + BigInt(f.offset)), evaluateName: `*(${f.size === 8 ? 'u64' : f.signed ? 's32' : 'u32'}*)${hex(base + BigInt(f.offset))}` });
        }
        const bt: VarNode[] = [];
        for (const [clock, kids] of baseTimes) {
          const sec = BigInt(kids.find((k) => k.name === 'sec')!.value);
          const nsecRaw = BigInt(kids.find((k) => k.name === 'nsec')!.value.split(' ')[0]);
          const ns = nsecRaw >> shift;
          const isWall = clock.includes('REALTIME') || clock === 'CLOCK_TAI';
          const d = date(sec, ns);
          bt.push({ name: clock, value: `${sec}.${(ns % 1_000_000_000n).toString().padStart(9, '0')} s${isWall && d ? ` (${d})` : ''}`, children: () => [...kids, ...(d ? [{ name: 'date', value: d }] : [])] });
        }
        out.push({ name: 'basetime', value: `${bt.length} clocks`, children: () => bt });
        return out;
      },
    });
  }
  return [
    { name: 'address', value: `${hex(base)} (data page; vDSO text at ${hex(rt.target!.vdsoBase ?? 0n)})`, memoryReference: hex(base) },
    ...entries,
  ];
}

/** Where [vvar] is read: the process's mapping when the hart can read it (faulted in), else the kernel's page. */
function vvarAddress(rt: DebugRuntime, v: { userAddr?: bigint; kernelAddr: bigint }): bigint {
  return v.userAddr !== undefined && rt.hart.readVirt(v.userAddr, 1) ? v.userAddr : v.kernelAddr;
}

/** A whole system: the data page decoded with the kernel's own type (struct vdso_data[CS_BASES] from vmlinux). */
export function kernelVvarNodes(rt: DebugRuntime): VarNode[] {
  const info = rt.target?.kernelVvar?.();
  if (!info) return [];
  if (typeof info === 'string') return [{ name: '[vvar]', value: info }];
  const at = vvarAddress(rt, info);
  const mem = guestMemory(rt);
  const size = BigInt(sizeOf(info.type));
  const whose = info.task ? `[vvar] of ${info.task}` : 'no process on the hart: the kernel\'s page';
  const out: VarNode[] = [{ name: 'address', value: `${hex(at)} (${whose}; the kernel's vdso_data at ${hex(info.kernelAddr)})`, memoryReference: hex(at) }];
  for (let i = 0; i < info.count; i++) out.splice(i, 0, cNode(rt, undefined, mem, `vdso_data[${i}]`, { type: info.type, addr: at + BigInt(i) * size }));
  return out;
}

export const AT_NAMES: Record<number, string> = {
  0: 'AT_NULL', 1: 'AT_IGNORE', 2: 'AT_EXECFD', 3: 'AT_PHDR', 4: 'AT_PHENT', 5: 'AT_PHNUM', 6: 'AT_PAGESZ', 7: 'AT_BASE',
  8: 'AT_FLAGS', 9: 'AT_ENTRY', 10: 'AT_NOTELF', 11: 'AT_UID', 12: 'AT_EUID', 13: 'AT_GID', 14: 'AT_EGID', 15: 'AT_PLATFORM',
  16: 'AT_HWCAP', 17: 'AT_CLKTCK', 23: 'AT_SECURE', 24: 'AT_BASE_PLATFORM', 25: 'AT_RANDOM', 26: 'AT_HWCAP2', 31: 'AT_EXECFN',
  33: 'AT_SYSINFO_EHDR', 51: 'AT_MINSIGSTKSZ',
};

export function auxvNodes(rt: DebugRuntime): VarNode[] {
  const a = rt.target?.auxv() ?? [];
  if (!a.length) return [{ name: 'auxv', value: rt.target && !rt.target.capabilities.process ? 'none: a bare-metal program has no auxiliary vector' : 'empty' }];
  return a.map((e) => {
    const name = e.name || AT_NAMES[e.type] || `AT_${e.type}`;
    let value = hex(e.value);
    if (['AT_PAGESZ', 'AT_PHNUM', 'AT_PHENT', 'AT_UID', 'AT_EUID', 'AT_GID', 'AT_EGID', 'AT_CLKTCK', 'AT_SECURE', 'AT_MINSIGSTKSZ'].includes(name)) value = `${e.value}`;
    const sym = rt.symbolize(e.value);
    if (name === 'AT_SYSINFO_EHDR') value += ' ([vdso])';
    else if (sym) value += ` <${sym}>`;
    if (name === 'AT_EXECFN' || name === 'AT_PLATFORM') {
      const s = readCString(rt, e.value);
      if (s !== undefined) value += ` "${s}"`;
    }
    return { name: `${name} (${e.type})`, value, memoryReference: rt.mappingAt(e.value) ? hex(e.value) : undefined };
  });
}

export function readCString(rt: DebugRuntime, addr: bigint, max = 256): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < max; i++) {
    const b = rt.hart.readVirt(addr + BigInt(i), 1);
    if (!b) return undefined;
    if (b[0] === 0) break;
    bytes.push(b[0]);
  }
  return Buffer.from(bytes).toString('utf8');
}

export function mapsText(rt: DebugRuntime): string[] {
  return (rt.target?.mappings() ?? []).map((m) =>
    `${m.start.toString(16).padStart(8, '0')}-${m.end.toString(16).padStart(8, '0')} ${m.perms} ${m.offset.toString(16).padStart(8, '0')} ${m.dev} ${m.inode}${m.path ? ' '.repeat(Math.max(1, 26 - String(m.inode).length)) + m.path : ''}`);
}

export function mapNodes(rt: DebugRuntime): VarNode[] {
  const maps = rt.target?.mappings() ?? [];
  const lines = mapsText(rt);
  return maps.map((m, i) => ({ name: `${m.start.toString(16)}-${m.end.toString(16)}`, value: lines[i].split(' ').slice(1).join(' ').replace(/\s+/g, ' '), memoryReference: hex(m.start) }));
}

export function scopesFor(rt: DebugRuntime, frame: Frame): ScopeNode[] {
  const scopes: ScopeNode[] = [
    ...(cScopes(rt, frame) ?? [{
      name: 'Locals', expensive: false, presentationHint: 'locals',
      children: () => [{ name: '(locals)', value: noDwarfText(frame), presentationHint: { kind: 'virtual' } }],
    }]),
    { name: 'Registers', expensive: false, presentationHint: 'registers', children: () => registerNodes(rt, frame) },
    { name: 'CSRs', expensive: false, children: () => csrNodes(rt) },
  ];
  if (rt.target?.capabilities.process) {
    const vv = rt.target.vvarBase;
    scopes.push({ name: '[vvar]', expensive: false, children: () => vvarNodes(rt), memoryReference: vv ? hex(vv) : undefined });
    scopes.push({ name: 'auxv', expensive: false, children: () => auxvNodes(rt) });
  }
  if (rt.target?.kernelVvar) {
    const info = rt.target.kernelVvar();
    const ref = typeof info === 'string' ? undefined : hex(vvarAddress(rt, info));
    scopes.push({ name: '[vvar]', expensive: false, children: () => kernelVvarNodes(rt), memoryReference: ref });
  }
  scopes.push({ name: 'Memory map', expensive: false, children: () => mapNodes(rt) });
  return scopes;
}

/** Why a frame has no C variables. */
function noDwarfText(frame: Frame): string {
  const m = frame.module;
  if (!m) return 'no loaded object holds this pc: use the Registers scope or the memory view';
  const err = moduleDwarfError(m);
  if (err) return `the DWARF of ${m.name} cannot be read: ${err}`;
  if (m.kind === 'kernel') return 'kernel entry code (assembly): use the Registers and CSRs scopes';
  return `${m.name} has no DWARF variables for this pc (built without -g, or assembly): use the Registers scope, the debug console ($a0, *(u64*)$sp) or the memory view`;
}

export { CLOCK_NAMES };

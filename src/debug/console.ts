// The debug console: gdb-like commands, and expressions for everything else.
//   bt | p[/F] EXPR | info frame | info locals | info registers | info csr [NAME] | info auxv |
//   info proc mappings | info vdso | info breakpoints | x/NFU ADDR (F: x d u c s i, U: b h w g) |
//   disassemble [ADDR] | finish | step | next | stepi | nexti | continue | strace on|off | help
// A word that is neither a command nor the start of an expression is an unknown command.
// Expressions: see expr.ts. Values print as hex and decimal; CSRs also print their decoded fields.
import { csrByName, decodeCsrFields, causeName, CSRS, privilegeName } from '../isa/csrs';
import { PRV_U } from '../isa/encoding.generated';
import { XNAMES } from '../isa/disasm';
import { decodeDataPage, VDSO_DATA_SIZE } from '../kernel/vdso/datapage';
import { VDSO_OFFSETS, VDSO_SONAME } from '../guest/vdso/vdsoSymbols.generated';
import type { DebugRuntime, Frame } from './runtime';
import { auxvNodes, mapsText } from './variables';
import type { VarNode } from './variables';
import { tryEvaluateC, infoLines } from './cnodes';
import { withInlineFrames } from './cframe';
import { decodeForward } from './disassemble';
import { MAX_EXPRESSION_LENGTH } from './limits';

const hex = (v: bigint) => '0x' + v.toString(16);
const hex64 = (v: bigint) => '0x' + v.toString(16).padStart(16, '0');

export const HELP = `Commands:
  bt                        the call stack (backtrace, where)
  p[/F] EXPR                print an expression (F: x d u o t c a), e.g. p/x $sp, p *(u32*)($sp + 8)
  info frame                the selected frame: pc, function, caller, canonical frame address
  info args                 the selected frame's arguments (DWARF)
  info locals               the selected frame's local variables
  finish                    run until the selected frame returns (Step Out)
  step, next, stepi, nexti, continue
                            Step Into, Step Over (by line or, with i, by instruction), Continue
  info registers            integer registers and pc
  info csr [NAME]           CSRs with decoded fields (all key CSRs, or one)
  info auxv                 the auxiliary vector
  info proc mappings        /proc/self/maps
  info vdso                 where the vDSO and [vvar] are, its symbols, the decoded data page
  info breakpoints          breakpoints and where they resolved
  x/NFU ADDR                examine memory: N units, F = x d u c s i, U = b h w g (e.g. x/8gx $sp)
  disassemble [ADDR [N]]    objdump-style listing (default: around pc)
  strace on|off             trace system calls to the console
Expressions: $a0, $pc, $sstatus, sstatus.SPP, main, *(u32*)($sp+8), __vdso_clock_gettime + 4, ...`;

/** What the console asks the session to do after answering (execution commands). */
export type ConsoleAction = { kind: 'stepIn' | 'next' | 'stepOut'; granularity: 'line' | 'instruction' } | { kind: 'continue' };

export interface ConsoleResult { text: string; value?: bigint; action?: ConsoleAction; /** A C value: expandable in the console. */ node?: VarNode }

const VERBS = new Set(['help', 'info', 'i', 'x', 'strace', 'disassemble', 'disas', 'print', 'p', 'bt', 'backtrace', 'where',
  'finish', 'fin', 'step', 's', 'next', 'n', 'stepi', 'si', 'nexti', 'ni', 'continue', 'c']);

/** p/F: one value in gdb's output formats. */
function formatAs(fmt: string, v: bigint, rt: DebugRuntime): string {
  switch (fmt) {
    case 'x': return hex(v);
    case 'd': return String(BigInt.asIntN(64, v));
    case 'u': return String(v);
    case 'o': return '0' + v.toString(8);
    case 't': return v.toString(2);
    case 'c': return `${BigInt.asIntN(8, v)} '${v >= 32n && v < 127n ? String.fromCharCode(Number(v)) : '.'}'`;
    case 'a': { const s = rt.symbolize(v); return `${hex(v)}${s ? ` <${s}>` : ''}`; }
  }
  throw new Error(`p/${fmt}: unknown format (use x d u o t c a)`);
}

function frameLine(f: Frame): string {
  const mod = f.module ? ` (${f.module.name})` : '';
  const at = f.location ? ` at ${f.location.hostPath}:${f.location.line}` : '';
  return `#${f.index}  ${hex(f.pc)} in ${f.name}${mod}${at}${f.priv === PRV_U ? '' : ` [${privilegeName(f.priv)}-mode]`}`;
}

export function formatValue(name: string, v: bigint): string {
  const s = BigInt.asIntN(64, v);
  let out = `${hex(v)} (${s})`;
  const bare = name.replace(/^\$/, '');
  const def = csrByName.get(bare);
  if (def) {
    if (bare === 'scause' || bare === 'mcause') out = `${BigInt.asUintN(63, v)} (${causeName(v)})  ${hex(v)}`;
    const fields = decodeCsrFields(def.address, v) ?? [];
    if (fields.length > 1) out += '\n' + fields.map((f) => `  ${def.name}.${f.name} = ${f.address !== undefined ? hex(f.address) : f.meaning ?? f.value}${f.meaning !== undefined ? ` (${f.value})` : ''}`).join('\n');
  } else if (/^\$?[a-z]+[0-9]*\.[A-Za-z]+$/.test(name)) {
    const [c, f] = bare.split('.');
    const d = csrByName.get(c);
    const fd = d && decodeCsrFields(d.address, 0n)?.find((x) => x.name.toLowerCase() === f.toLowerCase());
    const def2 = d?.fields.find((x) => x.name === fd?.name);
    const meaning = def2?.values?.[Number(v)];
    if (meaning) out = `${meaning} (${v})`;
  }
  return out;
}

export function runConsole(rt: DebugRuntime, line: string, frame?: Frame): ConsoleResult {
  const text = line.trim();
  if (text.length > MAX_EXPRESSION_LENGTH) throw new Error(`a console command of ${text.length} characters: at most ${MAX_EXPRESSION_LENGTH} (docs/limits.md)`);
  const words = text.split(/\s+/);
  const w0 = words[0];
  if (w0 === 'help' || w0 === '?') return { text: HELP };
  if (w0 === 'info' || w0 === 'i') return { text: info(rt, words.slice(1), frame) };
  if (/^x(\/|$)/.test(w0)) return { text: examine(rt, w0, text.slice(w0.length).trim()) };
  if (w0 === 'strace') {
    if (!rt.target) throw new Error('no program is running');
    if (words[1] === 'on' || words[1] === 'off') {
      if (!rt.target.capabilities.process) throw new Error('strace needs a Linux program (this is a bare-metal target)');
      rt.target.strace = words[1] === 'on';
      return { text: `strace ${words[1]}` };
    }
    if (words.length === 1) return { text: `strace is ${rt.target.strace ? 'on' : 'off'}` };
    throw new Error(`usage: strace on|off`);
  }
  if (w0 === 'disassemble' || w0 === 'disas') {
    const rest = words.slice(1);
    const at = rest[0] ? rt.evaluate(rest[0], frame) : frame?.pc ?? rt.hart.pc;
    const n = rest[1] ? Number(rest[1]) : 16;
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`usage: disassemble [ADDR [N]] (N: a count of instructions, got '${rest[1]}')`);
    return { text: decodeForward(rt, at, n).map((l) => `${l.address === rt.hart.pc ? '=> ' : '   '}${hex(l.address)}${l.symbol ? ` <${l.symbol}>` : ''}:\t${l.bytes}\t${l.text}`).join('\n') };
  }
  const pm = /^(?:print|p)(?:\/([a-z]))?$/.exec(w0);
  if (pm) {
    const e = text.slice(w0.length).trim();
    if (!e) throw new Error(`${w0}: an expression is required (e.g. ${w0} $sp)`);
    if (!pm[1]) {
      const c = tryEvaluateC(rt, e, frame, true);
      if (c) return { text: c.text, node: c.node };
    }
    const v = rt.evaluate(e, frame);
    return { text: pm[1] ? formatAs(pm[1], v, rt) : formatValue(e, v), value: v };
  }
  if (w0 === 'bt' || w0 === 'backtrace' || w0 === 'where') {
    const frames = withInlineFrames(rt, rt.stack()); // inlined functions are frames, as in gdb's bt
    return { text: frames.length ? frames.map(frameLine).join('\n') : 'no stack' };
  }
  const exec: Record<string, ConsoleAction> = {
    finish: { kind: 'stepOut', granularity: 'line' }, fin: { kind: 'stepOut', granularity: 'line' },
    step: { kind: 'stepIn', granularity: 'line' }, s: { kind: 'stepIn', granularity: 'line' },
    next: { kind: 'next', granularity: 'line' }, n: { kind: 'next', granularity: 'line' },
    stepi: { kind: 'stepIn', granularity: 'instruction' }, si: { kind: 'stepIn', granularity: 'instruction' },
    nexti: { kind: 'next', granularity: 'instruction' }, ni: { kind: 'next', granularity: 'instruction' },
    continue: { kind: 'continue' }, c: { kind: 'continue' },
  };
  if (Object.prototype.hasOwnProperty.call(exec, w0) && words.length === 1) {
    const a = exec[w0];
    const f = frame ?? rt.stack(1)[0];
    const what = a.kind === 'continue' ? 'continuing' : a.kind === 'stepOut' ? `run till exit from ${f ? frameLine(f) : 'this frame'}` : `${w0}`;
    return { text: what, action: a };
  }
  const c = tryEvaluateC(rt, text, frame);
  if (c) return { text: c.text, node: c.node };
  let v: bigint;
  try {
    v = rt.evaluate(text, frame);
  } catch (e) {
    // 'word more words' that is no expression: a mistyped or unknown command
    if (/^[A-Za-z_][\w-]*\s+[A-Za-z_$0-9"']/.test(text) && !VERBS.has(w0)) throw new Error(`unknown command '${w0}'. ${HELP}`);
    throw e;
  }
  return { text: formatValue(text, v), value: v };
}

function info(rt: DebugRuntime, args: string[], frame?: Frame): string {
  const what = args[0] ?? '';
  const hart = rt.hart;
  if ('registers'.startsWith(what) && what.length >= 1 && what !== 'r' || what === 'r' || what === 'reg') {
    const regs = frame?.regs ?? Array.from({ length: 32 }, (_, i) => hart.x(i));
    const pc = frame?.pc ?? hart.pc;
    const lines = [`pc   ${hex64(pc)}  ${rt.symbolize(pc) ?? ''}  (${rt.privName}-mode)`];
    for (let i = 1; i < 32; i++) {
      const v = regs[i];
      lines.push(`${XNAMES[i].padEnd(4)} ${v === undefined ? '<not saved>'.padEnd(18) : hex64(v)}  ${v === undefined ? '' : BigInt.asIntN(64, v)}`);
    }
    return lines.join('\n');
  }
  if (what === 'csr' || what === 'csrs' || what === 'all-registers') {
    const names = args[1] ? [args[1]] : ['sstatus', 'sie', 'stvec', 'sscratch', 'sepc', 'scause', 'stval', 'sip', 'satp', 'stimecmp', 'scounteren', 'time', 'cycle', 'instret', 'mstatus', 'medeleg', 'mideleg'];
    return names.map((n) => {
      const def = csrByName.get(n.replace(/^\$/, ''));
      if (!def) throw new Error(`no CSR named '${n}' (known: ${CSRS.slice(0, 12).map((c) => c.name).join(', ')}, ...)`);
      return `${def.name.padEnd(10)} ${formatValue(def.name, hart.csr(def.address))}`;
    }).join('\n');
  }
  if (what === 'frame' || what === 'f') {
    const frames = rt.stack(Math.max(2, (frame?.index ?? 0) + 2));
    const f = frames[frame?.index ?? 0];
    if (!f) return 'no frame';
    const caller = frames[f.index + 1];
    const lines = [`Stack level ${f.index}, frame at ${caller?.regs[2] !== undefined ? hex(caller.regs[2]) : '<unknown>'}:`,
      ` pc = ${hex(f.pc)} in ${f.name}${f.module ? ` (${f.module.name})` : ''}${f.location ? ` (${f.location.hostPath}:${f.location.line})` : ''}; ${privilegeName(f.priv)}-mode`,
      caller ? ` called by frame at level ${caller.index}: pc = ${hex(caller.pc)} in ${caller.name}` : ' caller: <outermost frame, or not found>',
      ` sp = ${f.regs[2] !== undefined ? hex(f.regs[2]) : '<not saved>'}, ra = ${f.regs[1] !== undefined ? hex(f.regs[1]) : '<not saved>'}, s0 = ${f.regs[8] !== undefined ? hex(f.regs[8]) : '<not saved>'}`];
    return lines.join('\n');
  }
  if (what === 'args' || what === 'locals') return infoLines(rt, frame ?? withInlineFrames(rt, rt.stack(1))[0], what);
  if (what === 'auxv') return auxvNodes(rt).map((n) => `${n.name.padEnd(24)} ${n.value}`).join('\n');
  if (what === 'proc' && (args[1] ?? 'mappings') === 'mappings' || what === 'maps' || what === 'mappings') {
    const lines = mapsText(rt);
    return lines.length ? lines.join('\n') : 'no mappings';
  }
  if (what === 'vdso') {
    const t = rt.target;
    if (!t || !t.capabilities.process || !t.vdsoBase) return 'no vDSO in this target';
    const base = t.vdsoBase!, vvar = t.vvarBase!;
    const lines = [`${VDSO_SONAME} at ${hex(base)} ([vdso]), data page at ${hex(vvar)} ([vvar])`];
    for (const [n, off] of Object.entries(VDSO_OFFSETS)) lines.push(`  ${hex(base + BigInt(off))}  ${n}`);
    const page = hart.readVirt(vvar, VDSO_DATA_SIZE * 2);
    if (page) {
      const d = decodeDataPage(page);
      for (const k of ['vd[0].seq', 'vd[0].clock_mode', 'vd[0].cycle_last', 'vd[0].mask', 'vd[0].mult', 'vd[0].shift', 'vd[0].basetime[CLOCK_REALTIME].sec', 'vd[0].basetime[CLOCK_MONOTONIC].sec', 'vd[0].hrtimer_res']) {
        const v = d.get(k);
        if (v !== undefined) lines.push(`  ${k.padEnd(36)} ${v}${k.endsWith('seq') ? (v & 1n ? ' (odd)' : ' (even)') : ''}`);
      }
    }
    return lines.join('\n');
  }
  if (what === 'breakpoints' || what === 'b') {
    const all = rt.breakpoints.all();
    if (!all.length && !rt.breakpoints.data.length) return 'no breakpoints';
    return [
      ...all.map((b) => `${b.id}\t${b.kind}\t${b.name ?? (b.path ? `${b.path}:${b.requestedLine}` : b.reference)}\t${b.verified ? rt.describeBreakpoint(b) : b.message}\thits ${b.hits}`),
      ...rt.breakpoints.data.map((d) => `${d.id}\tdata\t${d.label}\t${d.access}\thits ${d.hits}`),
    ].join('\n');
  }
  throw new Error(`unknown info command '${args.join(' ')}' (try: info frame, info locals, info registers, info csr, info auxv, info proc mappings, info vdso, info breakpoints)`);
}

function examine(rt: DebugRuntime, cmd: string, arg: string): string {
  const m = /^x(?:\/(\d*)([xduotacsi]?)([bhwg]?)([xduotacsi]?))?$/.exec(cmd);
  if (!m) throw new Error(`malformed '${cmd}': use x/NFU ADDR, e.g. x/8gx $sp`);
  if (!arg) throw new Error(`${cmd}: an address is required`);
  const n = m[1] ? Number(m[1]) : 1;
  const fmt = m[2] || m[4] || 'x';
  const size = ({ b: 1, h: 2, w: 4, g: 8 } as Record<string, number>)[m[3] || 'w'];
  const addr = rt.evaluate(arg);
  if (n > 4096) throw new Error(`x: at most 4096 units`);
  if (fmt === 'i') return decodeForward(rt, addr, n).map((l) => `${hex(l.address)}${l.symbol ? ` <${l.symbol}>` : ''}:\t${l.text}`).join('\n');
  if (fmt === 's') {
    const bytes: number[] = [];
    for (let i = 0; i < 4096; i++) {
      const b = rt.hart.readVirt(addr + BigInt(i), 1);
      if (!b) throw new Error(`cannot read memory at ${hex(addr + BigInt(i))}`);
      if (!b[0]) break;
      bytes.push(b[0]);
    }
    return `${hex(addr)}:\t${JSON.stringify(Buffer.from(bytes).toString('utf8'))}`;
  }
  const data = rt.hart.readVirt(addr, n * size);
  if (!data) {
    const where = rt.mappingAt(addr);
    throw new Error(`cannot read ${n * size} bytes at ${hex(addr)}: ${where ? 'not all of it is present' : 'the address is outside any mapping'}`);
  }
  const per = size === 8 ? 2 : size === 4 ? 4 : 8;
  const lines: string[] = [];
  for (let i = 0; i < n; i += per) {
    const a = addr + BigInt(i * size);
    const sym = rt.symbolize(a);
    const cells: string[] = [];
    for (let j = i; j < Math.min(n, i + per); j++) {
      let v = 0n;
      for (let k = size - 1; k >= 0; k--) v = (v << 8n) | BigInt(data[j * size + k]);
      if (fmt === 'x') cells.push('0x' + v.toString(16).padStart(size * 2, '0'));
      else if (fmt === 'd') cells.push(String(BigInt.asIntN(size * 8, v)));
      else if (fmt === 'u') cells.push(String(v));
      else if (fmt === 'o') cells.push('0' + v.toString(8));
      else if (fmt === 't') cells.push(v.toString(2).padStart(size * 8, '0'));
      else if (fmt === 'c') cells.push(`${v} '${v >= 32n && v < 127n ? String.fromCharCode(Number(v)) : '.'}'`);
      else if (fmt === 'a') cells.push(`${hex(v)}${rt.symbolize(v) ? ` <${rt.symbolize(v)}>` : ''}`);
    }
    lines.push(`${hex(a)}${sym ? ` <${sym}>` : ''}:\t${cells.join('\t')}`);
  }
  return lines.join('\n');
}

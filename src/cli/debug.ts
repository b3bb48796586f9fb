// `riscv-vdso debug PROGRAM [--syscall PROGRAM]`: a guided debug session, headless. It drives the debug adapter
// (dist/debugAdapter.js) the way an editor does and tells, stop by stop, what you would see there and why:
//   1. the vDSO program: function breakpoints on __vdso_clock_gettime / __vdso_gettimeofday wait (pending)
//      until the vDSO is mapped, then stop inside it: address, module, source line, call stack, [vvar], CSRs;
//   2. the syscall program (--syscall PROGRAM): from glibc's syscall() to its ecall, one instruction into the
//      kernel's trap entry (handle_exception, S-mode: scause, sepc, sstatus.SPP), and out again after sret.
// Each statement the tour makes is checked against the session; one that does not hold is printed as
// "unexpected" and the command exits 1 (so a run on your own build tells whether the debugger behaves).
import { resolve } from 'node:path';
import { DapClient, adapterPath, type Msg } from './dapClient';
import { VDSO_OFFSETS } from '../guest/vdso/vdsoSymbols.generated';
import { ENTRY_SYMBOLS } from '../guest/kernel/entrySymbols.generated';

const hex = (v: bigint) => '0x' + v.toString(16);

/** The narration: each statement is what you see at this point of the session; one that does not hold is marked. */
class Tour {
  unexpected = 0;
  /** State what the session shows (`shown`: the value it showed). */
  see(holds: boolean, statement: string, shown = ''): void {
    process.stdout.write(`  ${holds ? '- ' : '! unexpected: '}${statement}${shown ? ` [${shown}]` : ''}\n`);
    if (!holds) this.unexpected++;
  }
}

async function evaluate(dc: DapClient, expression: string, frameId?: number): Promise<string> {
  return (await dc.request('evaluate', { expression, context: 'repl', frameId })).body.result as string;
}
async function num(dc: DapClient, expression: string): Promise<bigint> {
  return BigInt((await evaluate(dc, `(${expression}) + 0`)).split(' ')[0]);
}

interface Frame { id: number; name: string; line: number; source?: { path?: string }; instructionPointerReference?: string }

async function printStop(dc: DapClient, title: string): Promise<Frame[]> {
  const st = (await dc.request('stackTrace', { threadId: 1, levels: 20 })).body.stackFrames as Frame[];
  const f0 = st[0];
  process.stdout.write(`\n== ${title}\n`);
  process.stdout.write(`pc ${f0.instructionPointerReference}  ${f0.name}${f0.source?.path ? `  ${f0.source.path}:${f0.line}` : ''}\n`);
  process.stdout.write('call stack:\n');
  for (const f of st) process.stdout.write(`  #${f.id - 1} ${f.instructionPointerReference}  ${f.name}${f.source?.path ? `  at ${f.source.path.split('/').slice(-2).join('/')}:${f.line}` : ''}\n`);
  return st;
}

async function printScope(dc: DapClient, frameId: number, name: string, depth = 1, filter?: (n: string) => boolean): Promise<{ name: string; value: string; memoryReference?: string; variablesReference: number }[]> {
  const scopes = (await dc.request('scopes', { frameId })).body.scopes as { name: string; variablesReference: number }[];
  const s = scopes.find((x) => x.name === name);
  if (!s) return [];
  process.stdout.write(`${name}:\n`);
  const all: { name: string; value: string; memoryReference?: string; variablesReference: number }[] = [];
  const walk = async (ref: number, indent: string, d: number) => {
    const vars = (await dc.request('variables', { variablesReference: ref })).body.variables as { name: string; value: string; memoryReference?: string; variablesReference: number }[];
    for (const v of vars) {
      if (filter && d === 0 && !filter(v.name)) continue;
      all.push(v);
      process.stdout.write(`${indent}${v.name} = ${v.value}\n`);
      if (v.variablesReference && d < depth) await walk(v.variablesReference, indent + '  ', d + 1);
    }
  };
  await walk(s.variablesReference, '  ', 0);
  return all;
}

async function launch(dc: DapClient, program: string, setup: () => Promise<void>, extra: Record<string, unknown> = {}): Promise<Msg> {
  await dc.request('initialize', { adapterID: 'riscv-vdso', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  await dc.event('initialized');
  await setup();
  await dc.request('configurationDone');
  const stopped = dc.event('stopped');
  stopped.catch(() => undefined); // when the launch fails, its error is the one to report
  await dc.request('launch', { program, ...extra });
  return stopped;
}

/** Part 1: stop in the vDSO through a pending function breakpoint. */
export async function vdsoWalkthrough(program: string, t: Tour): Promise<void> {
  const dc = new DapClient(adapterPath());
  dc.onEvent = (m) => { if (m.event === 'output' && m.body.category !== 'telemetry') process.stdout.write(`  [${m.body.category}] ${m.body.output}`); };
  try {
    process.stdout.write(`\n### Part 1, ${program}: stop inside the vDSO with function breakpoints\n`);
    let pending: { verified: boolean; message?: string }[] = [];
    const stopped = await launch(dc, program, async () => {
      const r = await dc.request('setFunctionBreakpoints', { breakpoints: [{ name: '__vdso_clock_gettime' }, { name: '__vdso_gettimeofday' }] });
      pending = r.body.breakpoints;
      for (const b of pending) process.stdout.write(`  breakpoint: verified=${b.verified} ${b.message ?? ''}\n`);
    });
    t.see(pending.length === 2 && pending.every((b) => !b.verified), 'the breakpoints are pending: the vDSO is mapped only when the program starts');
    const changed = await dc.event('breakpoint');
    process.stdout.write(`  breakpoint event: verified=${changed.body.breakpoint.verified} ${changed.body.breakpoint.message ?? ''}\n`);
    const ev = (await stopped).body;
    t.see(ev.reason === 'function breakpoint', 'the program stops at a function breakpoint', ev.reason);
    const st = await printStop(dc, 'stop in the vDSO');
    const vdsoLine = (await evaluate(dc, 'info vdso')).split('\n')[0];
    const base = BigInt(/at (0x[0-9a-f]+) \(\[vdso\]\)/.exec(vdsoLine)?.[1] ?? '0');
    process.stdout.write(`  ${vdsoLine}\n`);
    const pc = BigInt(st[0].instructionPointerReference!);
    const at = Object.entries(VDSO_OFFSETS).find(([, off]) => base + BigInt(off) === pc)?.[0];
    t.see(at === '__vdso_gettimeofday' || at === '__vdso_clock_gettime', 'pc is where the vDSO was mapped plus the offset of the function in vdso.so', `${hex(pc)} = ${hex(base)} + ${at ? hex(BigInt(VDSO_OFFSETS[at])) : '?'}`);
    t.see(/^__vdso_(gettimeofday|clock_gettime) \(linux-vdso\.so\.1\)$/.test(st[0].name), 'the top frame names the function and the module linux-vdso.so.1', st[0].name);
    t.see(!!st[0].source?.path?.endsWith('vgettimeofday.c'), 'the editor shows it in the vDSO source, vgettimeofday.c', `${st[0].source?.path}:${st[0].line}`);
    const mainIdx = st.findIndex((f) => f.name.startsWith('main '));
    t.see(mainIdx > 1, 'the call stack goes through libc back to main', st.map((f) => f.name.split(' ')[0]).join(' <- '));
    const vv = await printScope(dc, st[0].id, '[vvar]', 1);
    const seqText = vv.find((v) => v.name === 'seq')?.value ?? '';
    const seq = BigInt(seqText.split(' ')[0] || '1');
    t.see(seq % 2n === 0n, '[vvar] seq is even: the kernel is not updating the time data right now', seqText);
    const addr = vv.find((v) => v.name === 'address')?.memoryReference;
    if (addr) {
      const mem = await dc.request('readMemory', { memoryReference: addr, count: 8 });
      const first = Buffer.from(mem.body.data, 'base64').readUInt32LE(0);
      t.see(BigInt(first) === seq, 'the memory view of [vvar] starts with that seq', `${first}`);
    } else t.see(false, 'the [vvar] scope opens in the memory view');
    await printScope(dc, st[0].id, 'CSRs', 1, (n) => ['sstatus', 'scause', 'stvec', 'satp', 'time', 'cycle', 'instret'].includes(n));
    t.see(/MODE = Sv39/.test(await evaluate(dc, 'info csr satp')), 'satp.MODE is Sv39: user addresses are translated by page tables');
    const exited = dc.event('exited');
    await dc.request('setFunctionBreakpoints', { breakpoints: [] });
    await dc.request('continue', { threadId: 1 });
    const code = (await exited).body.exitCode;
    t.see(code === 0, 'the program runs to its end and exits with 0', String(code));
  } finally {
    dc.close();
  }
}

/** Part 2: through an ecall into the kernel's trap entry and back out after sret. */
export async function syscallWalkthrough(program: string, t: Tour): Promise<void> {
  const dc = new DapClient(adapterPath());
  dc.onEvent = (m) => { if (m.event === 'output') process.stdout.write(`  [${m.body.category}] ${m.body.output}`); };
  try {
    process.stdout.write(`\n### Part 2, ${program}: follow a system call into the kernel and back\n`);
    const stopped = await launch(dc, program, async () => {
      await dc.request('setFunctionBreakpoints', { breakpoints: [{ name: 'syscall' }] });
    });
    const ev = (await stopped).body;
    t.see(ev.reason === 'function breakpoint', 'the program stops in glibc\'s syscall()', ev.reason);
    await dc.request('setFunctionBreakpoints', { breakpoints: [] });
    let ecallPc = 0n;
    for (let i = 0; i < 200; i++) {
      const pc = await num(dc, '$pc');
      const d = (await dc.request('disassemble', { memoryReference: hex(pc), instructionCount: 1 })).body.instructions[0];
      if (/^ecall\b/.test(d.instruction)) { ecallPc = pc; break; }
      const s = dc.event('stopped');
      await dc.request('stepIn', { threadId: 1, granularity: 'instruction' });
      await s;
    }
    t.see(ecallPc !== 0n, 'stepping by instruction reaches the ecall', hex(ecallPc));
    t.see((await num(dc, '$a7')) === 169n, 'a7 holds 169, the number of gettimeofday');
    await printStop(dc, 'at the ecall');
    let s = dc.event('stopped');
    await dc.request('stepIn', { threadId: 1, granularity: 'instruction' });
    await s;
    const st = await printStop(dc, 'after stepIn: the trap entry');
    const he = ENTRY_SYMBOLS.find((x) => x.name === 'handle_exception')!.address;
    t.see((await num(dc, '$pc')) === he, 'one more step lands on handle_exception, the first instruction of the kernel\'s trap entry', hex(he));
    t.see((await num(dc, '$priv')) === 1n, 'the hart is now in S-mode');
    t.see(/^8 \(environment call from U-mode\)/.test(await evaluate(dc, '$scause')), 'scause says why: 8, an environment call from U-mode');
    t.see((await num(dc, '$sepc')) === ecallPc, 'sepc holds the address of the ecall, where the kernel will return');
    t.see(/^U \(0\)/.test(await evaluate(dc, 'sstatus.SPP')), 'sstatus.SPP records that the trap came from U-mode');
    t.see(st[0].name.startsWith('handle_exception') && st.length > 1 && BigInt(st[1].instructionPointerReference!) === ecallPc, 'the call stack shows the kernel frame above the user program\'s', st.slice(0, 3).map((f) => f.name).join(' <- '));
    await printScope(dc, st[0].id, 'CSRs', 1, (n) => ['sstatus', 'scause', 'sepc', 'stvec', 'satp'].includes(n));
    s = dc.event('stopped');
    await dc.request('stepOut', { threadId: 1 });
    await s;
    await printStop(dc, 'after stepOut: back in user mode after sret');
    t.see((await num(dc, '$pc')) === ecallPc + 4n, 'step out returns after sret to the instruction after the ecall');
    t.see((await num(dc, '$priv')) === 0n, 'the hart is back in U-mode');
    t.see((await num(dc, '$a0')) === 0n, 'a0 is 0: gettimeofday succeeded');
    const exited = dc.event('exited');
    await dc.request('continue', { threadId: 1 });
    const code = (await exited).body.exitCode;
    t.see(code === 0, 'the program runs to its end and exits with 0', String(code));
  } finally {
    dc.close();
  }
}

/** The whole tour; 0 when the session showed everything as described, 1 otherwise. */
export async function runWalkthrough(vdsoProgram: string, syscallProgram?: string): Promise<number> {
  const t = new Tour();
  try {
    await vdsoWalkthrough(resolve(vdsoProgram), t);
    if (syscallProgram) await syscallWalkthrough(resolve(syscallProgram), t);
  } catch (e) {
    t.see(false, 'the session goes on to the end of the tour', (e as Error).message);
  }
  process.stdout.write(`\n${t.unexpected === 0 ? 'The session showed everything as described.' : `${t.unexpected} statement(s) did not hold (marked "unexpected" above).`}\n`);
  return t.unexpected === 0 ? 0 : 1;
}

/** riscv-vdso debug PROGRAM [--syscall PROGRAM] */
export async function debugCommand(argv: string[]): Promise<number> {
  let program: string | undefined, sys: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--syscall') sys = argv[++i];
    else if (!program) program = argv[i];
    else throw new Error(`debug: unexpected argument ${argv[i]}`);
  }
  if (!program) throw new Error('usage: riscv-vdso debug PROGRAM [--syscall PROGRAM]');
  return runWalkthrough(program, sys);
}

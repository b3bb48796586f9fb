// riscv-vdso debug PROGRAM: a real DAP client against the debug adapter process (dist/debugAdapter.js). It
// runs the vDSO walk-through and prints what a user would see at each stop:
//   1. the vDSO program: function breakpoints __vdso_clock_gettime / __vdso_gettimeofday, pending until the
//      vDSO is mapped, verified at this run's address; the stop inside the vDSO (address, module, source line,
//      call stack, decoded [vvar], key CSRs);
//   2. the syscall program (--syscall PROGRAM): break in glibc's syscall(), step to its ecall, step into the
//      kernel's trap entry (handle_exception, S-mode; scause, sepc, sstatus.SPP), stepOut back through sret.
// Exits 0 only when every step happened as described; each check prints "ok" or "FAILED".
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { VDSO_OFFSETS } from '../guest/vdso/vdsoSymbols.generated';
import { ENTRY_SYMBOLS } from '../guest/kernel/entrySymbols.generated';

interface Msg { seq: number; type: string; command?: string; event?: string; request_seq?: number; success?: boolean; message?: string; body?: any } // eslint-disable-line @typescript-eslint/no-explicit-any

/** A minimal DAP client over a child process's stdio (Content-Length framing). */
export class DapClient {
  private seq = 1;
  private buf = Buffer.alloc(0);
  private pending = new Map<number, (m: Msg) => void>();
  private waiters: { event: string; resolve: (m: Msg) => void }[] = [];
  private queued: Msg[] = [];
  readonly child: ChildProcess;
  onEvent?: (m: Msg) => void;

  constructor(adapter: string, nodeArgs: string[] = []) {
    this.child = spawn(process.execPath, [...nodeArgs, adapter], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child.stdout!.on('data', (d: Buffer) => this.data(d));
  }

  private data(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const h = this.buf.indexOf('\r\n\r\n');
      if (h < 0) return;
      const m = /Content-Length: (\d+)/i.exec(this.buf.subarray(0, h).toString());
      const len = Number(m?.[1] ?? 0);
      if (this.buf.length < h + 4 + len) return;
      const msg = JSON.parse(this.buf.subarray(h + 4, h + 4 + len).toString()) as Msg;
      this.buf = this.buf.subarray(h + 4 + len);
      if (msg.type === 'response') this.pending.get(msg.request_seq!)?.(msg);
      else if (msg.type === 'event') {
        this.onEvent?.(msg);
        const i = this.waiters.findIndex((w) => w.event === msg.event);
        if (i >= 0) this.waiters.splice(i, 1)[0].resolve(msg);
        else this.queued.push(msg);
      }
    }
  }

  request(command: string, args: unknown = {}): Promise<Msg> {
    const seq = this.seq++;
    const body = JSON.stringify({ seq, type: 'request', command, arguments: args });
    this.child.stdin!.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    return new Promise((res, rej) => this.pending.set(seq, (m) => (m.success ? res(m) : rej(new Error(`${command}: ${m.message}`)))));
  }

  /** The next event of that kind (one already received and not yet taken counts). */
  event(event: string, timeoutMs = 30000): Promise<Msg> {
    const i = this.queued.findIndex((m) => m.event === event);
    if (i >= 0) return Promise.resolve(this.queued.splice(i, 1)[0]);
    return new Promise((res, rej) => {
      const t = setTimeout(() => rej(new Error(`no '${event}' event within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ event, resolve: (m) => { clearTimeout(t); res(m); } });
    });
  }

  drop(event: string): void { this.queued = this.queued.filter((m) => m.event !== event); }

  close(): void { this.child.kill(); }
}

export function adapterPath(): string {
  const c = [join(__dirname, 'debugAdapter.js'), join(__dirname, '..', '..', 'dist', 'debugAdapter.js'), join(__dirname, '..', 'dist', 'debugAdapter.js')];
  for (const p of c) if (existsSync(p)) return p;
  throw new Error(`the debug adapter was not found (looked in ${c.join(', ')}): run npm run build`);
}

const hex = (v: bigint) => '0x' + v.toString(16);

class Checks {
  failed = 0;
  check(ok: boolean, what: string, detail = ''): boolean {
    process.stdout.write(`  ${ok ? 'ok    ' : 'FAILED'} ${what}${detail ? `: ${detail}` : ''}\n`);
    if (!ok) this.failed++;
    return ok;
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
  await dc.request('launch', { program, ...extra });
  return stopped;
}

/** Part 1: stop in the vDSO through a pending function breakpoint. */
export async function vdsoWalkthrough(program: string, c: Checks): Promise<void> {
  const dc = new DapClient(adapterPath());
  dc.onEvent = (m) => { if (m.event === 'output' && m.body.category !== 'telemetry') process.stdout.write(`  [${m.body.category}] ${m.body.output}`); };
  try {
    process.stdout.write(`\n### ${program}: function breakpoints in the vDSO\n`);
    let pending: { verified: boolean; message?: string }[] = [];
    const stopped = await launch(dc, program, async () => {
      const r = await dc.request('setFunctionBreakpoints', { breakpoints: [{ name: '__vdso_clock_gettime' }, { name: '__vdso_gettimeofday' }] });
      pending = r.body.breakpoints;
      for (const b of pending) process.stdout.write(`  breakpoint: verified=${b.verified} ${b.message ?? ''}\n`);
    });
    c.check(pending.length === 2 && pending.every((b) => !b.verified), 'breakpoints are pending before the program is loaded');
    const changed = await dc.event('breakpoint');
    process.stdout.write(`  breakpoint event: verified=${changed.body.breakpoint.verified} ${changed.body.breakpoint.message ?? ''}\n`);
    const ev = (await stopped).body;
    c.check(ev.reason === 'function breakpoint', 'stopped at a function breakpoint', ev.reason);
    const st = await printStop(dc, 'stop in the vDSO');
    const vdsoLine = (await evaluate(dc, 'info vdso')).split('\n')[0];
    const base = BigInt(/at (0x[0-9a-f]+) \(\[vdso\]\)/.exec(vdsoLine)?.[1] ?? '0');
    process.stdout.write(`  ${vdsoLine}\n`);
    const pc = BigInt(st[0].instructionPointerReference!);
    const at = Object.entries(VDSO_OFFSETS).find(([, off]) => base + BigInt(off) === pc)?.[0];
    c.check(at === '__vdso_gettimeofday' || at === '__vdso_clock_gettime', 'pc = vDSO base + the generated offset of the function', `${hex(pc)} = ${hex(base)} + ${at ? hex(BigInt(VDSO_OFFSETS[at])) : '?'}`);
    c.check(/^__vdso_(gettimeofday|clock_gettime) \(linux-vdso\.so\.1\)$/.test(st[0].name), 'frame #0 names the vDSO function and module', st[0].name);
    c.check(!!st[0].source?.path?.endsWith('vgettimeofday.c'), 'frame #0 is shown in our vDSO source', `${st[0].source?.path}:${st[0].line}`);
    const mainIdx = st.findIndex((f) => f.name.startsWith('main '));
    c.check(mainIdx > 1, 'the stack unwinds through libc to main', st.map((f) => f.name.split(' ')[0]).join(' <- '));
    const vv = await printScope(dc, st[0].id, '[vvar]', 1);
    const seqText = vv.find((v) => v.name === 'seq')?.value ?? '';
    const seq = BigInt(seqText.split(' ')[0] || '1');
    c.check(seq % 2n === 0n, '[vvar] seq is even (no update in progress)', seqText);
    const addr = vv.find((v) => v.name === 'address')?.memoryReference;
    if (addr) {
      const mem = await dc.request('readMemory', { memoryReference: addr, count: 8 });
      const first = Buffer.from(mem.body.data, 'base64').readUInt32LE(0);
      c.check(BigInt(first) === seq, 'readMemory on the [vvar] reference: its first word is seq', `${first}`);
    } else c.check(false, '[vvar] scope has a memory reference');
    await printScope(dc, st[0].id, 'CSRs', 1, (n) => ['sstatus', 'scause', 'stvec', 'satp', 'time', 'cycle', 'instret'].includes(n));
    c.check(/MODE = Sv39/.test(await evaluate(dc, 'info csr satp')), 'satp.MODE = Sv39');
    const exited = dc.event('exited');
    await dc.request('setFunctionBreakpoints', { breakpoints: [] });
    await dc.request('continue', { threadId: 1 });
    const code = (await exited).body.exitCode;
    c.check(code === 0, 'the program exits with 0', String(code));
  } finally {
    dc.close();
  }
}

/** Part 2: through an ecall into the kernel's trap entry and back out after sret. */
export async function syscallWalkthrough(program: string, c: Checks): Promise<void> {
  const dc = new DapClient(adapterPath());
  dc.onEvent = (m) => { if (m.event === 'output') process.stdout.write(`  [${m.body.category}] ${m.body.output}`); };
  try {
    process.stdout.write(`\n### ${program}: into the kernel through ecall\n`);
    const stopped = await launch(dc, program, async () => {
      await dc.request('setFunctionBreakpoints', { breakpoints: [{ name: 'syscall' }] });
    });
    const ev = (await stopped).body;
    c.check(ev.reason === 'function breakpoint', 'stopped in glibc syscall()', ev.reason);
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
    c.check(ecallPc !== 0n, 'instruction steps reach the ecall', hex(ecallPc));
    c.check((await num(dc, '$a7')) === 169n, 'a7 = 169 (gettimeofday)');
    await printStop(dc, 'at the ecall');
    let s = dc.event('stopped');
    await dc.request('stepIn', { threadId: 1, granularity: 'instruction' });
    await s;
    const st = await printStop(dc, 'after stepIn: the trap entry');
    const he = ENTRY_SYMBOLS.find((x) => x.name === 'handle_exception')!.address;
    c.check((await num(dc, '$pc')) === he, 'pc = handle_exception (the first instruction of the trap entry)', hex(he));
    c.check((await num(dc, '$priv')) === 1n, 'the hart is in S-mode');
    c.check(/^8 \(environment call from U-mode\)/.test(await evaluate(dc, '$scause')), 'scause = 8 (environment call from U-mode)');
    c.check((await num(dc, '$sepc')) === ecallPc, 'sepc = the ecall');
    c.check(/^U \(0\)/.test(await evaluate(dc, 'sstatus.SPP')), 'sstatus.SPP = U');
    c.check(st[0].name.startsWith('handle_exception') && st.length > 1 && BigInt(st[1].instructionPointerReference!) === ecallPc, 'the stack shows the kernel frame above the user frame', st.slice(0, 3).map((f) => f.name).join(' <- '));
    await printScope(dc, st[0].id, 'CSRs', 1, (n) => ['sstatus', 'scause', 'sepc', 'stvec', 'satp'].includes(n));
    s = dc.event('stopped');
    await dc.request('stepOut', { threadId: 1 });
    await s;
    await printStop(dc, 'after stepOut: back in user mode after sret');
    c.check((await num(dc, '$pc')) === ecallPc + 4n, 'pc = the instruction after the ecall');
    c.check((await num(dc, '$priv')) === 0n, 'the hart is in U-mode');
    c.check((await num(dc, '$a0')) === 0n, 'a0 = 0 (gettimeofday succeeded)');
    const exited = dc.event('exited');
    await dc.request('continue', { threadId: 1 });
    const code = (await exited).body.exitCode;
    c.check(code === 0, 'the program exits with 0', String(code));
  } finally {
    dc.close();
  }
}

export async function runDebugScenario(vdsoProgram: string, syscallProgram?: string): Promise<number> {
  const c = new Checks();
  try {
    await vdsoWalkthrough(resolve(vdsoProgram), c);
    if (syscallProgram) await syscallWalkthrough(resolve(syscallProgram), c);
  } catch (e) {
    c.check(false, 'the walk-through ran to the end', (e as Error).message);
  }
  process.stdout.write(`\n${c.failed === 0 ? 'all steps happened as described' : `${c.failed} step(s) FAILED`}\n`);
  return c.failed === 0 ? 0 : 1;
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
  return runDebugScenario(program, sys);
}

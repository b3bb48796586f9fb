// DAP traffic as a careless or hostile client sends it, against the built adapter in --server mode (one
// adapter process, a session per connection): random requests with values of the right and of the wrong
// types, null and missing arguments, huge counts; and launches of mutated ELF files. A request must be answered
// within the hang bound, and an error answer must carry no exception text and no "internal error".
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Rng } from './rng';
import { Campaign, type Outcome } from './campaign';
import { mutateElf } from './elfMutate';
import { HELLO, SEEDS } from './elfTargets';

export const ADAPTER = join(__dirname, '..', '..', '..', 'dist', 'debugAdapter.js');
// Node's own range errors ('The value of "offset" is out of range', 'Index out of range'), not our messages that say
// a field is out of range ('e_shstrndx 27 out of range (25 sections)', a clean ElfError)
export const LEAK = /TypeError|RangeError|SyntaxError|ReferenceError|is not a function|is not iterable|Cannot read propert|Cannot convert|Invalid typed array|Maximum call stack|is out of range|Index out of range|outside of buffer|outside the bounds|\n\s+at |internal error/;

export class AdapterServer {
  proc!: ChildProcess;
  port = 0;
  /** The adapter's stderr: internal errors are logged there with their incident id. */
  log = '';
  async start(): Promise<void> {
    this.proc = spawn(process.execPath, [ADAPTER, '--server=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.port = await new Promise<number>((resolve, reject) => {
      let err = '';
      this.proc.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        if (this.log.length < 100_000) this.log += d.toString();
        const m = /listening on port (\d+)/.exec(err);
        if (m) resolve(Number(m[1]));
      });
      this.proc.on('exit', () => reject(new Error(`adapter exited: ${err}`)));
    });
  }
  get alive(): boolean { return this.proc.exitCode === null && this.proc.signalCode === null; }
  /** Peak resident set of the adapter process (VmHWM), in bytes. */
  peakRss(): number {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.proc.pid}/status`, 'utf8'));
      return m ? Number(m[1]) * 1024 : 0;
    } catch { return 0; }
  }
  stop(): void { if (this.alive) this.proc.kill('SIGKILL'); }
}

type Raw = DebugProtocol.Response | 'timeout';

/** Send a request and wait for its response, at most `ms`. */
export function send(dc: DebugClient, command: string, args: unknown, ms: number): Promise<Raw> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve('timeout'), ms);
    (dc as unknown as { doSend(c: string, a: unknown, cb: (r: DebugProtocol.Response) => void): void }).doSend(command, args, (r) => { clearTimeout(t); resolve(r); });
  });
}

/** The logged stack of an incident id seen in an answer. */
export function incident(server: AdapterServer, message: string): string {
  const id = /incident ([0-9a-f]+)/.exec(message)?.[1];
  if (!id) return '';
  const at = server.log.indexOf(`internal error ${id}]`);
  return at < 0 ? '' : ' | ' + server.log.slice(at, at + 400).split('\n').slice(0, 3).join(' | ');
}

export function classify(r: Raw): { outcome: Outcome; detail: string } {
  if (r === 'timeout') return { outcome: 'hang', detail: 'no answer' };
  if (r.success) return { outcome: 'ok', detail: '' };
  const msg = r.message ?? '';
  // a quiet refusal (a hover on a name that is no expression answers with nothing, showUser false) is clean
  const quiet = !msg && (r as DebugProtocol.ErrorResponse).body?.error?.showUser === false;
  if (LEAK.test(msg) || (!msg && !quiet)) return { outcome: 'crash', detail: msg.slice(0, 300) || '(an empty error message shown to the user)' };
  return { outcome: 'clean', detail: '' };
}

/** Connect a client to the server and bring a program to a stop at its entry. */
export async function session(server: AdapterServer, program: string, ms: number): Promise<{ dc: DebugClient; launch: Raw }> {
  const dc = new DebugClient('node', ADAPTER, 'riscv-vdso');
  await dc.start(server.port);
  await send(dc, 'initialize', { adapterID: 'riscv-vdso', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true }, ms);
  await send(dc, 'configurationDone', {}, ms);
  const stopped = new Promise((r) => { dc.once('stopped', r); setTimeout(r, ms); });
  const launch = await send(dc, 'launch', { program, stopOnEntry: true }, ms);
  if (launch !== 'timeout' && launch.success) await stopped;
  return { dc, launch };
}

export async function closeSession(dc: DebugClient, ms: number): Promise<void> {
  await send(dc, 'disconnect', { terminateDebuggee: true }, ms);
  try { (dc as unknown as { _socket?: { destroy(): void } })._socket?.destroy(); } catch { /* gone */ }
}

// ---- random requests ----------------------------------------------------------------------------------------

const JUNK: unknown[] = [null, 0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, NaN, '', 'x', '0x10', '$pc', '$sp', 'main', '*(u64*)$sp',
  '0xffffffffffffffff', 'a'.repeat(70_000), [], [1, 2], {}, { x: 1 }, true, false, '(((((', '1/0', 'info registers',
  'disassemble $pc 100000', 'x/5000gx $sp', 'x/s 0', 'p $pc', 'help', 'strace on', 'info vdso', 'info csr satp'];

function junk(rng: Rng): unknown {
  const v = rng.pick(JUNK);
  if (rng.bool(0.2)) return rng.int(2) ? rng.u32() : -rng.int(1000);
  return v;
}

const THREAD = () => ({ threadId: 1 });
type Template = (rng: Rng) => Record<string, unknown>;
const TEMPLATES: Record<string, Template> = {
  threads: () => ({}),
  stackTrace: (r) => ({ threadId: 1, startFrame: r.int(5), levels: r.int(50) }),
  scopes: (r) => ({ frameId: 1 + r.int(3) }),
  variables: (r) => ({ variablesReference: 1 + r.int(40), start: r.bool() ? r.int(10) : undefined, count: r.bool() ? r.int(100) : undefined }),
  evaluate: (r) => ({ expression: r.pick(['$pc', '$a0 + 4', 'info registers', 'x/4gx $sp', 'disassemble', 'main', 'sstatus.SPP', '*(u32*)$sp', 'info proc mappings', 'info auxv', '(1+2)*3']), context: r.pick(['repl', 'watch', 'hover', 'variables', undefined]), frameId: r.bool() ? 1 : undefined }),
  readMemory: (r) => ({ memoryReference: r.pick(['$sp', '$pc', '0x10', 'main']), offset: r.int(64) - 32, count: r.int(8192) }),
  writeMemory: (r) => ({ memoryReference: r.pick(['$sp', '0x10']), offset: -r.int(16), data: Buffer.from([r.int(256), r.int(256)]).toString('base64') }),
  disassemble: (r) => ({ memoryReference: r.pick(['$pc', 'main', '0x0', '0xffffffffffffff00']), offset: r.int(8), instructionOffset: r.int(400) - 200, instructionCount: r.int(500) }),
  setBreakpoints: (r) => ({ source: { path: r.pick(['/nowhere.c', join(__dirname, '..', '..', 'dap', 'fixtures', 'counter.c')]) }, breakpoints: [{ line: 1 + r.int(60) }, { line: 1 + r.int(60), condition: '$a0 == 1' }] }),
  setFunctionBreakpoints: (r) => ({ breakpoints: [{ name: r.pick(['main', 'puts', 'nosuch', '__vdso_clock_gettime']) }] }),
  setInstructionBreakpoints: (r) => ({ breakpoints: [{ instructionReference: r.pick(['$pc', 'main', '0x1000']), offset: r.int(8) }] }),
  setExceptionBreakpoints: (r) => ({ filters: r.bool() ? ['syscall'] : [r.pick(['signal', 'pagefault', 'bogus'])] }),
  dataBreakpointInfo: (r) => ({ name: r.pick(['seq', '$sp', '$sp, 8', 'main, 100000000000', 'nosuch']), variablesReference: r.bool() ? r.int(10) : undefined }),
  setDataBreakpoints: (r) => ({ breakpoints: r.bool(0.3) ? [] : [{ dataId: r.pick(['0x1000:8:x', `0x0:${2n ** 64n}:all`, 'bogus', '0x10:0:z']), accessType: r.pick(['read', 'write', 'readWrite']) }] }),
  setVariable: (r) => ({ variablesReference: 1 + r.int(20), name: r.pick(['x10 (a0)', 'pc', 'sstatus', 'nosuch']), value: r.pick(['1', '0x10', 'nope', '']) }),
  exceptionInfo: THREAD,
  source: (r) => ({ sourceReference: r.int(5), source: r.bool() ? { path: '/etc/hostname' } : undefined }),
  modules: (r) => ({ startModule: r.int(3), moduleCount: r.int(5) }),
  loadedSources: () => ({}),
  pause: THREAD,
  continue: THREAD,
  next: (r) => ({ threadId: 1, granularity: r.pick(['instruction', 'line', 'statement']) }),
  stepIn: (r) => ({ threadId: 1, granularity: r.pick(['instruction', 'line']) }),
  stepOut: THREAD,
  restart: () => ({}),
  completions: () => ({ text: 'x', column: 1 }),
  gotoTargets: () => ({ source: {}, line: 1 }),
  noSuchRequest: () => ({}),
  initialize: () => ({ adapterID: 'x' }),
};
const COMMANDS = Object.keys(TEMPLATES);

/** A request: the command's valid shape, then (often) one field, the whole arguments or a nested value spoilt. */
export function randomRequest(rng: Rng): { command: string; args: unknown } {
  // resuming commands end the stop; keep them rare so most requests meet a stopped program
  let command = rng.pick(COMMANDS);
  if (['continue', 'next', 'stepIn', 'stepOut', 'restart', 'pause'].includes(command) && rng.bool(0.7)) command = 'evaluate';
  const args: Record<string, unknown> = TEMPLATES[command](rng);
  for (const k of Object.keys(args)) if (args[k] === undefined) delete args[k];
  const kind = rng.int(10);
  if (kind < 4) return { command, args };
  if (kind === 4) return { command, args: rng.pick([null, undefined, 5, 'x', [], true]) };
  const keys = Object.keys(args);
  if (kind === 5 && keys.length) { delete args[rng.pick(keys)]; return { command, args }; }
  if (kind === 6) { args[rng.pick(['extra', '__proto__x', 'threadId', 'count', 'source'])] = junk(rng); return { command, args }; }
  if (keys.length) {
    const k = rng.pick(keys);
    const v = args[k];
    if (Array.isArray(v) && v.length && typeof v[0] === 'object' && rng.bool()) {
      const inner = { ...(v[0] as Record<string, unknown>) };
      const ik = Object.keys(inner);
      inner[ik.length ? rng.pick(ik) : 'x'] = junk(rng);
      args[k] = [inner];
    } else args[k] = junk(rng);
  }
  return { command, args };
}

/** `n` random requests over sessions on `program`; a session is renewed when the program ends. */
export async function fuzzRequests(c: Campaign, server: AdapterServer, program: string, n: number, seed: number, ms: number): Promise<AdapterServer> {
  const rng = new Rng(seed);
  let s = await session(server, program, ms);
  let terminated = false;
  const watch = (dc: DebugClient) => dc.on('terminated', () => { terminated = true; });
  watch(s.dc);
  for (let i = 0; i < n; i++) {
    if (terminated || i % 400 === 399) {
      await closeSession(s.dc, ms);
      s = await session(server, program, ms);
      terminated = false;
      watch(s.dc);
    }
    const { command, args } = randomRequest(rng);
    const t = Date.now();
    const r = await send(s.dc, command, args, ms);
    const { outcome, detail } = classify(r);
    c.record(outcome, `${command}(${JSON.stringify(args)?.slice(0, 160)}): ${detail}${incident(server, detail)}`, Date.now() - t);
    if (!server.alive) {
      c.record('crash', `adapter died after ${command}`);
      server = new AdapterServer();
      await server.start();
      s = await session(server, program, ms);
      watch(s.dc);
    } else if (outcome === 'hang') {
      server.stop();
      server = new AdapterServer();
      await server.start();
      s = await session(server, program, ms);
      watch(s.dc);
    }
    c.sampleRss(server.peakRss());
  }
  await closeSession(s.dc, ms);
  return server;
}

/** A launch of one (mutated) program: refused with a clean message, or stopped at entry and inspectable. */
export async function fuzzLaunch(c: Campaign, server: AdapterServer, program: string, label: string, ms: number): Promise<AdapterServer> {
  const t = Date.now();
  const { dc, launch } = await session(server, program, ms);
  let { outcome, detail } = classify(launch);
  if (outcome === 'ok') {
    for (const [command, args] of [['stackTrace', { threadId: 1 }], ['disassemble', { memoryReference: '$pc', instructionOffset: -8, instructionCount: 16 }],
      ['evaluate', { expression: 'info proc mappings', context: 'repl' }], ['modules', {}], ['next', { threadId: 1, granularity: 'instruction' }]] as const) {
      const r = classify(await send(dc, command, args, ms));
      if (r.outcome === 'crash' || r.outcome === 'hang') { outcome = r.outcome; detail = `${command}: ${r.detail}`; break; }
    }
  }
  await closeSession(dc, ms);
  if (!server.alive) { outcome = 'crash'; detail = 'adapter died'; }
  c.record(outcome, `${label}: ${detail}`, Date.now() - t);
  c.sampleRss(server.peakRss());
  if (!server.alive || outcome === 'hang') {
    server.stop();
    server = new AdapterServer();
    await server.start();
  }
  return server;
}

/**
 * The DAP campaigns of the fuzz suites: `requests` random requests on a session of the hello program, then
 * `launches` launches of ELFs mutated from the hello program and the small seeds, on one adapter server that
 * is replaced when a case kills it. Returns the two campaigns for the caller to check.
 */
export async function fuzzDap(requests: number, launches: number, seed: number): Promise<{ requests: Campaign; launches: Campaign }> {
  let server = new AdapterServer();
  await server.start();
  const dir = mkdtempSync(join(tmpdir(), 'rvl-fuzz-dap-'));
  try {
    const req = new Campaign('DAP requests', 10_000);
    server = await fuzzRequests(req, server, HELLO, requests, seed, 10_000);
    const launch = new Campaign('DAP launch of mutated ELFs', 10_000);
    const rng = new Rng(seed);
    const seeds = [readFileSync(HELLO), ...SEEDS.small.map((p) => readFileSync(p))];
    for (let i = 0; i < launches; i++) {
      const path = join(dir, `m${i}`);
      writeFileSync(path, mutateElf(seeds[i % seeds.length], rng));
      server = await fuzzLaunch(launch, server, path, `mutant ${i}`, 10_000);
    }
    return { requests: req, launches: launch };
  } finally {
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// The gdb oracle for stepping and breakpoints: the same script of debugger commands (continue to the next
// breakpoint, step, next, finish, stepi, nexti) run under our adapter (DAP: continue, stepIn, next, stepOut,
// instruction granularity) and under qemu-riscv64 -g + gdb-multiarch; after each command the pc and the
// backtrace (function and line of every frame up to main, inline frames included) are compared. Breakpoints
// are set by each side on its own (gdb's `break FILE:LINE` / `break FUNCTION` against ours), so where they land
// is judged too.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { startClient, launchStopped } from './helpers';

export type StepCmd = 'continue' | 'step' | 'next' | 'finish' | 'stepi' | 'nexti';
export interface StepRecord { cmd: string; pc: bigint; frames: string[] }
export interface BreakSpec { line?: number; fn?: string }

const sourceName = (path: string) => path.split('/').pop()!;

/** Our adapter: breakpoints, then the commands; a record after each stop (the first is the launch's stop). */
export async function ourSteps(program: string, source: string, breaks: BreakSpec[], cmds: StepCmd[], launch: Record<string, unknown> = {}, nextLines: number[] = []): Promise<{ records: StepRecord[]; breakAddrs: (bigint | undefined)[]; ended: boolean }> {
  const dc = await startClient();
  const records: StepRecord[] = [];
  const breakAddrs: (bigint | undefined)[] = [];
  let ended = false;
  dc.on('terminated', () => { ended = true; });
  try {
    const lines = breaks.filter((b) => b.line !== undefined);
    const fns = breaks.filter((b) => b.fn !== undefined);
    // the addresses are known once the program is mapped: `info breakpoints` gives them at the first stop
    let ev: DebugProtocol.StoppedEvent | undefined = await launchStopped(dc, { program, ...launch }, async () => {
      await dc.setBreakpointsRequest({ source: { path: source }, breakpoints: lines.map((b) => ({ line: b.line! })) });
      if (fns.length) await dc.setFunctionBreakpointsRequest({ breakpoints: fns.map((b) => ({ name: b.fn! })) });
    });
    const threadId = (await dc.threadsRequest()).body.threads[0].id;
    const record = async (cmd: string) => {
      const frames = (await dc.stackTraceRequest({ threadId })).body.stackFrames;
      const pc = BigInt((await dc.evaluateRequest({ expression: '$pc', frameId: frames[0].id, context: 'watch' })).body.result.split(/\s+/)[0]);
      const names: string[] = [];
      for (const f of frames) {
        const fn = f.name.replace(/ \(.*\)$/, '').replace(/\+(0x[0-9a-f]+|\d+)$/, '');
        names.push(f.source?.path ? `${fn}:${f.line}` : fn);
        if (fn === 'main') break;
      }
      records.push({ cmd, pc, frames: names });
    };
    if (ev) await record('start');
    // where the breakpoints landed: the console's info breakpoints names each address
    const info = (await dc.evaluateRequest({ expression: 'info breakpoints', context: 'repl' })).body.result;
    for (const b of breaks) {
      const key = b.line !== undefined ? `${sourceName(source)}:${b.line}` : b.fn!;
      const row = info.split('\n').find((l) => l.includes(key + '\t'));
      const m = row && /0x[0-9a-f]+/.exec(row);
      breakAddrs.push(m ? BigInt(m[0]) : undefined);
    }
    for (let cmd of cmds) {
      if (!ev || ended) break;
      // gdb refuses `finish` in main (the outermost frame it shows): the script's finish there stays put
      if (cmd === 'finish' && records.at(-1)?.frames.length === 1 && records.at(-1)?.frames[0].startsWith('main:')) {
        records.push({ ...records.at(-1)!, cmd });
        continue;
      }
      const stop = new Promise<DebugProtocol.StoppedEvent | undefined>((res) => {
        const s = (e: DebugProtocol.Event) => { dc.removeListener('terminated', t); res(e as DebugProtocol.StoppedEvent); };
        const t = () => { dc.removeListener('stopped', s); res(undefined); };
        dc.once('stopped', s);
        dc.once('terminated', t);
      });
      const instr = cmd === 'stepi' || cmd === 'nexti';
      // a step on a line that enters the kernel is a next on both sides (see nextLines)
      const top = records.at(-1)?.frames[0] ?? '';
      if (cmd === 'step' && nextLines.some((l) => top.endsWith(`:${l}`))) cmd = 'next';
      if (cmd === 'continue') await dc.continueRequest({ threadId });
      else if (cmd === 'step' || cmd === 'stepi') await dc.stepInRequest({ threadId, granularity: instr ? 'instruction' : undefined });
      else if (cmd === 'next' || cmd === 'nexti') await dc.nextRequest({ threadId, granularity: instr ? 'instruction' : undefined });
      else await dc.stepOutRequest({ threadId });
      ev = await stop;
      if (ev) await record(cmd);
    }
  } finally {
    await dc.stop().catch(() => undefined);
  }
  return { records, breakAddrs, ended };
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => (typeof a === 'object' && a ? res(a.port) : rej(new Error('no port')))); });
  });
}

/** gdb under qemu-riscv64 -g: its own breakpoints, then the same commands. */
export async function gdbSteps(program: string, source: string, breaks: BreakSpec[], cmds: StepCmd[], sysroot?: string, nextLines: number[] = []): Promise<{ records: StepRecord[]; breakAddrs: (bigint | undefined)[] }> {
  const port = await freePort();
  const qemu = spawn('qemu-riscv64', [...(sysroot ? ['-L', sysroot] : []), '-g', String(port), program], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 300));
    const args = ['-batch', '-nx', '-ex', 'set pagination off', '-ex', 'set width 0', '-ex', 'set height 0', '-ex', 'set confirm off',
      // signals the program handles itself go through, as under our kernel model (no stop, no message)
      '-ex', 'handle SIGUSR1 SIGUSR2 SIGALRM nostop noprint pass'];
    if (sysroot) args.push('-ex', `set sysroot ${sysroot}`);
    args.push('-ex', `target remote 127.0.0.1:${port}`);
    // `ostep`: step, or next on the lines that enter the kernel (nextLines), decided where gdb stands
    const py = `class OStep(gdb.Command):\n  def __init__(self): super().__init__('ostep', gdb.COMMAND_RUNNING)\n  def invoke(self, arg, tty):\n    sal = gdb.selected_frame().find_sal()\n    gdb.execute('next' if sal.symtab is not None and sal.line in [${nextLines.join(',')}] else 'step')\nOStep()\n`;
    args.push('-ex', `python exec(${JSON.stringify(py)})`);
    for (const b of breaks) args.push('-ex', `echo @@BREAK\\n`, '-ex', b.line !== undefined ? `break ${sourceName(source)}:${b.line}` : `break ${b.fn}`);
    const all: string[] = ['continue', ...cmds];
    for (const c of all) args.push('-ex', c === 'step' ? 'ostep' : c, '-ex', 'echo @@STOP\\n', '-ex', 'p/x $pc', '-ex', 'echo @@BT\\n', '-ex', 'bt', '-ex', 'echo @@END\\n');
    args.push('-ex', 'kill');
    const r = spawnSync('sh', ['-c', 'exec "$0" "$@" 2>&1', 'gdb-multiarch', ...args, program], { encoding: 'utf8', timeout: 180000, maxBuffer: 64 << 20 });
    return parseGdb(r.stdout ?? '', all);
  } finally {
    qemu.kill('SIGKILL');
  }
}

function parseGdb(out: string, cmds: string[]): { records: StepRecord[]; breakAddrs: (bigint | undefined)[] } {
  const breakAddrs = out.split('@@BREAK\n').slice(1).map((c) => {
    const m = /^Breakpoint \d+ at (0x[0-9a-f]+)/m.exec(c.split('@@')[0]);
    return m ? BigInt(m[1]) : undefined;
  });
  const records: StepRecord[] = [];
  const chunks = out.split('@@STOP\n').slice(1);
  chunks.forEach((c, i) => {
    const body = c.split('@@END\n')[0];
    const pcLine = body.split('\n')[0];
    if (!/^\$\d+ = 0x/.test(pcLine)) return; // the program is gone
    const frames: string[] = [];
    const bt = body.split('@@BT\n')[1] ?? '';
    for (const l of bt.split('\n')) {
      if (/^#\d+\s+<signal handler called>/.test(l)) { frames.push('<signal handler called>'); continue; }
      const m = /^#\d+\s+(?:0x[0-9a-f]+ in )?(\S+) \(.*\) at .*:(\d+)$/.exec(l);
      const n = m ?? /^#\d+\s+(?:0x[0-9a-f]+ in )?(\S+) \(/.exec(l);
      if (!n) continue;
      frames.push(m ? `${m[1]}:${m[2]}` : n[1]);
      if (n[1] === 'main') break;
    }
    records.push({ cmd: i === 0 ? 'start' : cmds[i], pc: BigInt(pcLine.replace(/^\$\d+ = /, '').trim()), frames });
  });
  return { records, breakAddrs };
}

export interface StepComparison { compared: number; agreed: number; differences: string[] }

/**
 * Stop by stop: the pc and the frames (fn:line) must be the same; breakpoints' addresses too. Two things are
 * not ours to match: where shared libraries are mapped (qemu's mmap base is not the kernel model's: a pc in a
 * library agrees by its page offset) and which alias names a function without source (gdb takes the
 * alphabetically last of the symbols at one address, `ssignal` for `signal`; `aliases` maps each name to its
 * address), nor gdb's `??` for a library function it has no symbol for. Where gdb cannot go on (it ran the
 * program to its end, or cannot step in a function without a symbol) the script ends.
 */
export function compareSteps(ours: StepRecord[], gdb: StepRecord[], label: string, aliases = new Map<string, bigint>()): StepComparison {
  const res: StepComparison = { compared: 0, agreed: 0, differences: [] };
  const LIB = 0x100000000n;
  const pcAgrees = (a: bigint, b: bigint) => a === b || (a >= LIB && b >= LIB && (a & 0xfffn) === (b & 0xfffn));
  const nameAgrees = (a: string, b: string) => a === b || b === '??' ||
    (!a.includes(':') && !b.includes(':') && aliases.has(a) && aliases.get(a) === aliases.get(b));
  for (let i = 0; i < Math.max(ours.length, gdb.length); i++) {
    const o = ours[i], g = gdb[i];
    res.compared++;
    const os = o ? `0x${o.pc.toString(16)} ${o.frames.join(' < ')}` : '(no stop)';
    const gs = g ? `0x${g.pc.toString(16)} ${g.frames.join(' < ')}` : '(no stop)';
    // a step from code without lines that lets the program end: gdb runs to the exit, ours stops at the exit
    // system call's trap entry (issue 12: no step runs away); the script ends there
    if (!g && o && /^handle_exception:/.test(o.frames[0]) && o.frames.some((f) => f === '_exit')) { res.agreed++; break; }
    // gdb cannot step in a function it has no symbol for ("Cannot find bounds of current function") and stays:
    // nothing to compare from here on
    if (o && g && i > 0 && g.frames[0] === '??' && g.pc === gdb[i - 1]?.pc) { res.compared--; break; }
    const same = !!o && !!g && pcAgrees(o.pc, g.pc) && o.frames.length === g.frames.length && o.frames.every((f, k) => nameAgrees(f, g.frames[k]));
    if (same) res.agreed++;
    else {
      res.differences.push(`${label} #${i} after ${o?.cmd ?? g?.cmd}:\n    ours: ${os}\n    gdb:  ${gs}`);
      break; // once apart, the rest of the script runs from different places
    }
  }
  return res;
}

/** Function symbols of a program by name (nm), for compareSteps' aliases. */
export function symbolAddresses(program: string): Map<string, bigint> {
  const r = spawnSync('riscv64-linux-gnu-nm', [program], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const m = new Map<string, bigint>();
  for (const l of (r.stdout ?? '').split('\n')) {
    const f = /^([0-9a-f]+) [TtWwi] (\S+)$/.exec(l);
    if (f) m.set(f[2], BigInt('0x' + f[1]));
  }
  return m;
}

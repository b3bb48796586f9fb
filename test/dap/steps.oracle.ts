// gdb as the judge of stepping and breakpoints: steps.c at -O0 and -O2, static and dynamic, driven by the same
// scripts of commands (continue, step, next, finish, stepi, nexti) under our adapter and under qemu-riscv64 -g +
// gdb-multiarch; after every command the pc and the backtrace (fn:line of each frame, inline frames included)
// must be gdb's, and line and function breakpoints must land where gdb puts them. Each script starts a fresh
// run stopped at its breakpoint. Lines that enter the kernel or the vDSO (signal, raise, write) are stepped
// over with `next` here: there our Step Into goes where gdb under qemu-user cannot (the trap entry, the vDSO's
// source; test/dap/stepping.test.ts).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, lineOf } from './helpers';
import { ourSteps, gdbSteps, compareSteps, symbolAddresses, type BreakSpec, type StepCmd } from './stepOracle';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'linux');
const SOURCE = join(FIXTURES, 'src', 'steps.c');
const SYSROOT = '/usr/riscv64-linux-gnu';
const L = (m: string) => ({ line: lineOf(SOURCE, m) });
const W = (s: string) => s.split(/\s+/).filter(Boolean) as StepCmd[];
// lines whose calls enter the kernel (rt_sigaction, tgkill, write): a step there is a next on both sides
const KERNEL_LINES = ['signal(SIGUSR1', 'raise(SIGUSR1', 'write(1'].map((m) => lineOf(SOURCE, m));

const SCRIPTS: { name: string; breaks: BreakSpec[]; cmds: StepCmd[] }[] = [
  // over a line, into a call, through its lines and out of its end into the middle of main's line; a line with
  // two calls (step, finish, step into the second)
  { name: 'calls and returns', breaks: [L('S_start')], cmds: W('next step next next next step step finish step finish next next') },
  // recursion: next over the recursive call stops at the function breakpoint one level down; finish, next
  { name: 'recursion', breaks: [{ fn: 'fact' }], cmds: W('next next next finish next next next finish next next') },
  { name: 'base case', breaks: [L('S_fact_base')], cmds: W('finish finish next next finish next step next') },
  // inlined functions (always_inline, also at -O0): step enters one level at a time, next runs through, finish
  { name: 'inline', breaks: [L('S_inline')], cmds: W('step step next next finish next step step step next next next next step next next') },
  { name: 'inline next', breaks: [L('S_inline')], cmds: W('next next next next step finish next') },
  // function breakpoints on inlined functions stop at each inlined instance, in the function named
  { name: 'break inline', breaks: [{ fn: 'add_one' }], cmds: W('next next finish next continue step next finish') },
  { name: 'break outer inline', breaks: [{ fn: 'twice_plus' }], cmds: W('step next next finish continue next next') },
  // a call through a pointer, instruction steps over calls
  { name: 'pointer call', breaks: [{ fn: 'apply' }], cmds: W('step stepi stepi nexti nexti next next next next') },
  { name: 'instructions', breaks: [L('S_start')], cmds: W('stepi stepi stepi nexti nexti nexti stepi next step stepi stepi finish') },
  // a loop calling a function
  { name: 'loop', breaks: [L('S_loop')], cmds: W('next next next step next next finish next next next next next') },
  // the handler's breakpoint stops a Step Over of raise(); then out of the handler back to main
  { name: 'signal', breaks: [L('S_signal'), L('S_handler')], cmds: W('next next next next') },
  // the end of main into its caller (no source)
  { name: 'end of main', breaks: [L('S_end')], cmds: W('next') },
];
const FN_BREAKS: BreakSpec[] = ['main', 'square', 'fact', 'apply', 'on_usr1', 'twice_plus', 'add_one'].map((fn) => ({ fn }));

function build(dynamic: boolean): void {
  const r = spawnSync('bash', [join(FIXTURES, 'build.sh'), ...(dynamic ? ['--dynamic'] : [])], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build.sh failed: ${r.stderr}`);
}

const VARIANTS: { name: string; program: string; dynamic: boolean }[] = [
  { name: 'static -O0', program: 'steps-O0', dynamic: false },
  { name: 'static -O2', program: 'steps', dynamic: false },
  { name: 'dynamic -O0', program: 'steps-O0', dynamic: true },
  { name: 'dynamic -O2', program: 'steps', dynamic: true },
];

describe('stepping and breakpoints against gdb (qemu-riscv64 -g + gdb-multiarch)', () => {
  let total = 0, agreed = 0;
  const all: string[] = [];
  build(false);
  build(true);
  for (const v of VARIANTS) {
    const program = join(FIXTURES, 'build', ...(v.dynamic ? ['dynamic'] : []), v.program);
    const launch = v.dynamic ? { sysroot: SYSROOT } : {};
    const sysroot = v.dynamic ? SYSROOT : undefined;
    const aliases = symbolAddresses(program);
    test(`${v.name}: every stop of every script is gdb's (pc and backtrace)`, { timeout: 600000 }, async () => {
      const diffs: string[] = [];
      let n = 0, ok = 0;
      for (const s of SCRIPTS) {
        const ours = await ourSteps(program, SOURCE, s.breaks, s.cmds, launch, KERNEL_LINES);
        const gdb = await gdbSteps(program, SOURCE, s.breaks, s.cmds, sysroot, KERNEL_LINES);
        assert.ok(gdb.records.length >= 1, `${s.name}: gdb did not stop`);
        const c = compareSteps(ours.records, gdb.records, `${v.name} ${s.name}`, aliases);
        s.breaks.forEach((b, i) => {
          c.compared++;
          if (ours.breakAddrs[i] === gdb.breakAddrs[i]) c.agreed++;
          else c.differences.push(`${v.name} ${s.name} break ${b.fn ?? `line ${b.line}`}: ours ${ours.breakAddrs[i]?.toString(16)}, gdb ${gdb.breakAddrs[i]?.toString(16)}`);
        });
        n += c.compared; ok += c.agreed;
        diffs.push(...c.differences);
      }
      total += n; agreed += ok; all.push(...diffs);
      console.log(`# ${v.name}: ${n} stops and breakpoints compared, ${ok} agree`);
      for (const d of diffs) console.log('# ' + d.replace(/\n/g, '\n# '));
      assert.deepEqual(diffs, []);
    });
    test(`${v.name}: function breakpoints stop where gdb's break FUNCTION does`, { timeout: 300000 }, async () => {
      const ours = await ourSteps(program, SOURCE, FN_BREAKS, [], launch);
      const gdb = await gdbSteps(program, SOURCE, FN_BREAKS, [], sysroot);
      const diffs: string[] = [];
      FN_BREAKS.forEach((b, i) => {
        total++;
        if (ours.breakAddrs[i] !== undefined && ours.breakAddrs[i] === gdb.breakAddrs[i]) agreed++;
        else diffs.push(`${v.name} break ${b.fn}: ours ${ours.breakAddrs[i]?.toString(16)}, gdb ${gdb.breakAddrs[i]?.toString(16)}`);
      });
      all.push(...diffs);
      for (const d of diffs) console.log('# ' + d);
      assert.deepEqual(diffs, []);
    });
  }
  test('summary', () => {
    console.log(`# gdb stepping oracle total: ${total} stops and breakpoints compared, ${agreed} agree (${(100 * agreed / Math.max(1, total)).toFixed(2)}%)`);
    assert.equal(all.length, 0);
  });
});

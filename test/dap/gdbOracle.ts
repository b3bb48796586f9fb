// The gdb oracle for C variables: the same program stopped at the same pcs under our adapter (DAP) and under
// qemu-riscv64 -g + gdb-multiarch; per stop, the backtrace (function and line of each frame), `info args` and
// `info locals` of every frame up to main, and `print EXPR` for the marker's expressions are compared value by
// value. Stack addresses differ between the two machines, so hex numbers near the stop's sp are rewritten as
// sp-relative (`SP+0x2c`) on both sides before comparing.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ROOT, startClient, launchStopped, variables } from './helpers';

export interface Marker { marker: string; exprs: string[] }
export interface FrameRecord { fn: string; line: number; args: string[]; locals: string[] }
export interface StopRecord { marker: string; pc: bigint; sp: bigint; frames: FrameRecord[]; prints: [string, string][] }

const num = (s: string) => BigInt(s.trim().split(/\s+/)[0]);

/** Our adapter: breakpoints on every marker line, a record per stop until the program exits. */
export async function ourStops(program: string, source: string, markers: Marker[], launch: Record<string, unknown> = {}, maxStops = 30): Promise<{ stops: StopRecord[]; firstLocalsMs: number }> {
  const lines = readFileSync(source, 'utf8').split('\n');
  const lineOf = new Map<number, Marker>();
  for (const m of markers) {
    const i = lines.findIndex((l) => l.includes(m.marker));
    if (i < 0) throw new Error(`no ${m.marker} in ${source}`);
    lineOf.set(i + 1, m);
  }
  const markerOf = new Map<number, Marker>();
  const dc = await startClient();
  const stops: StopRecord[] = [];
  let firstLocalsMs = 0;
  try {
    const t0 = performance.now();
    let ev: DebugProtocol.StoppedEvent | undefined = await launchStopped(dc, { program, ...launch }, async () => {
      const bps = (await dc.setBreakpointsRequest({ source: { path: source }, breakpoints: [...lineOf.keys()].map((line) => ({ line })) })).body.breakpoints;
      [...lineOf.values()].forEach((m, i) => { if (bps[i]?.id !== undefined) markerOf.set(bps[i].id!, m); });
    });
    const threadId = (await dc.threadsRequest()).body.threads[0].id;
    for (let n = 0; ev && n < maxStops; n++) {
      const frames = (await dc.stackTraceRequest({ threadId })).body.stackFrames;
      const hit = ev.body.hitBreakpointIds?.[0];
      const m = (hit !== undefined ? markerOf.get(hit) : undefined) ?? lineOf.get(frames[0].line);
      const ev0 = async (e: string, ctx = 'watch') => (await dc.evaluateRequest({ expression: e, frameId: frames[0].id, context: ctx })).body.result;
      const rec: StopRecord = { marker: m?.marker ?? `line ${frames[0].line}`, pc: num(await ev0('$pc')), sp: num(await ev0('$sp')), frames: [], prints: [] };
      for (const f of frames) {
        const fn = f.name.replace(/ \(.*\)$/, '');
        const fr: FrameRecord = { fn, line: f.line, args: [], locals: [] };
        const scopes = (await dc.scopesRequest({ frameId: f.id })).body.scopes;
        for (const s of scopes) {
          if (s.name !== 'Arguments' && s.name !== 'Locals') continue;
          const vs = await variables(dc, s.variablesReference);
          (s.name === 'Arguments' ? fr.args : fr.locals).push(...vs.filter((v) => v.presentationHint?.kind !== 'virtual').map((v) => `${v.name} = ${v.value}`));
        }
        if (!firstLocalsMs) firstLocalsMs = performance.now() - t0;
        rec.frames.push(fr);
        if (fn === 'main') break;
      }
      for (const e of m?.exprs ?? []) {
        let r: string;
        try { r = await ev0(e); } catch (err) { r = `<error> ${(err as Error).message}`; }
        rec.prints.push([e, r]);
      }
      stops.push(rec);
      const next = dc.waitForEvent('stopped', 60000).then((e) => e as DebugProtocol.StoppedEvent, () => undefined);
      const done = dc.waitForEvent('terminated', 60000).then(() => undefined, () => undefined);
      await dc.continueRequest({ threadId });
      ev = await Promise.race([next, done]);
    }
  } finally {
    await dc.stop().catch(() => undefined);
  }
  return { stops, firstLocalsMs };
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => (typeof a === 'object' && a ? res(a.port) : rej(new Error('no port')))); });
  });
}

/** gdb under qemu-riscv64 -g, stopped at our stops' pcs in the same order. */
export async function gdbStops(program: string, ours: StopRecord[], markers: Marker[], sysroot?: string): Promise<StopRecord[]> {
  const port = await freePort();
  const qemu = spawn('qemu-riscv64', [...(sysroot ? ['-L', sysroot] : []), '-g', String(port), program], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 300));
    const args = ['-batch', '-nx', '-ex', 'set pagination off', '-ex', 'set width 0', '-ex', 'set height 0', '-ex', 'set confirm off'];
    if (sysroot) args.push('-ex', `set sysroot ${sysroot}`);
    args.push('-ex', `target remote 127.0.0.1:${port}`);
    for (const pc of new Set(ours.map((s) => s.pc))) args.push('-ex', `break *0x${pc.toString(16)}`);
    const exprsOf = new Map(markers.map((m) => [m.marker, m.exprs]));
    for (const s of ours) {
      args.push('-ex', 'continue', '-ex', 'echo @@STOP\\n', '-ex', 'p/x $pc', '-ex', 'p/x $sp', '-ex', 'echo @@BT\\n', '-ex', `bt ${s.frames.length}`, '-ex', 'echo @@ENDBT\\n');
      for (let k = 0; k < s.frames.length; k++) {
        args.push('-ex', `frame ${k}`, '-ex', `echo @@ARGS ${k}\\n`, '-ex', 'info args', '-ex', `echo @@LOCALS ${k}\\n`, '-ex', 'info locals');
      }
      args.push('-ex', 'frame 0');
      for (const e of exprsOf.get(s.marker) ?? []) args.push('-ex', `echo @@P\\n`, '-ex', `print ${e}`);
      args.push('-ex', 'echo @@END\\n');
    }
    args.push('-ex', 'kill');
    const r = spawnSync('sh', ['-c', 'exec "$0" "$@" 2>&1', 'gdb-multiarch', ...args, program], { encoding: 'utf8', timeout: 180000, maxBuffer: 64 << 20 });
    return parseGdb(r.stdout ?? '', ours, markers);
  } finally {
    qemu.kill('SIGKILL');
  }
}

function parseGdb(out: string, ours: StopRecord[], markers: Marker[]): StopRecord[] {
  const exprsOf = new Map(markers.map((m) => [m.marker, m.exprs]));
  const chunks = out.split('@@STOP\n').slice(1);
  return chunks.map((c, i) => {
    const body = c.split('@@END\n')[0];
    const lines = body.split('\n');
    const val = (l: string) => l.replace(/^\$\d+ = /, '');
    const pc = BigInt(val(lines[0]).trim());
    const sp = BigInt(val(lines[1]).trim());
    const rec: StopRecord = { marker: ours[i]?.marker ?? '?', pc, sp, frames: [], prints: [] };
    const bt = body.split('@@BT\n')[1]?.split('@@ENDBT')[0] ?? '';
    for (const l of bt.split('\n')) {
      const m = /^#(\d+)\s+(?:0x[0-9a-f]+ in )?(\S+) \(.*\) at .*:(\d+)$/.exec(l) ?? /^#(\d+)\s+(?:0x[0-9a-f]+ in )?(\S+) \(/.exec(l);
      if (m) rec.frames.push({ fn: m[2], line: Number(m[3] ?? 0), args: [], locals: [] });
    }
    const sect = (tag: string, k: number) => {
      const parts = body.split(`@@${tag} ${k}\n`);
      if (parts.length < 2) return [];
      return parts[1].split(/@@(LOCALS|ARGS|P|END)/)[0].split('\n').filter((l) => l && !/^No (locals|arguments)\.$/.test(l) && !/^#\d+ /.test(l) && !/^\d+\t/.test(l));
    };
    rec.frames.forEach((f, k) => { f.args = sect('ARGS', k); f.locals = sect('LOCALS', k); });
    const ps = body.split('@@P\n').slice(1);
    const exprs = exprsOf.get(rec.marker) ?? [];
    ps.forEach((p, j) => {
      const first = p.split('\n').filter((l) => l && !l.startsWith('@@'))[0] ?? '';
      rec.prints.push([exprs[j] ?? '?', /^\$\d+ = /.test(first) ? val(first) : `<error> ${first}`]);
    });
    return rec;
  });
}

/** Hex numbers within 1 MiB of sp become sp-relative: stacks sit at different addresses on the two machines. */
export function normalize(text: string, sp: bigint): string {
  return text.replace(/0x[0-9a-f]+/g, (h) => {
    const v = BigInt(h);
    const d = v - sp;
    if (d > -0x100000n && d < 0x100000n) return d >= 0n ? `SP+0x${d.toString(16)}` : `SP-0x${(-d).toString(16)}`;
    return h;
  });
}

export interface Comparison { compared: number; agreed: number; differences: string[] }

/** Compare leaf by leaf: each argument, local and print is one value; frames' function names and lines too. */
export function compare(ours: StopRecord[], gdb: StopRecord[], label: string): Comparison {
  const res: Comparison = { compared: 0, agreed: 0, differences: [] };
  const check = (what: string, a: string, b: string) => {
    res.compared++;
    if (a === b) res.agreed++;
    else res.differences.push(`${label} ${what}:\n    ours: ${a}\n    gdb:  ${b}`);
  };
  for (let i = 0; i < Math.max(ours.length, gdb.length); i++) {
    const o = ours[i], g = gdb[i];
    if (!o || !g) { check(`stop ${i}`, o ? `${o.marker} at ${o.pc.toString(16)}` : 'no stop', g ? `stop at ${g.pc.toString(16)}` : 'no stop'); continue; }
    const at = `stop ${i} (${o.marker})`;
    if (o.pc !== g.pc) { check(`${at} pc`, o.pc.toString(16), g.pc.toString(16)); continue; }
    for (let k = 0; k < Math.max(o.frames.length, g.frames.length); k++) {
      const of = o.frames[k], gf = g.frames[k];
      check(`${at} frame ${k}`, of ? `${of.fn}:${of.line}` : '-', gf ? `${gf.fn}:${gf.line}` : '-');
      if (!of || !gf) continue;
      for (const kind of ['args', 'locals'] as const) {
        const on = of[kind].map((x) => normalize(x, o.sp)), gn = gf[kind].map((x) => normalize(x, g.sp));
        const names = new Set([...on, ...gn].map((x) => x.split(' = ')[0]));
        for (const n of names) {
          const ov = on.filter((x) => x.split(' = ')[0] === n).sort().join(' | ');
          const gv = gn.filter((x) => x.split(' = ')[0] === n).sort().join(' | ');
          check(`${at} frame ${k} ${of.fn} ${kind} ${n}`, ov || '(missing)', gv || '(missing)');
        }
      }
    }
    for (let j = 0; j < Math.max(o.prints.length, g.prints.length); j++) {
      const [e, ov] = o.prints[j] ?? ['?', '(missing)'];
      const gv = g.prints[j]?.[1] ?? '(missing)';
      // both failing counts as agreement (the texts differ: ours explains in our words)
      if (ov.startsWith('<error>') && gv.startsWith('<error>')) { res.compared++; res.agreed++; continue; }
      check(`${at} print ${e}`, normalize(ov, o.sp), normalize(gv, g.sp));
    }
  }
  return res;
}

export interface OracleVariant { name: string; program: string; dynamic: boolean }
export interface OracleSuite {
  title: string;
  /** The C file in test/fixtures/linux/src whose BP_* markers the stops are placed on. */
  source: string;
  markers: Marker[];
  variants: OracleVariant[];
  /** A variant with fewer stops or compared values than these fails: the oracle must have judged something. */
  minStops: number;
  minCompared: number;
  /** Appended to each variant's count line. */
  extra?: (ours: { firstLocalsMs: number }) => string;
}

/**
 * One oracle suite: builds the fixtures (static and dynamic), then per variant stops at every marker under our
 * adapter and under gdb and compares; prints the counts per variant and in total, fails on any difference.
 */
export function oracleSuite(s: OracleSuite): void {
  const fixtures = join(ROOT, 'test', 'fixtures', 'linux');
  const source = join(fixtures, 'src', s.source);
  const sysroot = '/usr/riscv64-linux-gnu';
  const build = (dynamic: boolean) => {
    const r = spawnSync('bash', [join(fixtures, 'build.sh'), ...(dynamic ? ['--dynamic'] : [])], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`build.sh failed: ${r.stderr}`);
  };
  describe(s.title, () => {
    let total = 0, agreed = 0;
    const all: string[] = [];
    build(false);
    build(true);
    for (const v of s.variants) {
      test(`${v.name}: backtraces, info args, info locals and print agree with gdb`, { timeout: 300000 }, async () => {
        const program = join(fixtures, 'build', ...(v.dynamic ? ['dynamic'] : []), v.program);
        const ours = await ourStops(program, source, s.markers, v.dynamic ? { sysroot } : {});
        assert.ok(ours.stops.length >= s.minStops, `stops: ${ours.stops.map((st) => st.marker).join(', ')}`);
        const gdb = await gdbStops(program, ours.stops, s.markers, v.dynamic ? sysroot : undefined);
        const c = compare(ours.stops, gdb, v.name);
        total += c.compared;
        agreed += c.agreed;
        all.push(...c.differences);
        console.log(`# ${v.name}: ${c.compared} values compared, ${c.agreed} agree (${(100 * c.agreed / Math.max(1, c.compared)).toFixed(1)}%)${s.extra ? '; ' + s.extra(ours) : ''}`);
        for (const d of c.differences) console.log('# ' + d.replace(/\n/g, '\n# '));
        assert.ok(c.compared > s.minCompared, `only ${c.compared} values compared`);
        assert.deepEqual(c.differences, []);
      });
    }
    test('summary', () => {
      console.log(`# ${s.title}, total: ${total} values compared, ${agreed} agree (${(100 * agreed / Math.max(1, total)).toFixed(2)}%)`);
      assert.equal(all.length, 0);
    });
  });
}

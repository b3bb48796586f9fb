// `riscv-vdso run [options] PROGRAM [ARGS]`: run a riscv64 Linux program on the hart with the kernel model
// (src/kernel/); and `riscv-vdso vdso`: our vdso.so's dynamic symbol table as `objdump -T` prints it.
import { readSync, writeSync } from 'node:fs';
import { readInputFile } from './inputs';
import { launch, LaunchError } from '../kernel/process';
import type { LaunchOptions } from '../kernel/api';
import { MAX_VDSO_BYTES } from '../kernel/limits';
import { ElfFile, objdumpVersionString, SHN } from '../elf/elf';
import { guestImagePath } from '../guest/images';

export const RUN_USAGE = `usage: riscv-vdso run [-L SYSROOT] [-E VAR=val]... [--strace] [--vdso FILE] [--no-aslr]
                      [--time host|virtual] [--time-epoch SECONDS]
                      [--time-csr hardware|firmware] [--seed N] [--tty] [--max-insns N]
                      [--cwd DIR] [--allow DIR[:ro]]... PROGRAM [ARGS...]
`;

function usage(msg: string): never {
  process.stderr.write(`riscv-vdso: ${msg}\n${RUN_USAGE}`);
  process.exit(2);
}

export function runLinuxCommand(argv: string[]): number {
  const opts: LaunchOptions = { program: '' };
  const env: Record<string, string> = {};
  let haveEnv = false, max = Infinity;
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    const val = (): string => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '-L') opts.sysroot = val();
    else if (a === '-E') { const kv = val(); const eq = kv.indexOf('='); if (eq < 1) usage(`-E wants VAR=value, got ${kv}`); env[kv.slice(0, eq)] = kv.slice(eq + 1); haveEnv = true; }
    else if (a === '--strace') opts.strace = true;
    else if (a === '--vdso') opts.vdso = val();
    else if (a === '--no-aslr') opts.disableRandomization = true;
    else if (a === '--time') { const t = val(); if (t !== 'host' && t !== 'virtual') usage(`--time wants host or virtual, got ${t}`); opts.timeMode = t; }
    else if (a === '--time-epoch') {
      const t = val();
      if (!/^\d+(\.\d+)?$/.test(t)) usage(`--time-epoch wants seconds since 1970-01-01 (e.g. 1704067200), got ${t}`);
      opts.timeEpoch = Number(t);
    }
    else if (a === '--time-csr') { const t = val(); if (t !== 'hardware' && t !== 'firmware') usage(`--time-csr wants hardware or firmware, got ${t}`); opts.timeCsr = t; }
    else if (a === '--seed') opts.seed = Number(val());
    else if (a === '--tty') opts.tty = true;
    else if (a === '--allow') (opts.allow ??= []).push(val());
    else if (a === '--cwd') opts.cwd = val();
    else if (a === '--max-insns') max = Number(val());
    else if (a === '--') { i++; break; }
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else break;
  }
  if (i >= argv.length) usage('run: no program given');
  opts.program = argv[i];
  opts.cwd ??= process.cwd();
  opts.args = argv.slice(i + 1);
  if (haveEnv) opts.env = { PATH: '/usr/bin:/bin', HOME: '/tmp', LANG: 'C', ...env };
  opts.stdin = readStdinChunk;
  opts.onStdout = (d) => writeAll(1, d);
  opts.onStderr = (d) => writeAll(2, d);
  opts.onStrace = (l) => writeAll(2, Buffer.from(l + '\n'));
  opts.onWarning = (l) => writeAll(2, Buffer.from(`riscv-vdso: warning: ${l}\n`));
  let p;
  try { p = launch(opts); } catch (e) {
    if (e instanceof LaunchError) { process.stderr.write(`riscv-vdso: ${e.message}\n`); return 126; }
    throw e;
  }
  const stats = !!process.env.RISCV_VDSO_STATS;
  const t0 = stats ? performance.now() : 0;
  let done = 0;
  for (;;) {
    const slice = Math.min(500_000_000, max - done);
    if (slice <= 0) { process.stderr.write('riscv-vdso: instruction limit reached\n'); return 124; }
    const r = p.run(slice);
    done += slice;
    if (r.kind === 'budget') continue;
    if (stats) {
      const ms = performance.now() - t0;
      process.stderr.write(`riscv-vdso: ${p.hart.instret} instructions, ${p.syscalls} syscalls, ${p.ticks} ticks, ${ms.toFixed(1)} ms, ` +
        `${p.mm.populated} pages populated, host rss ${(process.memoryUsage().rss / 1048576).toFixed(1)} MiB, ` +
        `translator: ${p.hart.jitStats.compiled} blocks compiled, ${p.hart.jitStats.modules} modules (${p.hart.jitStats.bytes} bytes), ${p.hart.jitStats.flushes} flushes\n`);
    }
    if (r.kind === 'exited') return r.code;
    if (r.kind === 'killed') { process.stderr.write(`riscv-vdso: killed by ${r.name}\n`); return 128 + r.signal; }
    if (r.kind === 'error' || r.kind === 'deadlock') { process.stderr.write(`riscv-vdso: ${r.message}\n`); return 1; }
    if (r.kind === 'hart') { process.stderr.write(`riscv-vdso: hart stopped: ${r.exit.kind} at pc 0x${r.exit.pc.toString(16)}\n`); return 1; }
    if (r.kind === 'signal') continue;
  }
}

function writeAll(fd: number, d: Uint8Array): void {
  let off = 0;
  while (off < d.length) {
    try { off += writeSync(fd, d, off, d.length - off); } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      throw e;
    }
  }
}

function readStdinChunk(): Uint8Array | null {
  const b = Buffer.alloc(65536);
  for (;;) {
    try {
      const n = readSync(0, b, 0, b.length, null);
      return n > 0 ? b.subarray(0, n) : null;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EOF' || code === 'EBADF' || code === 'EINVAL') return null;
      throw e;
    }
  }
}

/** objdump -T of a vdso.so (ours by default). */
export function vdsoCommand(argv: string[]): number {
  const path = argv[0] ?? guestImagePath('vdso.so');
  let elf: ElfFile;
  try { elf = new ElfFile(readInputFile(path, MAX_VDSO_BYTES)); } catch (e) {
    process.stderr.write(`riscv-vdso: vdso: ${(e as Error).message}\n`);
    return 2;
  }
  const hex = (v: bigint): string => v.toString(16).padStart(16, '0');
  const lines = [`\n${path}:     file format elf64-littleriscv\n`, 'DYNAMIC SYMBOL TABLE:'];
  for (const s of elf.dynamicSymbols()) {
    if (s.index === 0) continue;
    const bind = s.bind === 0 ? 'l' : s.bind === 2 ? 'w' : s.bind === 1 ? 'g' : ' ';
    const type = s.type === 2 ? 'F' : s.type === 1 ? 'O' : ' ';
    const dyn = s.type === 3 ? 'd' : 'D'; // objdump: d = a section symbol, D = dynamic
    const sec = s.shndx === SHN.ABS ? '*ABS*' : s.shndx === SHN.UNDEF ? '*UND*' : elf.sections[s.shndx]?.name ?? '?';
    const ver = objdumpVersionString(s);
    const name = s.type === 3 ? sec : s.name;
    lines.push(`${hex(s.value)} ${bind}    ${dyn}${type} ${sec}\t${hex(s.size)}  ${ver.padEnd(12)}${name}`);
  }
  process.stdout.write(lines.join('\n') + '\n\n\n');
  return 0;
}

// riscv-vdso boot: a whole system on the hart, as `qemu-system-riscv64 -machine virt -bios FW -kernel IMAGE
// -initrd CPIO -append CMDLINE` boots it (src/hart/virt/). The guest's console is the terminal: its output on
// stdout, the keyboard to the UART (raw mode on a terminal; Ctrl-A x quits, as in QEMU). The exit status is the
// guest's power-off code (0 for a clean power-off).
import { existsSync } from 'node:fs';
import { readInputFile } from './inputs';
import { VirtMachine } from '../hart/virt/machine';
import { ElfFile } from '../elf/elf';

export const BOOT_USAGE = `usage: riscv-vdso boot --kernel IMAGE [--initrd CPIO] [--firmware FILE] [--append CMDLINE]
                        [--memory MiB] [--max-insns N] [--time virtual|host] [--vmlinux FILE]
  --kernel IMAGE     the kernel (Linux's arch/riscv/boot/Image)
  --initrd CPIO      an initramfs
  --firmware FW      M-mode firmware loaded at 0x80000000 (OpenSBI's fw_dynamic.bin or fw_jump.bin), or
                     'builtin' (a minimal SBI in the host, the kernel starts in S-mode); default: Debian's
                     opensbi package (/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin) when it is
                     installed, else builtin
  --append CMDLINE   the kernel command line (default: "console=ttyS0 earlycon=sbi")
  --memory MiB       RAM size (default 256)
  --max-insns N      stop after N instructions (exit status 124)
  --time MODE        virtual (default: time follows the modelled cycles, reproducible) or host
  --vmlinux FILE     the kernel's ELF (Linux's vmlinux): where the run stopped is named by kernel symbol
`;

export const DEBIAN_OPENSBI = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin';

class UsageError extends Error {}

/** Instructions per run slice between looks at the keyboard and signals (a few tenths of a second). */
const SLICE = 2_000_000n;

interface BootArgs {
  kernel?: string; initrd?: string; firmware?: string; append: string; memory: number; maxInsns?: bigint; time: 'virtual' | 'host';
  vmlinux?: string;
}

export function parseBootArgs(argv: string[]): BootArgs {
  const a: BootArgs = { append: 'console=ttyS0 earlycon=sbi', memory: 256, time: 'virtual' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      const v = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--kernel': a.kernel = value(); break;
      case '--initrd': a.initrd = value(); break;
      case '--firmware': a.firmware = value(); break;
      case '--vmlinux': a.vmlinux = value(); break;
      case '--append': a.append = value(); break;
      case '--memory': {
        const v = value();
        if (!/^[0-9]+$/.test(v)) throw new UsageError(`--memory needs a size in MiB (got '${v}')`);
        a.memory = Number(v);
        break;
      }
      case '--max-insns': {
        const v = value().replace(/_/g, '');
        if (!/^(0x[0-9a-f]+|[0-9]+)$/i.test(v)) throw new UsageError(`--max-insns needs a number of instructions (got '${v}')`);
        a.maxInsns = BigInt(v);
        break;
      }
      case '--time': {
        const v = value();
        if (v !== 'virtual' && v !== 'host') throw new UsageError(`--time is virtual or host (got '${v}')`);
        a.time = v;
        break;
      }
      case '-h': case '--help': throw new UsageError('');
      default: throw new UsageError(`unknown option ${arg}`);
    }
  }
  return a;
}

function readInput(what: string, path: string): Uint8Array {
  try {
    return readInputFile(path);
  } catch (e) {
    throw new UsageError(`the ${what}: ${(e as Error).message}`);
  }
}

export async function bootCommand(argv: string[]): Promise<number> {
  let args: BootArgs;
  try {
    args = parseBootArgs(argv);
    if (!args.kernel) throw new UsageError('boot: --kernel IMAGE is required');
  } catch (e) {
    if (e instanceof UsageError) {
      if (e.message) process.stderr.write(`riscv-vdso: ${e.message}\n`);
      process.stderr.write(BOOT_USAGE);
      return 2;
    }
    throw e;
  }
  let machine: VirtMachine;
  try {
    const fwPath = args.firmware ?? (existsSync(DEBIAN_OPENSBI) ? DEBIAN_OPENSBI : 'builtin');
    const firmware = fwPath === 'builtin' ? 'builtin' : readInput('firmware', fwPath);
    const kernel = readInput('kernel', args.kernel);
    const initrd = args.initrd ? readInput('initrd', args.initrd) : undefined;
    machine = new VirtMachine({ memoryMiB: args.memory, timeMode: args.time, console: (b) => process.stdout.write(b) });
    machine.boot({ firmware, kernel, initrd, bootargs: args.append });
  } catch (e) {
    process.stderr.write(`riscv-vdso: ${(e as Error).message}\n`);
    return 2;
  }

  // kernel symbols for the places the run stops at (the function holding the address, + offset)
  let symbols: { name: string; value: bigint; size: bigint }[] | undefined;
  if (args.vmlinux) {
    try {
      symbols = ElfFile.parse(readInput('vmlinux', args.vmlinux)).symbols().filter((s) => (s.type === 2 || s.type === 0) && s.shndx !== 0 && s.size > 0n && !s.name.startsWith('$'));
    } catch (e) {
      process.stderr.write(`riscv-vdso: ${args.vmlinux} gives no kernel symbols: ${(e as Error).message}\n`);
    }
  }
  const where = (pc: bigint): string => {
    const s = symbols?.find((x) => pc >= x.value && pc < x.value + x.size);
    return `pc 0x${pc.toString(16)}${s ? ` <${s.name}+0x${(pc - s.value).toString(16)}>` : ''}`;
  };
  const stdin = process.stdin;
  const interactive = stdin.isTTY === true;
  let quit = false;
  let ctrlA = false;
  const onData = (buf: Buffer): void => {
    const keep: number[] = [];
    for (const b of buf) {
      if (interactive && ctrlA) {
        ctrlA = false;
        if (b === 0x78) { quit = true; continue; } // Ctrl-A x
        if (b !== 0x01) keep.push(0x01);
      } else if (interactive && b === 0x01) { ctrlA = true; continue; }
      keep.push(b);
    }
    if (keep.length) machine.input(Uint8Array.from(keep));
  };
  let inputOpen = false;
  // a signal (kill, a closed terminal; Ctrl-C is the guest's in raw mode) ends the run at the next slice,
  // and the terminal gets its mode back on every way out
  let signalled: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals): void => { signalled = sig; };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const sig of signals) process.on(sig, onSignal);
  const restore = (): void => { if (interactive) stdin.setRawMode(false); };
  process.on('exit', restore);
  if (interactive) { stdin.setRawMode(true); }
  if (interactive || !stdin.isTTY) {
    stdin.on('data', onData);
    stdin.on('end', () => { inputOpen = false; });
    inputOpen = true;
  }
  const t0 = performance.now();
  const start = machine.hart.cycles;
  let code = 0;
  try {
    for (;;) {
      if (quit) { process.stderr.write('\nriscv-vdso: quit (Ctrl-A x)\n'); code = 130; break; }
      if (signalled) {
        process.stderr.write(`\nriscv-vdso: ${signalled}\n`);
        code = 128 + (signalled === 'SIGHUP' ? 1 : signalled === 'SIGINT' ? 2 : 15);
        break;
      }
      const done = machine.hart.cycles - start;
      if (args.maxInsns !== undefined && done >= args.maxInsns) {
        process.stderr.write(`\nriscv-vdso: instruction limit reached (${done}) at ${where(machine.hart.pc)}\n`);
        code = 124;
        break;
      }
      // slices short enough that typing reaches the guest without a noticeable delay
      const slice = args.maxInsns !== undefined && args.maxInsns - done < SLICE ? Number(args.maxInsns - done) : Number(SLICE);
      const r = machine.run(slice);
      if (r.kind === 'poweroff') { code = r.code; break; }
      if (r.kind === 'idle') {
        if (!inputOpen) {
          process.stderr.write('\nriscv-vdso: the guest waits for an interrupt that cannot come (no timer armed, no console input)\n');
          code = 125;
          break;
        }
        await new Promise((res) => setTimeout(res, 10));
        continue;
      }
      if (r.kind === 'hart') {
        const what = r.exit.kind === 'firmware' ? 'a trap reached M-mode, where the built-in SBI has no handler' : r.exit.kind;
        process.stderr.write(`\nriscv-vdso: stopped: ${what} at ${where(r.exit.pc)}\n`);
        code = 126;
        break;
      }
      await new Promise((res) => setImmediate(res)); // let the keyboard in
    }
  } finally {
    restore();
    process.off('exit', restore);
    for (const sig of signals) process.off(sig, onSignal);
    stdin.off('data', onData);
    stdin.pause();
  }
  if (process.env.RISCV_VDSO_STATS) {
    process.stderr.write(`riscv-vdso: ${machine.hart.cycles - start} instructions, ${((performance.now() - t0) / 1000).toFixed(2)} s\n`);
  }
  return code;
}

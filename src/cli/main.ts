// The command line: riscv-vdso <command> ...
//   run --bare PROGRAM        run a bare-metal ELF (exit status = the program's)
//   run [options] PROGRAM     run a riscv64 Linux program with the kernel model (src/cli/linux.ts)
//   cost [--calls N] [--json] what a clock read costs, vDSO vs system call, per board profile (src/cli/cost.ts)
//   vdso [FILE]               objdump -T of our vdso.so
//   disasm FILE               objdump -d style listing of an ELF's code, with symbols
//   boot --kernel IMAGE ...   a whole system (firmware, Linux, initramfs) on the virt machine (src/cli/boot.ts)
import { readInputFile } from './inputs';
import { Hart } from '../hart/hart';
import { runBare } from '../hart/bare';
import { bareImageFromElf } from './bareImage';

const USAGE = `usage: riscv-vdso <command> [options]

commands:
  run --bare PROGRAM [--max-insns N]   run a bare-metal RISC-V ELF on the emulated hart
  run [-L SYSROOT] [-E VAR=val] [--strace] [--vdso FILE] [--no-aslr] [--time host|virtual] PROGRAM [ARGS]
                                       run a riscv64 Linux program (static or dynamic glibc) on the kernel model
  boot --kernel IMAGE [--initrd CPIO] [--firmware FILE] [--append CMDLINE] [--memory MiB]
                                       boot a kernel on the virt-compatible machine (console on the terminal)
  cost [--calls N] [--json] [PROGRAM]  cycles and modelled ns of a clock read, vDSO vs system call, on each board profile
  vdso [FILE]                          print our vdso.so's dynamic symbol table (objdump -T form)
  disasm FILE                          disassemble an ELF's code sections (objdump -d style)
`;

function fail(msg: string, code = 2): never {
  process.stderr.write(`riscv-vdso: ${msg}\n`);
  process.exit(code);
}

function readProgram(path: string): Uint8Array {
  try {
    return readInputFile(path);
  } catch (e) {
    fail((e as Error).message);
  }
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '-h' || cmd === '--help') { process.stdout.write(USAGE); return cmd ? 0 : 2; }
  if (cmd === 'run' && !rest.includes('--bare')) {
    const { runLinuxCommand } = await import('./linux');
    return runLinuxCommand(rest);
  }
  if (cmd === 'boot') return (await import('./boot')).bootCommand(rest);
  if (cmd === 'cost') {
    const { costCommand } = await import('./cost');
    return costCommand(rest);
  }
  if (cmd === 'vdso') {
    const { vdsoCommand } = await import('./linux');
    return vdsoCommand(rest);
  }
  if (cmd === 'run') {
    // options anywhere: run --bare PROGRAM --max-insns N is the same as run --max-insns N --bare PROGRAM
    let bare = false, max: bigint | undefined, program: string | undefined;
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i];
      if (a === '--bare') bare = true;
      else if (a === '--max-insns' || a.startsWith('--max-insns=')) {
        const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : rest[++i];
        if (v === undefined || !/^(0x[0-9a-f]+|[0-9]+)$/i.test(v.replace(/_/g, ''))) fail(`--max-insns needs a number of instructions (got ${v === undefined ? 'nothing' : `'${v}'`})`);
        max = BigInt(v.replace(/_/g, ''));
      } else if (a === '--') { if (!program) program = rest[++i]; }
      else if (a.startsWith('-')) fail(`unknown option ${a}`);
      else if (program === undefined) program = a;
      else fail(`run --bare takes one program (got '${program}' and '${a}')`);
    }
    if (!program) fail('run: no program given');
    if (!bare) fail('run: only --bare is available in this version');
    const image = bareImageFromElf(readProgram(program));
    const hart = new Hart();
    const r = runBare(hart, image, { maxInstructions: max });
    if (r.message) process.stderr.write(`riscv-vdso: ${r.message}\n`);
    if (process.env.RISCV_VDSO_STATS) process.stderr.write(`riscv-vdso: ${r.instructions} instructions\n`);
    return r.exitCode;
  }
  if (cmd === 'debug') return (await import('./debug')).debugCommand(rest); // DAP walk-through (src/cli/debug.ts)
  if (cmd === 'disasm') {
    const { disasmCommand } = await import('./disasm');
    return disasmCommand(rest);
  }
  fail(`unknown command '${cmd}'\n${USAGE}`);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: Error) => { process.stderr.write(`riscv-vdso: ${e.message}\n`); process.exitCode = 1; },
);

// Validation of the launch request's arguments, shared by every client (VS Code, other DAP clients, the CLI):
// each problem is one sentence naming the attribute, the value given and what is expected, and problems with
// the program file name the file and say what it is instead ("/w/run.sh is not an ELF file (it starts with
// #!)", "/w/a.out is an x86-64 ELF (EM_X86_64), not RISC-V"). No exception text of a lower layer reaches the
// user. No braces in the texts: DAP error formats treat {name} as a variable. Imports only node:fs and node:path, so the extension may load it to check a configuration before it
// starts a session (src/extension/config.ts) without loading the emulator.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { EM_RISCV } from '../elf/elf';

type Kind = 'string' | 'boolean' | 'string[]' | 'env' | 'timeMode' | 'timeCsr' | 'seconds' | 'followFork' | 'mib';

/** Every launch attribute the adapter reads, with its type (package.json's schema mirrors it). */
export const LAUNCH_ATTRIBUTE_KINDS: Record<string, Kind> = {
  program: 'string', args: 'string[]', cwd: 'string', env: 'env', sysroot: 'string', stopOnEntry: 'boolean', vdso: 'string',
  disableRandomization: 'boolean', strace: 'boolean', timeMode: 'timeMode', timeCsr: 'timeCsr', timeEpoch: 'seconds', bare: 'boolean', trace: 'boolean',
  allow: 'string[]', followFork: 'followFork',
  kernel: 'string', initrd: 'string', firmware: 'string', bootargs: 'string', vmlinux: 'string', memory: 'mib', userPrograms: 'env',
};

const EXPECTED: Record<Kind, string> = {
  string: 'a string',
  boolean: 'true or false',
  'string[]': 'an array of strings, e.g. ["1000"]',
  env: 'an object whose values are strings',
  timeMode: '"virtual" or "host"',
  timeCsr: '"hardware" or "firmware"',
  seconds: 'a number of seconds since 1970-01-01 UTC, e.g. 1704067200',
  followFork: '"parent" or "child"',
  mib: 'a whole number of MiB from 16 to 1024, e.g. 256',
};

/** A JSON value as the user wrote it, with its JSON type: "yes" (a string), 3 (a number). */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  const json = JSON.stringify(v);
  const text = json === undefined ? String(v) : json.length > 60 ? json.slice(0, 57) + '...' : json;
  const type = Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : typeof v === 'string' ? 'a string' : typeof v === 'number' ? 'a number' : typeof v === 'boolean' ? 'a boolean' : typeof v;
  return `${text} (${type})`;
}

function kindHolds(kind: Kind, v: unknown): boolean {
  switch (kind) {
    case 'string': return typeof v === 'string';
    case 'boolean': return typeof v === 'boolean';
    case 'string[]': return Array.isArray(v) && v.every((a) => typeof a === 'string');
    case 'env': return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((a) => typeof a === 'string');
    case 'timeMode': return v === 'virtual' || v === 'host';
    case 'timeCsr': return v === 'hardware' || v === 'firmware';
    case 'seconds': return typeof v === 'number' && Number.isFinite(v) && v >= 0;
    case 'followFork': return v === 'parent' || v === 'child';
    case 'mib': return typeof v === 'number' && Number.isInteger(v) && v >= 16 && v <= 1024;
  }
}

function whatIsAt(path: string): 'file' | 'directory' | 'other' | 'missing' {
  try {
    const s = statSync(path);
    return s.isFile() ? 'file' : s.isDirectory() ? 'directory' : 'other';
  } catch {
    return 'missing';
  }
}

/**
 * The first problem of a launch request's arguments, or undefined when they can be launched. Checks types,
 * then the paths (cwd and sysroot must be directories, program and vdso RISC-V ELF files).
 */
export function launchArgumentsProblem(args: unknown): string | undefined {
  if (args === undefined || args === null) args = {};
  if (typeof args !== 'object' || Array.isArray(args)) return `the launch arguments are ${describeValue(args)}; expected an object with at least "program"`;
  const a = args as Record<string, unknown>;
  const system = a.kernel !== undefined;
  if (!system && (a.program === undefined || a.program === '')) {
    return '"program" is missing: set it to the path of the riscv64 ELF to debug';
  }
  for (const [name, kind] of Object.entries(LAUNCH_ATTRIBUTE_KINDS)) {
    const v = a[name];
    if (v === undefined) continue;
    if (!kindHolds(kind, v)) {
      if (kind === 'string[]' && Array.isArray(v)) {
        const i = v.findIndex((x) => typeof x !== 'string');
        return `"${name}"[${i}] is ${describeValue(v[i])}; expected a string (write numbers in quotes: ${JSON.stringify(String(v[i]))})`;
      }
      if (kind === 'env' && typeof v === 'object' && v !== null && !Array.isArray(v)) {
        const [k, x] = Object.entries(v).find(([, x]) => typeof x !== 'string')!;
        return `"${name}"."${k}" is ${describeValue(x)}; expected a string`;
      }
      return `"${name}" is ${describeValue(v)}; expected ${EXPECTED[kind]}`;
    }
  }
  for (const name of ['cwd', 'sysroot'] as const) {
    const p = a[name] as string | undefined;
    if (p === undefined) continue;
    const w = whatIsAt(p);
    if (w === 'missing') return `"${name}" is "${p}": no such directory`;
    if (w !== 'directory') return `"${name}" is "${p}": that is a file, not a directory`;
  }
  if (system) return systemProblem(a);
  const program = programProblem(a.program as string, '"program"');
  if (program) return program;
  if (a.vdso !== undefined) return programProblem(a.vdso as string, '"vdso"');
  return undefined;
}

/** The full-system attributes: files that must exist; "program" does not go with "kernel". */
function systemProblem(a: Record<string, unknown>): string | undefined {
  if (a.program !== undefined) return '"program" and "kernel" do not go together: "kernel" boots a whole system, "program" runs one program on the kernel model';
  for (const name of ['kernel', 'initrd', 'firmware'] as const) {
    const p = a[name] as string | undefined;
    if (p === undefined || (name === 'firmware' && p === 'builtin')) continue;
    const w = whatIsAt(p);
    if (w === 'missing') return `"${name}" is "${p}": no such file${p.includes('${') ? ' (a variable was not substituted)' : ''}`;
    if (w !== 'file') return `"${name}" is "${p}": not a regular file`;
  }
  if (a.vmlinux !== undefined) { const p = programProblem(a.vmlinux as string, '"vmlinux"'); if (p) return p; }
  for (const [guest, host] of Object.entries((a.userPrograms ?? {}) as Record<string, string>)) {
    if (!guest.startsWith('/')) return `"userPrograms" names "${guest}": expected the program's absolute path in the guest, e.g. "/init"`;
    const p = programProblem(host, `"userPrograms" for ${guest}`);
    if (p) return p;
  }
  return undefined;
}

/** ELF e_machine values a user is likely to meet, with the name readelf prints and the EM_ constant. */
const MACHINES: Record<number, [string, string]> = {
  2: ['SPARC', 'EM_SPARC'], 3: ['x86 (i386)', 'EM_386'], 8: ['MIPS', 'EM_MIPS'], 20: ['PowerPC', 'EM_PPC'], 21: ['PowerPC64', 'EM_PPC64'],
  22: ['s390', 'EM_S390'], 40: ['ARM', 'EM_ARM'], 43: ['SPARC V9', 'EM_SPARCV9'], 62: ['x86-64', 'EM_X86_64'], 183: ['AArch64', 'EM_AARCH64'],
  243: ['RISC-V', 'EM_RISCV'], 258: ['LoongArch', 'EM_LOONGARCH'],
};


/** How a file that is not an ELF starts, in words: "#!" (a script), "the text ...", "the bytes 00 01 02 03 ...". */
function startsWith(b: Uint8Array): string {
  if (b[0] === 0x23 && b[1] === 0x21) return '#!';
  const printable = (c: number) => (c >= 0x20 && c < 0x7f) || c === 9 || c === 10 || c === 13;
  const head = b.subarray(0, 16);
  if (head.length && head.every(printable)) {
    const t = Buffer.from(head).toString('latin1').split(/[\r\n]/)[0];
    return `the text "${t}", not the ELF magic 7f 45 4c 46`;
  }
  return `the bytes ${[...b.subarray(0, 4)].map((c) => c.toString(16).padStart(2, '0')).join(' ')}, not the ELF magic 7f 45 4c 46`;
}

/** What is wrong with `path` as a riscv64 ELF program (or the vDSO image), in words; undefined if nothing. */
export function programProblem(path: string, attribute = '"program"'): string | undefined {
  const w = whatIsAt(path);
  if (w === 'missing') return `${attribute} is "${path}": no such file${path.includes('${') ? ' (a variable was not substituted)' : ''}`;
  if (w === 'directory') return `${attribute} is "${path}": that is a directory, not a program file`;
  if (w === 'other') return `${attribute} is "${path}": not a regular file`;
  let b: Uint8Array;
  try {
    const fd = openSync(path, 'r');
    try {
      b = new Uint8Array(64);
      b = b.subarray(0, readSync(fd, b, 0, 64, 0));
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    return `${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  if (b.length === 0) return `${path} is an empty file, not an ELF program`;
  if (b.length < 4 || b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46) return `${path} is not an ELF file (it starts with ${startsWith(b)})`;
  if (b.length < 20) return `${path} is a truncated ELF file (${b.length} bytes)`;
  const little = b[5] === 1;
  const u16 = (o: number) => (little ? b[o] | (b[o + 1] << 8) : (b[o] << 8) | b[o + 1]);
  const machine = u16(18), type = u16(16);
  if (machine !== EM_RISCV) {
    const m = MACHINES[machine];
    return `${path} is ${m ? `${/^[aeiou]/i.test(m[0]) || m[0].startsWith('x86') ? 'an' : 'a'} ${m[0]} ELF (${m[1]})` : `an ELF for machine ${machine} (e_machine)`}, not RISC-V`;
  }
  if (b[4] !== 2) return `${path} is a 32-bit RISC-V ELF (ELFCLASS32); this debugger runs riscv64 (ELFCLASS64) programs`;
  if (!little) return `${path} is a big-endian ELF; RISC-V Linux programs are little-endian`;
  if (type === 1) return `${path} is a relocatable object file (ET_REL), not a program: link it first (riscv64-linux-gnu-gcc -static -g)`;
  if (type === 4) return `${path} is a core dump (ET_CORE), not a program`;
  if (type !== 2 && type !== 3) return `${path} has ELF type ${type}; expected a program (ET_EXEC or ET_DYN)`;
  return undefined;
}

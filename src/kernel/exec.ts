// models fs/exec.c (bprm_execve: a fresh address space for a program, its argv/envp) together with binfmtElf.ts
// (load_elf_binary: the program's PT_LOADs, the interpreter, brk; create_elf_tables) and arch/riscv/kernel/vdso.c
// (the vDSO and [vvar] mapped into the new address space). The result is what the task starts with: entry point,
// stack pointer, auxiliary vector and the ELF objects mapped so far.
import { ElfFile, ET } from '../elf/elf';
import type { LoadedObject } from './api';
import { MM, PROT_READ, PROT_WRITE, type FileBacking } from './mm';
import { pageUp, PAGE_BYTES } from './pagetable';
import type { Vfs } from './vfs';
import { readHostCached } from './vfs';
import { setupAdditionalPages, type VdsoImage, type VdsoPages } from './vdso/vdso';
import { readGuestImage } from '../guest/images';
import {
  createElfTables, mapElf, parseElf, chooseLayout, HWCAP_IMAFDC, STACK_EXPAND, type AuxEntry,
  AT_SYSINFO_EHDR, AT_MINSIGSTKSZ, AT_HWCAP, AT_PAGESZ, AT_CLKTCK, AT_PHDR, AT_PHENT, AT_PHNUM, AT_BASE, AT_FLAGS,
  AT_ENTRY, AT_UID, AT_EUID, AT_GID, AT_EGID, AT_SECURE, AT_RANDOM, AT_EXECFN,
} from './binfmtElf';
import { CRED } from './task';

/** sizeof(struct rt_sigframe) rounded like the kernel reports AT_MINSIGSTKSZ. */
const MINSIGSTKSZ = 1088n;

export class LaunchError extends Error {}

/** What exec needs from the kernel around it. */
export interface ExecContext {
  readonly vfs: Vfs;
  readonly vdso: VdsoImage;
  readonly vdsoPages: VdsoPages;
  fileBacking(path: string, data: Uint8Array, hostInode: number): FileBacking;
  randomBytes(n: number): Uint8Array;
}

export interface ExecRequest {
  /** The program: host path, contents, the guest path it is known by, the host inode. */
  hostPath: string;
  data: Uint8Array;
  guestPath: string;
  inode: number;
  /** argv[0] as given (also AT_EXECFN and the name in messages). */
  filename: string;
  argv: string[];
  envp: string[];
  randomize: boolean;
}

export interface ExecImage {
  entry: bigint;
  sp: bigint;
  auxv: AuxEntry[];
  objects: LoadedObject[];
  vdsoBase: bigint;
  vvarBase: bigint;
}

/** Load `req` into the empty address space `mm` (exec_mmap has replaced the old one). Throws LaunchError/ExecError. */
export function execImage(k: ExecContext, mm: MM, req: ExecRequest): ExecImage {
  const progElf = parseElf(req.data, req.filename);
  const rand = (bits: number): bigint => { const b = Buffer.from(k.randomBytes(4)); return BigInt(b.readUInt32LE(0)) & ((1n << BigInt(bits)) - 1n); };
  const layout = chooseLayout(rand, req.randomize);
  mm.mmapBase = layout.mmapBase;
  mm.stackTop = layout.stackTop;
  mm.mapFixed({ start: layout.stackTop - STACK_EXPAND - 0x1000n, end: layout.stackTop, prot: PROT_READ | PROT_WRITE, shared: false, pgoff: 0n, name: '[stack]', growsDown: true });

  const objects: LoadedObject[] = [];
  const progFile = k.fileBacking(req.guestPath, req.data, req.inode);
  const interpPath = progElf.interp;
  const prog = mapElf(mm, progElf, progFile, req.filename, progElf.header.type === ET.DYN && interpPath ? layout.etDynBase : undefined);
  objects.push({ name: req.guestPath, hostPath: req.hostPath, bias: prog.bias, start: prog.start, end: prog.end, elf: progElf, kind: 'program' });
  let entry = prog.entry;
  let interpBase = 0n;
  if (interpPath) {
    let node;
    try { node = k.vfs.lookup(interpPath); } catch {
      throw new LaunchError(`${req.filename}: interpreter ${interpPath} not found in the sysroot (${k.vfs.opts.sysroot ?? 'none'}); use -L SYSROOT`);
    }
    if (node.type !== 'host' || node.kind !== 'file') throw new LaunchError(`${req.filename}: interpreter ${interpPath} is not a file`);
    const data = readHostCached(node.hostPath, node.stats);
    const ielf = parseElf(data, interpPath);
    if (ielf.header.type !== ET.DYN) throw new LaunchError(`${interpPath}: the interpreter must be ET_DYN`);
    const interp = mapElf(mm, ielf, k.fileBacking(node.guestPath, data, Number(node.stats.ino & 0xffffffff)), interpPath, undefined);
    objects.push({ name: node.guestPath, hostPath: node.hostPath, bias: interp.bias, start: interp.start, end: interp.end, elf: ielf, kind: 'interpreter' });
    interpBase = interp.start;
    entry = interp.entry;
  }
  // brk after the program's highest segment (randomized like arch_randomize_brk)
  mm.startBrk = mm.brk = pageUp(prog.end) + layout.brkOffset;

  const vm = setupAdditionalPages(mm, k.vdsoPages);
  objects.push({
    name: 'linux-vdso.so.1', hostPath: k.vdso.hostPath, bias: vm.vdsoBase, start: vm.vdsoBase, end: vm.vdsoBase + k.vdsoPages.textLen,
    elf: k.vdso.elf, kind: 'vdso', debugElf: k.vdso.hostPath ? undefined : vdsoDebugElf(),
  });

  const aux: [number, bigint][] = [
    [AT_SYSINFO_EHDR, vm.vdsoBase], [AT_MINSIGSTKSZ, MINSIGSTKSZ], [AT_HWCAP, HWCAP_IMAFDC], [AT_PAGESZ, PAGE_BYTES],
    [AT_CLKTCK, 100n], [AT_PHDR, prog.phdr], [AT_PHENT, 56n], [AT_PHNUM, BigInt(progElf.header.phnum)], [AT_BASE, interpBase],
    [AT_FLAGS, 0n], [AT_ENTRY, prog.entry], [AT_UID, BigInt(CRED.uid)], [AT_EUID, BigInt(CRED.euid)], [AT_GID, BigInt(CRED.gid)],
    [AT_EGID, BigInt(CRED.egid)], [AT_SECURE, 0n], [AT_RANDOM, 0n], [AT_EXECFN, 0n],
  ];
  const { sp, auxv } = createElfTables(mm, layout.stackTop, layout.stackAlign, req.argv, req.envp, req.filename, aux, k.randomBytes(16));
  return { entry, sp, auxv, objects, vdsoBase: vm.vdsoBase, vvarBase: vm.vvarBase };
}

/** Our vDSO's debug file (vdso.so.dbg), when it is in the build. */
function vdsoDebugElf(): ElfFile | undefined {
  try { return new ElfFile(readGuestImage('vdso.so.dbg')); } catch { return undefined; }
}

// models fs/exec.c (bprm_execve: a fresh address space for a program, its argv/envp) together with binfmtElf.ts
// (load_elf_binary: the program's PT_LOADs, the interpreter, brk; create_elf_tables) and arch/riscv/kernel/vdso.c
// (the vDSO and [vvar] mapped into the new address space). The result is what the task starts with: entry point,
// stack pointer, auxiliary vector and the ELF objects mapped so far.
import { ElfFile, ET } from '../elf/elf';
import type { LoadedObject } from './api';
import { MM, PROT_READ, PROT_WRITE, type FileBacking } from './mm';
import { pageUp, PAGE_BYTES, PAGE_SIZE } from './pagetable';
import type { Vfs } from './vfs';
import { readHostCached } from './vfs';
import { setupAdditionalPages, type VdsoImage, type VdsoPages } from './vdso/vdso';
import { readGuestImage } from '../guest/images';
import {
  createElfTables, mapElf, parseElf, chooseLayout, ExecError, HWCAP_IMAFDC, STACK_EXPAND, type AuxEntry,
  AT_SYSINFO_EHDR, AT_MINSIGSTKSZ, AT_HWCAP, AT_PAGESZ, AT_CLKTCK, AT_PHDR, AT_PHENT, AT_PHNUM, AT_BASE, AT_FLAGS,
  AT_ENTRY, AT_UID, AT_EUID, AT_GID, AT_EGID, AT_SECURE, AT_RANDOM, AT_EXECFN,
} from './binfmtElf';
import { CRED, type Task } from './task';
import type { LinuxProcess } from './process';
import type { Node } from './vfs';
import { PtRegs } from './entry';
import { KernelError, EFAULT, E2BIG, ENOENT, EACCES, ENOEXEC, ELOOP, EINVAL, ENOMEM } from './errno';
import { userPath, dirOf, getFile, closeAll, AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW } from './syscalls/fs';
import { copyFiles } from './fork';
import { SIG_IGN, SIG_DFL, SS_DISABLE } from './signal';
import { CSR_FCSR, CSR_SATP } from '../isa/encoding.generated';
import { basename } from 'node:path';

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
  mm.objects = [...objects];
  mm.vdsoBase = vm.vdsoBase;
  mm.vvarBase = vm.vvarBase;
  mm.auxv = auxv;
  mm.argv = req.argv;
  mm.exePath = req.guestPath;
  return { entry, sp, auxv, objects, vdsoBase: vm.vdsoBase, vvarBase: vm.vvarBase };
}

/** Our vDSO's debug file (vdso.so.dbg), when it is in the build. */
function vdsoDebugElf(): ElfFile | undefined {
  try { return new ElfFile(readGuestImage('vdso.so.dbg')); } catch { return undefined; }
}

// ---- execve(2) / execveat(2): do_execveat_common, bprm_execve, begin_new_exec ---------------------------------

/** MAX_ARG_STRLEN and the total limit of argv + envp (a quarter of the 8 MiB stack rlimit, like Linux). */
const MAX_ARG_STRLEN = 32 * PAGE_SIZE, MAX_ARG_TOTAL = 2 * 1024 * 1024, MAX_ARG_STRINGS = 0x7fffffff;
/** binfmt_script: how many #! interpreters may chain (BINPRM_MAX_RECURSION). */
const MAX_SCRIPT_DEPTH = 4;

/** The strings of a NULL-terminated user array of char pointers (argv, envp). */
function userStrings(p: LinuxProcess, va: bigint, total: { n: number }): string[] {
  const out: string[] = [];
  if (!va) return out;
  for (let i = 0; i < MAX_ARG_STRINGS; i++) {
    const ptr = p.mm.read64(va + BigInt(i * 8));
    if (ptr === undefined) throw new KernelError(EFAULT);
    if (!ptr) return out;
    const s = p.mm.readString(ptr, MAX_ARG_STRLEN);
    if (s === undefined) {
      if (p.mm.readString(ptr, 1) !== undefined || p.mm.read(ptr, 1)) throw new KernelError(E2BIG);
      throw new KernelError(EFAULT);
    }
    total.n += Buffer.byteLength(s) + 1 + 8;
    if (total.n > MAX_ARG_TOTAL) throw new KernelError(E2BIG);
    out.push(s);
  }
  throw new KernelError(E2BIG);
}

interface ExecFile { node: Node; data: Uint8Array; hostPath: string; guestPath: string; inode: number; }

/** open_exec: the file must be a regular file with an execute bit. */
function openExec(p: LinuxProcess, path: string, dir: string): ExecFile {
  if (!path) throw new KernelError(ENOENT);
  const node = p.vfs.lookup(path, true, dir);
  if (node.kind === 'dir') throw new KernelError(EACCES);
  if (node.type === 'host') {
    if (node.kind !== 'file' || !(node.stats.mode & 0o111)) throw new KernelError(EACCES);
    const data = p.vfs.readHostFile(node);
    return { node, data, hostPath: node.hostPath, guestPath: node.guestPath, inode: Number(node.stats.ino & 0xffffffff) };
  }
  if (node.type === 'tmpfile') {
    if (!(node.file.mode & 0o111)) throw new KernelError(EACCES);
    const data = new Uint8Array(node.file.data.subarray(0, node.file.size));
    return { node, data, hostPath: '', guestPath: node.guestPath, inode: node.file.ino };
  }
  throw new KernelError(EACCES);
}

/** load_script: "#!interpreter [one argument]" on the first line. */
function parseShebang(data: Uint8Array): { interp: string; arg?: string } | undefined {
  if (data.length < 2 || data[0] !== 0x23 || data[1] !== 0x21) return undefined;
  let end = data.indexOf(0x0a);
  if (end < 0) end = Math.min(data.length, 256);
  const line = Buffer.from(data.subarray(2, end)).toString('latin1').replace(/[ \t]+$/, '').replace(/^[ \t]+/, '');
  if (!line) throw new KernelError(ENOEXEC);
  const m = /^(\S+)(?:[ \t]+(.*))?$/.exec(line)!;
  return { interp: m[1], arg: m[2] || undefined };
}

export function sysExecve(p: LinuxProcess, a: bigint[]): bigint {
  return doExecve(p, AT_FDCWD_BIG, a[0], a[1], a[2], 0);
}

export function sysExecveat(p: LinuxProcess, a: bigint[]): bigint {
  return doExecve(p, a[0], a[1], a[2], a[3], Number(a[4]));
}

const AT_FDCWD_BIG = BigInt.asUintN(64, -100n);

function doExecve(p: LinuxProcess, dirfd: bigint, pathVa: bigint, argvVa: bigint, envpVa: bigint, flags: number): bigint {
  if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) throw new KernelError(EINVAL);
  let filename = userPath(p, pathVa);
  const total = { n: 0 };
  let argv = userStrings(p, argvVa, total);
  const envp = userStrings(p, envpVa, total);
  let file: ExecFile;
  if (!filename && (flags & AT_EMPTY_PATH)) {
    const f = getFile(p, dirfd);
    if (!f.node) throw new KernelError(EACCES);
    file = openExec(p, f.node.guestPath, '/');
    filename = `/dev/fd/${Number(BigInt.asIntN(32, dirfd))}`;
  } else {
    file = openExec(p, filename, dirOf(p, dirfd, filename));
  }
  if (!argv.length) {
    // Linux 6.1 runs a program with an empty argv with argv[0] = "" (and warns in the kernel log)
    argv = [''];
  }
  // binfmt_script: the interpreter runs with the script's path as its argument
  for (let depth = 0; ; depth++) {
    const sb = parseShebang(file.data);
    if (!sb) break;
    if (depth >= MAX_SCRIPT_DEPTH) throw new KernelError(ELOOP);
    argv = [sb.interp, ...(sb.arg !== undefined ? [sb.arg] : []), filename, ...argv.slice(1)];
    filename = sb.interp;
    file = openExec(p, sb.interp, p.vfs.cwd);
  }
  const d = file.data;
  if (d.length < 4 || d[0] !== 0x7f || d[1] !== 0x45 || d[2] !== 0x4c || d[3] !== 0x46) throw new KernelError(ENOEXEC);
  try { parseElf(d, filename); } catch (e) { if (e instanceof ExecError) throw new KernelError(ENOEXEC); throw e; }

  // the new address space is built before the old one goes, so a failure leaves the caller as it was
  const mm = new MM(p.hart, p.alloc, p.newPageTable());
  let img: ExecImage;
  try {
    img = execImage(p, mm, {
      hostPath: file.hostPath, data: d, guestPath: file.guestPath, inode: file.inode, filename, argv, envp,
      randomize: !p.options.disableRandomization,
    });
  } catch (e) {
    mm.destroy();
    if (e instanceof LaunchError) throw new KernelError(/not found/.test(e.message) ? ENOENT : ENOEXEC);
    if (e instanceof ExecError) throw new KernelError(ENOEXEC);
    if (e instanceof KernelError) throw e;
    throw new KernelError(ENOMEM);
  }
  beginNewExec(p, mm, filename);
  // start_thread: the new program's registers (everything zero but sp and pc)
  const t = p.current;
  const regs = new PtRegs(p.hart, p.framePa);
  for (let i = 1; i < 32; i++) regs.setX(i, 0n);
  regs.setX(2, img.sp);
  regs.epc = img.entry;
  for (let i = 0; i < 32; i++) p.hart.setF(i, 0n);
  p.hart.setCsr(CSR_FCSR, 0n);
  p.frameReplaced = true;
  p.needResched = true;
  p.onExec?.(t.tgid);
  for (const o of mm.objects) p.onObjectMapped?.(o);
  return 0n;
}

/** begin_new_exec: past the point of no return. The other threads go, the new mm is switched to, close-on-exec
 *  fds close, caught signals reset to SIG_DFL, the vfork parent is released. */
function beginNewExec(p: LinuxProcess, mm: MM, filename: string): void {
  const t = p.current, g = t.group;
  for (const o of g.alive) if (o !== t) p.killThread(o);
  exitFutexesForExec(p, t);
  const old = t.mm;
  t.mm = mm;
  p.dropMm(old);
  p.hart.setCsr(CSR_SATP, mm.pt.satp);
  p.hart.flushTlbs();
  p.hart.invalidateCode();
  if (t.files.users > 1) { t.files.users--; t.files = copyFiles(t.files); }
  closeAll(p, t.files, g, true);
  const actions = t.signals.actions.map((x) => (x.handler === SIG_IGN ? { ...x } : { handler: SIG_DFL, flags: 0n, mask: 0n }));
  t.signals.actions = actions;
  t.signals.altStack = { sp: 0n, size: 0n, flags: SS_DISABLE };
  t.comm = basename(filename).slice(0, 15);
  g.execed = true;
  g.vforkDone = true;
}

/** mm_release at exec: clear_child_tid is written and woken, the robust list is given up. */
function exitFutexesForExec(p: LinuxProcess, t: Task): void {
  if (t.clearChildTid && t.mm.users > 1 && t.mm.write32(t.clearChildTid, 0)) {
    const key = t.mm.futexKey(t.clearChildTid);
    if (key !== undefined) p.futexes.wake(key, 1);
  }
  t.clearChildTid = 0n;
  t.robustList = 0n;
}

// models fs/binfmt_elf.c: load_elf_binary (the program's PT_LOADs, PT_INTERP, brk, the load bias of ET_DYN)
// and create_elf_tables (argc, argv, envp, the auxiliary vector on the new stack), with the layout choices of
// mm/util.c (mmap_base, randomize_stack_top, arch_randomize_brk) for riscv64 Sv39.
import { MAX_PHDR_TABLE_BYTES } from './limits';
import { ElfFile, EM_RISCV, ET, PT, PF } from '../elf/elf';
import { PROT_READ, PROT_WRITE, PROT_EXEC, TASK_SIZE, type FileBacking, type MM } from './mm';
import { pageDown, pageUp, PAGE_BYTES, PAGE_SHIFT, PAGE_OFFSET_MASK } from './pagetable';

export const AT_NULL = 0, AT_IGNORE = 1, AT_EXECFD = 2, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7,
  AT_FLAGS = 8, AT_ENTRY = 9, AT_NOTELF = 10, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_PLATFORM = 15,
  AT_HWCAP = 16, AT_CLKTCK = 17, AT_SECURE = 23, AT_BASE_PLATFORM = 24, AT_RANDOM = 25, AT_HWCAP2 = 26, AT_EXECFN = 31,
  AT_SYSINFO_EHDR = 33, AT_MINSIGSTKSZ = 51;

export const AUXV_NAMES: Record<number, string> = {
  0: 'AT_NULL', 1: 'AT_IGNORE', 2: 'AT_EXECFD', 3: 'AT_PHDR', 4: 'AT_PHENT', 5: 'AT_PHNUM', 6: 'AT_PAGESZ', 7: 'AT_BASE',
  8: 'AT_FLAGS', 9: 'AT_ENTRY', 10: 'AT_NOTELF', 11: 'AT_UID', 12: 'AT_EUID', 13: 'AT_GID', 14: 'AT_EGID', 15: 'AT_PLATFORM',
  16: 'AT_HWCAP', 17: 'AT_CLKTCK', 23: 'AT_SECURE', 24: 'AT_BASE_PLATFORM', 25: 'AT_RANDOM', 26: 'AT_HWCAP2', 31: 'AT_EXECFN',
  33: 'AT_SYSINFO_EHDR', 51: 'AT_MINSIGSTKSZ',
};

/** ELF_HWCAP of riscv: one bit per single-letter extension, 'a' = bit 0: I M A F D C. */
export const HWCAP_IMAFDC = ['i', 'm', 'a', 'f', 'd', 'c'].reduce((m, c) => m | (1n << BigInt(c.charCodeAt(0) - 97)), 0n);
/** ELF_ET_DYN_BASE of riscv64: 2/3 of TASK_SIZE. */
export const ELF_ET_DYN_BASE = pageDown((TASK_SIZE / 3n) * 2n);
/** mm/util.c: MIN_GAP between the stack top and mmap_base. */
const MIN_GAP = 128n * 1024n * 1024n;
const STACK_GUARD_GAP = 256n * PAGE_BYTES;
/** Initial size of [stack] below the arguments (setup_arg_pages' stack_expand). */
const STACK_EXPAND = 128n * 1024n;

export class ExecError extends Error {}

export interface LoadedElf {
  elf: ElfFile;
  bias: bigint;
  start: bigint;
  end: bigint;
  /** Runtime address of the program headers. */
  phdr: bigint;
  entry: bigint;
}

export function parseElf(data: Uint8Array, what: string): ElfFile {
  let elf: ElfFile;
  try { elf = new ElfFile(data); } catch (e) { throw new ExecError(`${what}: not a valid ELF file: ${(e as Error).message}`); }
  if (elf.header.machine !== EM_RISCV) throw new ExecError(`${what}: not a RISC-V ELF (e_machine ${elf.header.machine})`);
  if (elf.header.type !== ET.EXEC && elf.header.type !== ET.DYN) throw new ExecError(`${what}: not an executable (e_type ${elf.header.type})`);
  if (!elf.programHeaders.some((p) => p.type === PT.LOAD)) throw new ExecError(`${what}: no PT_LOAD segment`);
  if (elf.header.phentsize !== 56) throw new ExecError(`${what}: bad e_phentsize ${elf.header.phentsize}`);
  // load_elf_phdrs: the program header table is at most 64 KiB (1,170 entries), else ENOEXEC; this also
  // bounds the work of mapping the segments (65,534 PT_LOADs took minutes)
  if (elf.header.phnum * 56 > MAX_PHDR_TABLE_BYTES) {
    throw new ExecError(`${what}: ${elf.header.phnum} program headers (${elf.header.phnum * 56} bytes): Linux loads at most ${MAX_PHDR_TABLE_BYTES} bytes of them (${Math.floor(MAX_PHDR_TABLE_BYTES / 56)} entries)`);
  }
  return elf;
}

function protOf(flags: number): number {
  return (flags & PF.R ? PROT_READ : 0) | (flags & PF.W ? PROT_WRITE : 0) | (flags & PF.X ? PROT_EXEC : 0);
}

/** elf_map + the bss handling of load_elf_binary / load_elf_interp. `base` undefined = choose top-down. */
export function mapElf(mm: MM, elf: ElfFile, file: FileBacking, what: string, base: bigint | undefined): LoadedElf {
  const loads = elf.programHeaders.filter((p) => p.type === PT.LOAD);
  const lo = pageDown(loads.reduce((m, p) => (p.vaddr < m ? p.vaddr : m), loads[0].vaddr));
  const hi = pageUp(loads.reduce((m, p) => (p.vaddr + p.memsz > m ? p.vaddr + p.memsz : m), 0n));
  let bias = 0n;
  if (elf.header.type === ET.DYN) {
    const at = base !== undefined ? base : mm.getUnmappedArea(hi - lo);
    if (at === undefined) throw new ExecError(`${what}: no room in the address space (${hi - lo} bytes)`);
    bias = at - lo;
  }
  if (lo + bias < 0x1000n || hi + bias > TASK_SIZE) throw new ExecError(`${what}: segments outside the user address space`);
  for (const p of loads) {
    if (p.filesz > p.memsz) throw new ExecError(`${what}: PT_LOAD ${p.index} has p_filesz > p_memsz`);
    if ((p.vaddr - p.offset) & PAGE_OFFSET_MASK) throw new ExecError(`${what}: PT_LOAD ${p.index} is not page-congruent`);
    if (p.offset + p.filesz > BigInt(file.data.length)) throw new ExecError(`${what}: PT_LOAD ${p.index} extends past the end of the file`);
    const prot = protOf(p.flags);
    const start = pageDown(p.vaddr + bias);
    const fileEnd = p.vaddr + bias + p.filesz;
    const memEnd = pageUp(p.vaddr + bias + p.memsz);
    if (p.filesz > 0n) {
      const end = pageUp(fileEnd);
      mm.mapFixed({ start, end, prot, shared: false, file, pgoff: pageDown(p.offset), name: file.path,
        fileLimit: p.memsz > p.filesz ? fileEnd : undefined });
      if (memEnd > end) mm.mapFixed({ start: end, end: memEnd, prot, shared: false, pgoff: 0n, name: '' });
    } else if (memEnd > start) {
      mm.mapFixed({ start, end: memEnd, prot, shared: false, pgoff: 0n, name: '' });
    }
  }
  // where the program headers are at run time
  const ph = elf.programHeaders.find((p) => p.type === PT.PHDR);
  let phdr = 0n;
  if (ph) phdr = ph.vaddr + bias;
  else {
    const seg = loads.find((p) => elf.header.phoff >= p.offset && elf.header.phoff < p.offset + p.filesz);
    if (seg) phdr = seg.vaddr + (elf.header.phoff - seg.offset) + bias;
  }
  return { elf, bias, start: lo + bias, end: hi + bias, phdr, entry: elf.header.entry + bias };
}

export interface Layout { stackTop: bigint; mmapBase: bigint; etDynBase: bigint; brkOffset: bigint; stackAlign: bigint; }

/** The randomized (or fixed) layout of a new process. */
export function chooseLayout(rand: (bits: number) => bigint, randomize: boolean): Layout {
  const r = (bits: number): bigint => (randomize ? rand(bits) : 0n);
  const stackTop = pageDown(TASK_SIZE - (r(18) << PAGE_SHIFT));
  const rnd = r(18) << PAGE_SHIFT;
  let gap = 8n * 1024n * 1024n + STACK_GUARD_GAP + (randomize ? (0x3ffffn << PAGE_SHIFT) : 0n);
  if (gap < MIN_GAP) gap = MIN_GAP;
  const mmapBase = pageDown(TASK_SIZE - gap - rnd);
  return { stackTop, mmapBase, etDynBase: ELF_ET_DYN_BASE + (r(18) << PAGE_SHIFT), brkOffset: r(18) << PAGE_SHIFT, stackAlign: randomize ? r(13) : 0n };
}

export interface AuxEntry { type: number; name: string; value: bigint; }

/** create_elf_tables: strings at the top, AT_RANDOM bytes, then argc/argv/envp/auxv; returns sp. */
export function createElfTables(mm: MM, stackTop: bigint, stackAlign: bigint, argv: string[], envp: string[],
  execfn: string, aux: [number, bigint][], random16: Uint8Array): { sp: bigint; auxv: AuxEntry[] } {
  let sp = stackTop - 8n; // bprm->p starts one pointer below STACK_TOP
  const push = (s: string): bigint => {
    const b = Buffer.from(s + '\0');
    sp -= BigInt(b.length);
    if (!mm.write(sp, b)) throw new ExecError('cannot write the initial stack');
    return sp;
  };
  const execfnAddr = push(execfn);
  const envAddrs = envp.map((_, i) => envp[envp.length - 1 - i]).map(push).reverse();
  const argAddrs = argv.map((_, i) => argv[argv.length - 1 - i]).map(push).reverse();
  sp = (sp - stackAlign) & ~15n; // arch_align_stack
  sp -= 16n;
  const randomAddr = sp;
  if (!mm.write(randomAddr, random16)) throw new ExecError('cannot write AT_RANDOM bytes');
  const auxFull: [number, bigint][] = [...aux.map(([t, v]) => [t, t === AT_RANDOM ? randomAddr : t === AT_EXECFN ? execfnAddr : v] as [number, bigint]), [AT_NULL, 0n]];
  const words: bigint[] = [BigInt(argv.length), ...argAddrs, 0n, ...envAddrs, 0n];
  for (const [t, v] of auxFull) words.push(BigInt(t), v);
  sp = (sp - BigInt(words.length * 8)) & ~15n;
  const b = Buffer.alloc(words.length * 8);
  words.forEach((w, i) => b.writeBigUInt64LE(BigInt.asUintN(64, w), i * 8));
  if (!mm.write(sp, b)) throw new ExecError('cannot write the initial stack');
  return { sp, auxv: auxFull.map(([type, value]) => ({ type, name: AUXV_NAMES[type] ?? `AT_${type}`, value })) };
}

export { STACK_EXPAND };

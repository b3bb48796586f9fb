// What the debugger reads of a running Linux kernel through its vmlinux's DWARF (issue 19): the current task, the
// task list, each task's saved registers and the trap frame at the top of its kernel stack, the mm's vDSO base,
// and the vDSO data page's type. Every offset comes from the kernel's own types (struct task_struct,
// thread_struct, pt_regs, mm_struct, union thread_union, struct vdso_data), so another configuration or another
// kernel version lays them out its own way and this still reads them. The DWARF is read lazily: a type is looked
// up unit by unit from the first (init/main.c already defines most of them: one unit's DIEs, ~50 ms).
import { DW_AT, DW_TAG, type Die, type DwarfInfo } from '../elf/dwarfInfo';
import { strip, typeFromDie, sizeOf, type CType, type CMember } from '../elf/dwarfTypes';
import type { DebugModule } from './modules';
import { moduleDwarf } from './cframe';

/** A task of the kernel's task list. */
export interface KernelTask {
  /** Kernel virtual address of its struct task_struct. */
  addr: bigint;
  pid: number;
  comm: string;
  /** task_struct.__state (0 = running). */
  state: bigint;
  /** Its mm_struct (0 for kernel threads). */
  mm: bigint;
}

/** Saved registers: pc and x0..x31 (undefined = not saved), and the privilege mode they run in. */
export interface SavedContext { pc: bigint; regs: (bigint | undefined)[]; priv: number }

interface Field { offset: number; type: CType }

interface Layout {
  task: { size: number; tasks: number; pid: number; comm: number; commSize: number; state: Field; stack: number; mm: number; thread: number };
  thread: { ra: number; sp: number; s: number };
  /** THREAD_SIZE: the size of union thread_union. */
  threadSize: number;
  ptRegs: { size: number; epc: number; ra: number; status: number };
  mm?: { vdso?: number; startCode?: number; pgd?: number };
}

const SR_SPP = 0x100n;
const KERNEL_HALF = 1n << 63n;
const hex = (v: bigint) => '0x' + v.toString(16);

/** A member by name, looking through anonymous structs and unions (mm_struct keeps its fields in one). */
export function findMember(t: CType, name: string, depth = 0): Field | undefined {
  const s = strip(t);
  if ((s.kind !== 'struct' && s.kind !== 'union') || depth > 8) return undefined;
  const ms: CMember[] = s.members();
  for (const m of ms) if (m.name === name) return { offset: m.offset, type: m.type };
  for (const m of ms) {
    if (m.name !== undefined) continue;
    const inner = findMember(m.type, name, depth + 1);
    if (inner) return { offset: m.offset + inner.offset, type: inner.type };
  }
  return undefined;
}

function path(t: CType, names: string[]): Field | undefined {
  let off = 0, cur: CType = t;
  for (const n of names) {
    const f = findMember(cur, n);
    if (!f) return undefined;
    off += f.offset;
    cur = f.type;
  }
  return { offset: off, type: cur };
}

export class LinuxKernel {
  private layoutCache?: Layout | null;
  private layoutError?: string;
  private readonly sym = new Map<string, bigint | undefined>();
  /** Figures of the first use (the note and docs quote them). */
  readonly timings: Record<string, number> = {};

  constructor(readonly vmlinux: DebugModule, private readonly read: (addr: bigint, size: number) => Uint8Array | undefined) {}

  get dwarf(): DwarfInfo | undefined { return moduleDwarf(this.vmlinux); }

  symbol(name: string): bigint | undefined {
    if (!this.sym.has(name)) this.sym.set(name, this.vmlinux.lookup(name));
    return this.sym.get(name);
  }

  /** A struct/union/enum type of the kernel by tag. */
  type(name: string, tag: number): CType | undefined {
    const d = this.dwarf?.findType(undefined, name, tag);
    return d ? typeFromDie(d) : undefined;
  }

  /** Why the task layout could not be read (undefined when it could, or was not tried). */
  get error(): string | undefined { return this.layoutError; }

  layout(): Layout | undefined {
    if (this.layoutCache !== undefined) return this.layoutCache ?? undefined;
    const t0 = performance.now();
    this.layoutCache = null;
    try {
      const task = this.type('task_struct', DW_TAG.structure_type);
      if (!task) throw new Error('vmlinux has no DWARF type struct task_struct');
      const need = (t: CType, n: string[], what: string): Field => {
        const f = path(t, n);
        if (!f) throw new Error(`${what} has no member ${n.join('.')}`);
        return f;
      };
      const comm = need(task, ['comm'], 'struct task_struct');
      const thread = need(task, ['thread'], 'struct task_struct');
      const ra = need(thread.type, ['ra'], 'struct thread_struct');
      const sp = need(thread.type, ['sp'], 'struct thread_struct');
      const s = need(thread.type, ['s'], 'struct thread_struct');
      const union = this.type('thread_union', DW_TAG.union_type);
      const regs = this.type('pt_regs', DW_TAG.structure_type);
      if (!regs) throw new Error('vmlinux has no DWARF type struct pt_regs');
      const mmT = this.type('mm_struct', DW_TAG.structure_type);
      this.layoutCache = {
        task: {
          size: sizeOf(task), tasks: need(task, ['tasks'], 'struct task_struct').offset, pid: need(task, ['pid'], 'struct task_struct').offset,
          comm: comm.offset, commSize: sizeOf(comm.type) || 16,
          state: path(task, ['__state']) ?? need(task, ['state'], 'struct task_struct'),
          stack: need(task, ['stack'], 'struct task_struct').offset, mm: need(task, ['mm'], 'struct task_struct').offset, thread: thread.offset,
        },
        thread: { ra: ra.offset, sp: sp.offset, s: s.offset },
        threadSize: union ? sizeOf(union) : 16384,
        ptRegs: { size: sizeOf(regs), epc: need(regs, ['epc'], 'struct pt_regs').offset, ra: need(regs, ['ra'], 'struct pt_regs').offset, status: need(regs, ['status'], 'struct pt_regs').offset },
        mm: mmT ? { vdso: path(mmT, ['context', 'vdso'])?.offset, startCode: path(mmT, ['start_code'])?.offset, pgd: path(mmT, ['pgd'])?.offset } : undefined,
      };
    } catch (e) {
      this.layoutError = (e as Error).message;
    }
    this.timings.layoutMs = Math.round(performance.now() - t0);
    return this.layoutCache ?? undefined;
  }

  private u64(a: bigint): bigint | undefined {
    const b = this.read(a, 8);
    return b ? Buffer.from(b).readBigUInt64LE(0) : undefined;
  }
  private u32(a: bigint): number | undefined {
    const b = this.read(a, 4);
    return b ? Buffer.from(b).readInt32LE(0) : undefined;
  }

  private static isKernelPtr(v: bigint | undefined): v is bigint { return v !== undefined && v >= KERNEL_HALF && (v & 7n) === 0n; }

  /**
   * The task on the hart: Linux riscv keeps `current` in tp while in the kernel and in sscratch while in user
   * mode (handle_exception swaps them first thing). undefined before the kernel runs with its page tables.
   */
  currentTask(priv: number, tp: bigint, sscratch: bigint): bigint | undefined {
    const cand = priv === 0 ? sscratch : LinuxKernel.isKernelPtr(tp) ? tp : sscratch;
    if (!LinuxKernel.isKernelPtr(cand) || !this.layout()) return undefined;
    return this.task(cand) ? cand : undefined;
  }

  /** One task_struct read (undefined when unreadable or not plausibly a task). */
  task(addr: bigint): KernelTask | undefined {
    const l = this.layout();
    if (!l) return undefined;
    const pid = this.u32(addr + BigInt(l.task.pid));
    const commB = this.read(addr + BigInt(l.task.comm), l.task.commSize);
    const mm = this.u64(addr + BigInt(l.task.mm));
    const sb = this.read(addr + BigInt(l.task.state.offset), Math.min(8, sizeOf(l.task.state.type) || 4));
    if (pid === undefined || pid < 0 || !commB || mm === undefined || !sb) return undefined;
    const nul = commB.indexOf(0);
    const comm = Buffer.from(commB.subarray(0, nul < 0 ? commB.length : nul)).toString('latin1');
    let state = 0n;
    for (let i = sb.length - 1; i >= 0; i--) state = (state << 8n) | BigInt(sb[i]);
    return { addr, pid, comm, state, mm };
  }

  /** Every task on init_task's list (the idle task first), at most `max`. */
  tasks(max = 4096): KernelTask[] {
    const l = this.layout();
    const init = this.symbol('init_task');
    if (!l || init === undefined) return [];
    const out: KernelTask[] = [];
    const first = this.task(init);
    if (!first) return [];
    out.push(first);
    const head = init + BigInt(l.task.tasks);
    let next = this.u64(head);
    const seen = new Set<bigint>([init]);
    while (next !== undefined && next !== head && out.length < max) {
      const t = next - BigInt(l.task.tasks);
      if (seen.has(t)) break;
      seen.add(t);
      const k = this.task(t);
      if (!k) break;
      out.push(k);
      next = this.u64(next);
    }
    return out;
  }

  /** Registers a task that is not on the hart saved in __switch_to (thread_struct ra, sp, s0..s11): S-mode. */
  switchContext(task: bigint): SavedContext | undefined {
    const l = this.layout();
    if (!l) return undefined;
    const th = task + BigInt(l.task.thread);
    const ra = this.u64(th + BigInt(l.thread.ra));
    const sp = this.u64(th + BigInt(l.thread.sp));
    if (ra === undefined || sp === undefined) return undefined;
    const regs: (bigint | undefined)[] = Array.from({ length: 32 }, () => undefined);
    regs[0] = 0n; regs[1] = ra; regs[2] = sp;
    // s0, s1 are x8, x9; s2..s11 are x18..x27
    for (let i = 0; i < 12; i++) regs[i < 2 ? 8 + i : 16 + i] = this.u64(th + BigInt(l.thread.s + 8 * i));
    regs[4] = task; // tp = current in the kernel
    return { pc: ra, regs, priv: 1 };
  }

  /** The task's kernel stack [low, high) (task_struct.stack, THREAD_SIZE). */
  stackRange(task: bigint): [bigint, bigint] | undefined {
    const l = this.layout();
    const s = l && this.u64(task + BigInt(l.task.stack));
    return l && s !== undefined && LinuxKernel.isKernelPtr(s) ? [s, s + BigInt(l.threadSize)] : undefined;
  }

  /**
   * The user context a task's trap frame holds (task_pt_regs: the struct pt_regs at the top of its kernel stack),
   * when the task entered the kernel from user mode (status.SPP = 0); x1..x31 follow epc in pt_regs.
   */
  userContext(task: bigint): SavedContext | undefined {
    const l = this.layout();
    const st = this.stackRange(task);
    if (!l || !st) return undefined;
    const pr = st[1] - BigInt(l.ptRegs.size);
    const status = this.u64(pr + BigInt(l.ptRegs.status));
    const epc = this.u64(pr + BigInt(l.ptRegs.epc));
    if (status === undefined || epc === undefined || (status & SR_SPP) !== 0n || epc === 0n || epc >= KERNEL_HALF) return undefined;
    const regs: (bigint | undefined)[] = [0n];
    for (let i = 1; i < 32; i++) regs.push(this.u64(pr + BigInt(l.ptRegs.ra + 8 * (i - 1))));
    return { pc: epc, regs, priv: 0 };
  }

  /** The user address the task's mm maps the vDSO text at (mm->context.vdso), when it has one. */
  vdsoBase(task: KernelTask): bigint | undefined {
    const l = this.layout();
    if (!l?.mm?.vdso || !task.mm) return undefined;
    const v = this.u64(task.mm + BigInt(l.mm.vdso));
    return v ? v : undefined;
  }

  /** mm->start_code (where a PIE's text was loaded). */
  startCode(task: KernelTask): bigint | undefined {
    const l = this.layout();
    if (l?.mm?.startCode === undefined || !task.mm) return undefined;
    return this.u64(task.mm + BigInt(l.mm.startCode));
  }

  /** An enumerator's value among the enums of the unit holding a function (or any unit). */
  enumerator(name: string, nearFunction?: string): bigint | undefined {
    const dw = this.dwarf;
    if (!dw) return undefined;
    const fn = nearFunction ? this.symbol(nearFunction) : undefined;
    const units = fn !== undefined ? [dw.unitForPc(fn)].filter((u) => !!u) : [];
    const scan = (d: Die): bigint | undefined => {
      for (const k of d.children) {
        if (k.tag === DW_TAG.enumeration_type) for (const e of k.children) if (e.tag === DW_TAG.enumerator && e.str(DW_AT.name) === name) return e.num(DW_AT.const_value);
      }
      return undefined;
    };
    for (const u of units) { const v = scan(u!.root); if (v !== undefined) return v; }
    return undefined;
  }

  /**
   * The vDSO data page: its type (struct vdso_data[CS_BASES] from vmlinux's DWARF), where the kernel keeps it
   * (the `vdso_data` pointer) and how many pages [vvar] spans below the vDSO text (enum vvar_pages).
   */
  vdsoData(): { type: CType; kernelAddr: bigint; vvarPages: number; count: number } | string {
    const t = this.type('vdso_data', DW_TAG.structure_type);
    if (!t) return 'vmlinux has no DWARF type struct vdso_data';
    const p = this.symbol('vdso_data');
    const kernelAddr = p !== undefined ? this.u64(p) : undefined;
    if (kernelAddr === undefined || !LinuxKernel.isKernelPtr(kernelAddr)) return `the kernel's vdso_data pointer is not readable${p !== undefined ? ` at ${hex(p)}` : ' (no symbol vdso_data)'}`;
    const count = Number(this.enumerator('CS_BASES', 'update_vsyscall') ?? 2n);
    const vvarPages = Number(this.enumerator('VVAR_NR_PAGES', 'arch_setup_additional_pages') ?? 2n);
    return { type: t, kernelAddr, vvarPages, count };
  }
}

// The memory map of the wasm execution core, shared by the AssemblyScript core (src/hart/core/) and the
// TypeScript side (src/hart/hart.ts). Plain untyped numeric constants, so both compilers accept this file:
// AssemblyScript infers i32, TypeScript infers number. All offsets are byte offsets in the wasm linear memory.
//
// Architectural state lives in memory (not in wasm globals) wherever the debugger must see it, so that
// TypeScript reads registers and CSRs through typed-array views without copying, and a snapshot is a copy
// of the STATE block plus RAM.

/** Start of the architectural state block. Everything up to STATE_END is saved by a snapshot. */
export const STATE = 0x10000;
/** x0..x31 as i64; slot 32 receives the writes to x0 (the decoder redirects them), so x0 stays zero. */
export const XREG = 0x10000;
/** f0..f31 as raw 64-bit patterns (singles NaN-boxed). */
export const FREG = 0x10200;
/** Miscellaneous 64-bit state words (see MISC_* indices, each 8 bytes). */
export const MISC = 0x10400;
export const MISC_PC = 0;
export const MISC_PRIV = 1;          // 0 = U, 1 = S, 3 = M
export const MISC_CYCLES = 2;        // instructions started (the hart's clock: `cycle`, virtual time, budgets)
export const MISC_RES_ADDR = 3;      // LR/SC reservation address (physical), -1 when none
export const MISC_FCSR = 4;          // fflags (bits 0..4) | frm (bits 5..7)
export const MISC_MTIMECMP = 6;      // CLINT mtimecmp
export const MISC_WFI = 7;           // 1 while waiting for an interrupt
export const MISC_EXIT_CAUSE = 8;    // details of the last exit (see EXIT_*), cause for traps
export const MISC_EXIT_A = 9;        //   trap: tval; watch: address; htif: tohost value
export const MISC_EXIT_B = 10;       //   trap: (fromPriv << 8) | toPriv; watch: (size << 8) | kind (1 = read, 2 = write)
export const MISC_EXIT_C = 11;       //   watch: old value
export const MISC_EXIT_D = 12;       //   trap/watch/breakpoint: pc of the instruction
export const MISC_TIME_MODE = 13;    // 0 = virtual (time from instret), 1 = host (time from the host clock)
export const MISC_TIME_DIV = 14;     // virtual time: one `time` tick per this many core cycles (MISC_CLOCK)
export const MISC_TIME_BASE = 15;    // virtual time: value of `time` when instret was 0
export const MISC_STOP_TRAPS = 16;   // bit c: exit after taking exception cause c
export const MISC_STOP_IRQS = 17;    // bit c: exit after taking interrupt cause c
export const MISC_FLAGS = 18;        // see FLAG_*
export const MISC_TOHOST = 19;       // physical address of the HTIF `tohost` word, 0 when none
export const MISC_LAST_PRIV = 20;    // privilege before the last trap / xret (for privilege-change stops)
export const MISC_WATCH_COUNT = 21;  // number of entries in WATCH
export const MISC_EXIT_E = 22;       //   watch: new value
export const MISC_SQUASHED = 23;     // instructions that trapped instead of retiring (instret = cycles - squashed)
export const MISC_CLOCK = 24;        // modelled core cycles (src/hart/cycles.ts): `cycle` and virtual time follow it
export const MISC_COST_TRAP = 25;    // cycles of taking a trap (set by the host from src/hart/cycles.ts)
export const MISC_COST_XRET = 26;    // cycles of an mret/sret beyond its class cost (idem)
/** Debug triggers (Sdtrig, src/hart/core/trigger.ts): trigger i's tdata1 at MISC_TRIG + 2i, tdata2 at MISC_TRIG + 2i + 1. */
export const MISC_TRIG = 32;
export const TRIG_N = 4;
/** CSR backing store: 4096 slots of 8 bytes, indexed by CSR number. Aliases (sstatus, sip, sie...) are views. */
export const CSRS = 0x11000;
export const STATE_END = 0x19000;

/** Watch ranges: WATCH_MAX entries of WATCH_ENTRY bytes. */
export const WATCH = 0x19000;
export const WATCH_MAX = 64;
export const WATCH_ENTRY = 24;
export const WATCH_START = 0;        // u64: first address
export const WATCH_END = 8;          // u64: end address (exclusive)
export const WATCH_KIND = 16;        // u64: 1 read, 2 write, 3 both; | WATCH_PHYSICAL: the range is physical
/** A watch range of physical addresses: every virtual alias of the memory hits it (reported with this bit). */
export const WATCH_PHYSICAL = 4;

/**
 * Software TLBs (fetch, load, store): TLB_N direct-mapped entries of TLB_ENTRY bytes, indexed by virtual page.
 * An entry's tag is the page's virtual address with the translation context it was made in in the low 12 bits
 * (src/hart/core/mmu.ts: privilege, SUM, MXR, address space); a lookup compares it with the page address ORed
 * with the TLB's current context (the u64 at TLB + TLB_CTX), so entries of other contexts miss without a flush.
 */
export const TLB_N = 256;
export const TLB_ENTRY = 16;
export const TLB_TAG = 0;            // i64: virtual address of the page | context, -1 when invalid
export const TLB_HOST = 8;           // u32: wasm address of the page
export const TLB_FLAGS = 12;         // u32: TLBF_GLOBAL | level of the leaf PTE << TLBF_LEVEL_SHIFT
export const TLBF_GLOBAL = 1;
export const TLBF_LEVEL_SHIFT = 1;
/** Offset (from ITLB, RTLB, WTLB) of the u64 context that TLB's lookups use now (after its TLB_N entries). */
export const TLB_CTX = 0x1000;
export const ITLB = 0x170000;
export const RTLB = 0x178000;
export const WTLB = 0x180000;
/** Address spaces the TLBs tell apart: slot s (1..TLB_SLOTS_N-1) holds the satp value (u64) it stands for. */
export const TLB_SLOTS = 0x188000;
export const TLB_SLOTS_N = 256;

/** Scratch area the host uses to pass buffers (decode requests, etc.). */
export const SCRATCH = 0x24000;
export const SCRATCH_SIZE = 0xc000;

/** Decode cache: DEC_N direct-mapped entries of DEC_ENTRY bytes, indexed by the host address of the instruction. */
export const DEC = 0x30000;
export const DEC_N = 65536;
export const DEC_ENTRY = 16;
export const DEC_TAG = 0;            // u32: host address of the instruction, 0 = empty
export const DEC_IMM = 4;            // i32: immediate (see Decoded.imm in src/isa/types.ts)
export const DEC_OP = 8;             // u8: op number (src/hart/core/ops.generated.ts), OP_BREAKPOINT for a breakpoint
export const DEC_CYCLES = 9;         // u8: the instruction's class cost (src/hart/cycles.ts)
export const DEC_RD = 10;            // u8 each: registers, rounding mode / aq-rl, instruction length in bytes
export const DEC_RS1 = 11;
export const DEC_RS2 = 12;
export const DEC_RS3 = 13;
export const DEC_RM = 14;
export const DEC_LEN = 15;
/** The core loads bytes DEC_OP..DEC_LEN as one u64 word; field F is byte (F - DEC_OP) of it. */
export const DEC_WORD = DEC_OP;
/** The op of a breakpointed decode entry (the decoder plants it; ops are one byte). */
export const OP_BREAKPOINT = 0xff;

/**
 * Block cache of the translator (src/hart/jit/): BLK_N direct-mapped entries of BLK_ENTRY bytes, indexed like
 * the decode cache by the host address of a block's first instruction. Fields: +0 tag u32 (host address,
 * 0 = empty), +4 state i32 (>= 0: function-table index of the compiled block; BLK_COUNTING: counting entries;
 * BLK_NEVER: not translatable), +8 instructions in one pass of the block u32, +12 entries counted u32.
 */
export const BLK = 0x190000;
export const BLK_N = 16384;
export const BLK_ENTRY = 16;
export const BLK_TAG = 0;            // u32: host address of the block's first instruction, 0 = empty
export const BLK_STATE = 4;          // i32: function-table index of the compiled block, or BLK_COUNTING / BLK_NEVER
export const BLK_PASS = 8;           // u32: instructions in one pass of the block
export const BLK_HITS = 12;          // u32: entries counted while BLK_COUNTING
export const BLK_COUNTING = -1;
export const BLK_NEVER = -2;
/** A compiled block stores here the number of instructions it executed (i32) before it returns the next pc. */
export const JIT_DONE = 0x1a000;
/** ... and here the cycles those instructions cost (u32, src/hart/cycles.ts). */
export const JIT_CYCLES = 0x1a004;
/** Incremented (u32) by every flush of the decode cache, which also empties the block cache. */
export const JIT_GEN = 0x1a008;
/**
 * Breakpoint filter: BP_FILTER_BITS bits, bit (a >> 1) & (BP_FILTER_BITS - 1) set for the address `a` of every
 * breakpoint (virtual, and physical; a physical address and its wasm address share those low bits). The core
 * asks the host about an instruction only when its virtual or wasm address hits a set bit: without
 * breakpoints, or away from them, it decodes by itself (src/hart/core/decode.generated.ts).
 */
export const BP_FILTER = 0x1b000;
export const BP_FILTER_BITS = 65536;
/**
 * Device accesses the host serves (src/hart/virt/): the core calls the `mmio` import for a physical address
 * that is neither RAM nor one of its own devices; for a load the host leaves the value here (u64).
 */
export const MMIO_DATA = 0x1a010;
/** Bits of the `mmio` import's answer: a device is there (else: access fault); interrupt lines changed. */
export const MMIO_HANDLED = 1;
export const MMIO_IRQ = 2;

/** Per-page flags for RAM pages (one byte per 4 KiB page): bit 0 = watched (accesses take the slow path). */
export const PAGEFLAGS = 0x130000;
export const PAGEFLAGS_SIZE = 0x40000;  // 262144 pages = 1 GiB of RAM at most
export const PF_WATCH = 1;
export const PF_TOUCHED = 2;            // written at least once (snapshots copy only touched pages)

/** Guest RAM: guest physical RAM_BASE maps to wasm offset RAM_OFF. */
export const RAM_OFF = 0x200000;
export const RAM_BASE = 0x80000000;

/** CLINT (as on QEMU's virt machine and Spike). */
export const CLINT_BASE = 0x2000000;
export const CLINT_SIZE = 0x10000;
/** SiFive test finisher (QEMU virt): write 0x5555 = pass, (code << 16) | 0x3333 = fail. */
export const FINISHER_BASE = 0x100000;

/** Reasons `run` returns. */
export const EXIT_BUDGET = 0;        // instruction budget used up
export const EXIT_BREAKPOINT = 1;    // about to execute a breakpointed instruction (pc in MISC_PC)
export const EXIT_WATCH = 2;         // an access hit a watch range (instruction completed)
export const EXIT_TRAP = 3;          // a trap selected by MISC_STOP_TRAPS / MISC_STOP_IRQS was taken
export const EXIT_HTIF = 4;          // the program wrote `tohost` (bare metal) or the test finisher
export const EXIT_SBI = 5;           // ecall from S-mode with FLAG_SBI_HOST: the host serves it (a7 = extension id)
export const EXIT_WFI = 6;           // wfi with no interrupt possible in virtual time, or host time mode
export const EXIT_PRIV = 7;          // privilege changed with FLAG_STOP_PRIV set
export const EXIT_HALT = 8;          // the host asked the core to stop (pause)
export const EXIT_FIRMWARE = 10;     // a trap into M-mode with FLAG_FW_HOST: the host plays the firmware (then mret)

/** MISC_FLAGS bits. */
export const FLAG_SBI_HOST = 1;      // S-mode ecall exits to the host instead of trapping to M-mode
export const FLAG_STOP_PRIV = 2;     // exit whenever the privilege mode changes
export const FLAG_SKIP_BP = 4;       // execute the instruction at pc even if it carries a breakpoint (once)
export const FLAG_FW_HOST = 8;       // traps into M-mode exit to the host (EXIT_FIRMWARE) after they are taken

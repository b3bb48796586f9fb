// The [vvar] data page: the layout of Linux 6.1's `struct vdso_data` (include/vdso/datapage.h) as built
// for riscv64 (LP64, no CONFIG_ARCH_HAS_VDSO_DATA, so `arch_data` is an empty struct of size 0).
//
// This module is the ONE place these offsets are written down. The guest build
// (scripts/build-guest.sh -> scripts/gen-datapage-header.ts) generates src/guest/vdso/datapage.generated.h
// from VDSO_DATA_FIELDS below, and the vDSO's C code uses that header. test/guest/build.oracle.ts compiles the
// generated struct with riscv64-linux-gnu-gcc and checks every field's offsetof against this module.
//
// Verified once by hand against the linux-source-6.1 tarball (include/vdso/datapage.h,
// arch/riscv/include/asm/vdso.h, arch/riscv/kernel/vdso.c, arch/riscv/kernel/vdso/vdso.lds.S):
//   seq 0, clock_mode 4, cycle_last 8, mask 16, mult 24, shift 28, basetime/offset[12] 32 (16 bytes each),
//   tz_minuteswest 224, tz_dsttime 228, hrtimer_res 232, __unused 236, arch_data 240 (size 0),
//   sizeof(struct vdso_data) == 240, two of them (CS_BASES) == 480 bytes at the start of the data page,
//   __VVAR_PAGES == 2, _vdso_data = vdso_base - 2 * PAGE_SIZE, _timens_data = _vdso_data + PAGE_SIZE.
//
// Semantics the kernel model must follow when writing the page (same as Linux's update_vsyscall):
//  * vd[CS_HRES_COARSE] carries seq, clock_mode, cycle_last, mask, mult, shift for the high-resolution
//    clocks, basetime[] for CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_TAI (hres) and
//    CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE (coarse), and tz_minuteswest, tz_dsttime, hrtimer_res.
//  * vd[CS_RAW] carries its own seq/clock_mode/cycle_last/mask/mult/shift and basetime[CLOCK_MONOTONIC_RAW].
//  * For the high-resolution clocks basetime[].nsec is in SHIFTED nanoseconds (ns << shift); the reader
//    computes ns = (nsec + ((time - cycle_last) & mask) * mult) >> shift, then carries whole seconds.
//    For the coarse clocks basetime[].nsec is plain nanoseconds and is returned as stored.
//  * A writer makes seq odd (and issues a write fence) before changing anything, and even again after.
//    Readers retry while seq is odd or changed across the read.
//  * clock_mode VDSO_CLOCKMODE_NONE makes the vDSO fall back to the real system call.
//  * A time-namespace page (not used by our model yet) has seq = 1, clock_mode = VDSO_CLOCKMODE_TIMENS and
//    offset[] in place of basetime[]; it is then mapped at the data page slot and the real data page in the
//    timens slot. The vDSO supports that layout like Linux does.

/**
 * Linux's PAGE_SIZE for the [vvar] layout. Written here rather than imported because the extension's views load
 * this module at activation, which must load nothing of src/isa or src/hart (test/extension/activation.test.ts);
 * test/isa/generated.test.ts checks it equals 1 << PAGE_SHIFT of the encoding module.
 */
export const PAGE_SIZE = 4096;

// Clock ids (include/uapi/linux/time.h).
export const CLOCK_REALTIME = 0;
export const CLOCK_MONOTONIC = 1;
export const CLOCK_PROCESS_CPUTIME_ID = 2;
export const CLOCK_THREAD_CPUTIME_ID = 3;
export const CLOCK_MONOTONIC_RAW = 4;
export const CLOCK_REALTIME_COARSE = 5;
export const CLOCK_MONOTONIC_COARSE = 6;
export const CLOCK_BOOTTIME = 7;
export const CLOCK_REALTIME_ALARM = 8;
export const CLOCK_BOOTTIME_ALARM = 9;
export const CLOCK_SGI_CYCLE = 10;
export const CLOCK_TAI = 11;
export const MAX_CLOCKS = 16;
export const VDSO_BASES = CLOCK_TAI + 1; // 12

export const CLOCK_NAMES: readonly string[] = [
  'CLOCK_REALTIME', 'CLOCK_MONOTONIC', 'CLOCK_PROCESS_CPUTIME_ID', 'CLOCK_THREAD_CPUTIME_ID',
  'CLOCK_MONOTONIC_RAW', 'CLOCK_REALTIME_COARSE', 'CLOCK_MONOTONIC_COARSE', 'CLOCK_BOOTTIME',
  'CLOCK_REALTIME_ALARM', 'CLOCK_BOOTTIME_ALARM', 'CLOCK_SGI_CYCLE', 'CLOCK_TAI',
];

/** Clock-id bit masks (BIT(clock_id)) selecting how the vDSO serves a clock. */
export const VDSO_HRES = (1 << CLOCK_REALTIME) | (1 << CLOCK_MONOTONIC) | (1 << CLOCK_BOOTTIME) | (1 << CLOCK_TAI); // 0x883
export const VDSO_COARSE = (1 << CLOCK_REALTIME_COARSE) | (1 << CLOCK_MONOTONIC_COARSE); // 0x060
export const VDSO_RAW = 1 << CLOCK_MONOTONIC_RAW; // 0x010
export const VDSO_ALL = VDSO_HRES | VDSO_COARSE | VDSO_RAW;

/** The two vdso_data entries at the start of the data page. */
export const CS_HRES_COARSE = 0;
export const CS_RAW = 1;
export const CS_BASES = CS_RAW + 1;

/** clock_mode values (include/vdso/clocksource.h, arch/riscv/include/asm/vdso/clocksource.h). */
export const VDSO_CLOCKMODE_NONE = 0;
export const VDSO_CLOCKMODE_ARCHTIMER = 1; // riscv: the `time` CSR
export const VDSO_CLOCKMODE_TIMENS = 0x7fffffff; // INT_MAX

/** Timer frequency of the modelled kernel and the coarse clocks' resolution (LOW_RES_NSEC = TICK_NSEC). */
export const HZ = 250;
export const NSEC_PER_SEC = 1_000_000_000;
export const TICK_NSEC = Math.floor((NSEC_PER_SEC + HZ / 2) / HZ); // 4_000_000
export const LOW_RES_NSEC = TICK_NSEC;
/** hrtimer_resolution with high-resolution timers on: 1 ns. */
export const HIGH_RES_NSEC = 1;

// Syscall numbers the vDSO falls back to (include/uapi/asm-generic/unistd.h, riscv64).
export const NR_GETTIMEOFDAY = 169;
export const NR_CLOCK_GETTIME = 113;
export const NR_CLOCK_GETRES = 114;
export const NR_RT_SIGRETURN = 139;
export const NR_GETCPU = 168;
export const NR_RISCV_FLUSH_ICACHE = 259; // __NR_arch_specific_syscall (244) + 15

/** struct vdso_timestamp { u64 sec; u64 nsec; } (and struct timens_offset { s64 sec; u64 nsec; }). */
export const VDSO_TIMESTAMP_SIZE = 16;
export const VDSO_TIMESTAMP_SEC = 0;
export const VDSO_TIMESTAMP_NSEC = 8;

export type CType = 'u32' | 's32' | 'u64' | 'struct vdso_timestamp' | 'struct arch_vdso_data';

export interface StructField {
  /** C member name. */
  name: string;
  ctype: CType;
  /** Byte offset in struct vdso_data. */
  offset: number;
  /** Size of one element in bytes. */
  size: number;
  /** Array length, 1 for scalars. */
  count: number;
  /** Another name for the same storage (the basetime/offset union). */
  alias?: string;
}

/** The members of struct vdso_data, in declaration order. */
export const VDSO_DATA_FIELDS: readonly StructField[] = [
  { name: 'seq', ctype: 'u32', offset: 0, size: 4, count: 1 },
  { name: 'clock_mode', ctype: 's32', offset: 4, size: 4, count: 1 },
  { name: 'cycle_last', ctype: 'u64', offset: 8, size: 8, count: 1 },
  { name: 'mask', ctype: 'u64', offset: 16, size: 8, count: 1 },
  { name: 'mult', ctype: 'u32', offset: 24, size: 4, count: 1 },
  { name: 'shift', ctype: 'u32', offset: 28, size: 4, count: 1 },
  { name: 'basetime', ctype: 'struct vdso_timestamp', offset: 32, size: VDSO_TIMESTAMP_SIZE, count: VDSO_BASES, alias: 'offset' },
  { name: 'tz_minuteswest', ctype: 's32', offset: 224, size: 4, count: 1 },
  { name: 'tz_dsttime', ctype: 's32', offset: 228, size: 4, count: 1 },
  { name: 'hrtimer_res', ctype: 'u32', offset: 232, size: 4, count: 1 },
  { name: '__unused', ctype: 'u32', offset: 236, size: 4, count: 1 },
  { name: 'arch_data', ctype: 'struct arch_vdso_data', offset: 240, size: 0, count: 1 },
];

export const VDSO_DATA_SEQ = 0;
export const VDSO_DATA_CLOCK_MODE = 4;
export const VDSO_DATA_CYCLE_LAST = 8;
export const VDSO_DATA_MASK = 16;
export const VDSO_DATA_MULT = 24;
export const VDSO_DATA_SHIFT = 28;
export const VDSO_DATA_BASETIME = 32;
export const VDSO_DATA_OFFSET = 32; // timens: same storage as basetime
export const VDSO_DATA_TZ_MINUTESWEST = 224;
export const VDSO_DATA_TZ_DSTTIME = 228;
export const VDSO_DATA_HRTIMER_RES = 232;
export const VDSO_DATA_UNUSED = 236;
export const VDSO_DATA_ARCH_DATA = 240;
/** sizeof(struct vdso_data) on riscv64. */
export const VDSO_DATA_SIZE = 240;
/** sizeof(struct vdso_data[CS_BASES]): the used part of the data page. */
export const VDSO_DATA_ARRAY_SIZE = VDSO_DATA_SIZE * CS_BASES; // 480

/** Byte offset of vd[entry].basetime[clock] (.sec; .nsec is 8 further) in the data page. */
export function basetimeOffset(entry: number, clock: number): number {
  return entry * VDSO_DATA_SIZE + VDSO_DATA_BASETIME + clock * VDSO_TIMESTAMP_SIZE;
}

/** Which vdso_data entry carries a clock's base time (CS_RAW for CLOCK_MONOTONIC_RAW), or -1 if none. */
export function clockEntry(clock: number): number {
  const bit = 1 << clock;
  if (clock < 0 || clock >= VDSO_BASES) return -1;
  if (bit & (VDSO_HRES | VDSO_COARSE)) return CS_HRES_COARSE;
  if (bit & VDSO_RAW) return CS_RAW;
  return -1;
}

// Mapping. The vDSO mapping is [vvar data page][vvar timens page][vDSO text...]: the text's base address
// vdso_base is what AT_SYSINFO_EHDR points to; the linker script defines _vdso_data = . - 2 * PAGE_SIZE.
export const VVAR_DATA_PAGE_OFFSET = 0;
export const VVAR_TIMENS_PAGE_OFFSET = 1;
export const VVAR_NR_PAGES = 2;
export const VVAR_SIZE = VVAR_NR_PAGES * PAGE_SIZE;
/** Distance from the data page to the vDSO text base (the data page is at vdso_base - this). */
export const VDSO_DATA_PAGE_DISTANCE = VVAR_NR_PAGES * PAGE_SIZE;

/** Address of the [vvar] data page (_vdso_data) for a vDSO text mapped at vdsoBase. */
export function vvarDataPage(vdsoBase: bigint): bigint {
  return vdsoBase - BigInt(VVAR_NR_PAGES * PAGE_SIZE);
}
/** Address of the time-namespace page (_timens_data) for a vDSO text mapped at vdsoBase. */
export function vvarTimensPage(vdsoBase: bigint): bigint {
  return vdsoBase - BigInt((VVAR_NR_PAGES - VVAR_TIMENS_PAGE_OFFSET) * PAGE_SIZE);
}

/** One decodable scalar in the data page, for a debugger's "vvar" view. */
export interface DataPageField {
  /** e.g. "vd[0].seq", "vd[0].basetime[CLOCK_REALTIME].nsec". */
  name: string;
  /** Byte offset from the start of the data page. */
  offset: number;
  /** 4 or 8. */
  size: number;
  /** vdso_data entry: CS_HRES_COARSE or CS_RAW. */
  entry: number;
  signed: boolean;
}

function describe(): DataPageField[] {
  const out: DataPageField[] = [];
  for (let entry = 0; entry < CS_BASES; entry++) {
    const base = entry * VDSO_DATA_SIZE;
    for (const f of VDSO_DATA_FIELDS) {
      if (f.size === 0) continue;
      if (f.ctype === 'struct vdso_timestamp') {
        for (let c = 0; c < f.count; c++) {
          const o = base + f.offset + c * f.size;
          out.push({ name: `vd[${entry}].${f.name}[${CLOCK_NAMES[c]}].sec`, offset: o, size: 8, entry, signed: false });
          out.push({ name: `vd[${entry}].${f.name}[${CLOCK_NAMES[c]}].nsec`, offset: o + 8, size: 8, entry, signed: false });
        }
      } else {
        out.push({ name: `vd[${entry}].${f.name}`, offset: base + f.offset, size: f.size, entry, signed: f.ctype === 's32' });
      }
    }
  }
  return out;
}

/** Every scalar of both vdso_data entries, in address order. */
export const DATAPAGE_FIELDS: readonly DataPageField[] = describe();

/** Decode the data page (or its first VDSO_DATA_ARRAY_SIZE bytes) into name -> value. */
export function decodeDataPage(page: Uint8Array): Map<string, bigint> {
  const dv = new DataView(page.buffer, page.byteOffset, page.byteLength);
  const out = new Map<string, bigint>();
  for (const f of DATAPAGE_FIELDS) {
    if (f.offset + f.size > page.byteLength) break;
    const v = f.size === 8
      ? dv.getBigUint64(f.offset, true)
      : BigInt(f.signed ? dv.getInt32(f.offset, true) : dv.getUint32(f.offset, true));
    out.set(f.name, v);
  }
  return out;
}

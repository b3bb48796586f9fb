// models kernel/time/vsyscall.c: update_vsyscall() and update_vsyscall_tz(), the ONLY writers of the [vvar]
// data page. A write makes vd[].seq odd (then a write fence, here: the host writes while the hart is
// stopped), changes the fields, and makes seq even again, so the vDSO's readers retry around it.
import type { Hart } from '../../hart/hart';
import * as D from '../vdso/datapage';
import type { Timekeeper } from './timekeeping';

function w32(hart: Hart, pa: bigint, v: number): void {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  hart.writePhys(pa, b, false);
}

function seqBegin(hart: Hart, vd: bigint): void {
  const seq = new DataView(hart.readPhys(vd + BigInt(D.VDSO_DATA_SEQ), 4).buffer).getUint32(0, true);
  w32(hart, vd + BigInt(D.VDSO_DATA_SEQ), (seq | 1) >>> 0 === seq ? seq + 2 : seq + 1);
}
function seqEnd(hart: Hart, vd: bigint): void {
  const seq = new DataView(hart.readPhys(vd + BigInt(D.VDSO_DATA_SEQ), 4).buffer).getUint32(0, true);
  w32(hart, vd + BigInt(D.VDSO_DATA_SEQ), (seq + 1) >>> 0);
}

const HRES_CLOCKS = [D.CLOCK_REALTIME, D.CLOCK_MONOTONIC, D.CLOCK_BOOTTIME, D.CLOCK_TAI];
const COARSE_CLOCKS = [D.CLOCK_REALTIME_COARSE, D.CLOCK_MONOTONIC_COARSE];

/** update_vsyscall(tk): publish the timekeeper into the data page at physical address `page`. */
export function updateVsyscall(hart: Hart, page: bigint, tk: Timekeeper, clockMode = D.VDSO_CLOCKMODE_ARCHTIMER): void {
  const vd0 = page + BigInt(D.CS_HRES_COARSE * D.VDSO_DATA_SIZE);
  const vd1 = page + BigInt(D.CS_RAW * D.VDSO_DATA_SIZE);
  seqBegin(hart, vd0);
  seqBegin(hart, vd1);
  const body = new Uint8Array(D.VDSO_DATA_ARRAY_SIZE);
  body.set(hart.readPhys(page, D.VDSO_DATA_ARRAY_SIZE));
  const dv = new DataView(body.buffer);
  for (const entry of [D.CS_HRES_COARSE, D.CS_RAW]) {
    const o = entry * D.VDSO_DATA_SIZE;
    dv.setInt32(o + D.VDSO_DATA_CLOCK_MODE, clockMode, true);
    dv.setBigUint64(o + D.VDSO_DATA_CYCLE_LAST, tk.cycleLast, true);
    dv.setBigUint64(o + D.VDSO_DATA_MASK, tk.mask, true);
    dv.setUint32(o + D.VDSO_DATA_MULT, Number(tk.mult), true);
    dv.setUint32(o + D.VDSO_DATA_SHIFT, Number(tk.shift), true);
  }
  const put = (entry: number, clock: number): void => {
    const t = tk.basetime(clock)!;
    const o = D.basetimeOffset(entry, clock);
    dv.setBigUint64(o + D.VDSO_TIMESTAMP_SEC, t.sec, true);
    dv.setBigUint64(o + D.VDSO_TIMESTAMP_NSEC, t.nsec, true);
  };
  for (const c of HRES_CLOCKS) put(D.CS_HRES_COARSE, c);
  for (const c of COARSE_CLOCKS) put(D.CS_HRES_COARSE, c);
  put(D.CS_RAW, D.CLOCK_MONOTONIC_RAW);
  dv.setInt32(D.VDSO_DATA_TZ_MINUTESWEST, tk.tzMinuteswest, true);
  dv.setInt32(D.VDSO_DATA_TZ_DSTTIME, tk.tzDsttime, true);
  dv.setUint32(D.VDSO_DATA_HRTIMER_RES, D.HIGH_RES_NSEC, true);
  // keep the (odd) seq words as they are now
  dv.setUint32(D.VDSO_DATA_SEQ, new DataView(hart.readPhys(vd0, 4).buffer).getUint32(0, true), true);
  dv.setUint32(D.VDSO_DATA_SIZE + D.VDSO_DATA_SEQ, new DataView(hart.readPhys(vd1, 4).buffer).getUint32(0, true), true);
  hart.writePhys(page, body, false);
  seqEnd(hart, vd1);
  seqEnd(hart, vd0);
}

/** update_vsyscall_tz(): settimeofday's timezone into vd[CS_HRES_COARSE]. */
export function updateVsyscallTz(hart: Hart, page: bigint, tk: Timekeeper): void {
  seqBegin(hart, page);
  const b = new Uint8Array(8);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, tk.tzMinuteswest, true);
  dv.setInt32(4, tk.tzDsttime, true);
  hart.writePhys(page + BigInt(D.VDSO_DATA_TZ_MINUTESWEST), b, false);
  seqEnd(hart, page);
}

// The devices on the physical bus besides RAM, as on QEMU's virt machine: the CLINT (msip, mtimecmp, mtime) and
// the SiFive test finisher here in the core; every other address that is not RAM goes to the host through the
// `mmio` import (the platform's devices in TypeScript: UART, PLIC... see src/hart/virt/), which answers whether a
// device is there. Nothing there: loads fault with a load access fault, stores with a store/AMO access fault
// (fetches and AMOs never reach devices: mmu.ts faults them). Device accesses are off the hot path: RAM never
// comes here. AssemblyScript.
import { CLINT_BASE, CLINT_SIZE, FINISHER_BASE, EXIT_HTIF, MMIO_DATA, MMIO_HANDLED, MMIO_IRQ } from '../layout';
import { csrGet, csrSet, misc, setMisc, requestExit, saveGlobals, MISC_MTIMECMP, MISC_EXIT_A } from './state';
import { readTime, writeTime, interruptsChanged } from './timer';
import { accessFault, ACC_LOAD, ACC_STORE } from './mmu';
import { CSR_MIP as MIP, MIP_MSIP, MIP_MSIP_SHIFT } from './encoding.generated';

/**
 * The host's devices: a load (write = 0, the value goes to MMIO_DATA) or a store of `size` bytes at physical
 * `pa`. Returns MMIO_HANDLED when a device is there, | MMIO_IRQ when the access changed interrupt lines (the
 * host then wrote mip's external-interrupt bits).
 */
@external('env', 'mmio')
declare function hostMmio(pa: u64, size: i32, write: i32, value: u64): i32;

function hostAccess(pa: u64, size: i32, write: i32, value: u64): bool {
  // the device may read the hart's state through the core's exports (the time: the RTC), and those load the
  // loop's globals from MISC: save them first, or a device read puts the hart back to where its run began
  saveGlobals();
  const r = hostMmio(pa, size, write, value);
  if ((r & MMIO_IRQ) != 0) interruptsChanged();
  return (r & MMIO_HANDLED) != 0;
}

/** Device load of `size` bytes at physical `pa` (not RAM); faults when no device is there. */
export function busLoad(pa: u64, size: i32, va: u64): u64 {
  if (pa >= <u64>CLINT_BASE && pa < <u64>(CLINT_BASE + CLINT_SIZE)) {
    const off = <u32>(pa - CLINT_BASE);
    let v: u64 = 0;
    let base: u32 = 0;
    if (off < 0x4000) { base = 0; v = (csrGet(MIP) & MIP_MSIP) >> MIP_MSIP_SHIFT; }
    else if (off >= 0x4000 && off < 0x4008) { base = 0x4000; v = misc(MISC_MTIMECMP); }
    else if (off >= 0xbff8) { base = 0xbff8; v = readTime(); }
    const sh = (off - base) * 8;
    v = v >> sh;
    if (size < 8) v &= (<u64>1 << (<u64>size * 8)) - 1;
    return v;
  }
  if (pa >= <u64>FINISHER_BASE && pa < <u64>(FINISHER_BASE + 0x1000)) return 0;
  if (hostAccess(pa, size, 0, 0)) {
    const v = load<u64>(MMIO_DATA);
    return size < 8 ? v & ((<u64>1 << (<u64>size * 8)) - 1) : v;
  }
  accessFault(ACC_LOAD, va);
  return 0;
}

/** Device store; faults when no device is there. */
export function busStore(pa: u64, size: i32, v: u64, va: u64): void {
  if (pa >= <u64>CLINT_BASE && pa < <u64>(CLINT_BASE + CLINT_SIZE)) {
    const off = <u32>(pa - CLINT_BASE);
    if (off < 0x4000) {
      if (off == 0) {
        const mip = csrGet(MIP);
        csrSet(MIP, (v & 1) != 0 ? mip | 8 : mip & ~<u64>8);
        interruptsChanged();
      }
      return;
    }
    if (off >= 0x4000 && off < 0x4008) {
      setMisc(MISC_MTIMECMP, mergeBytes(misc(MISC_MTIMECMP), off - 0x4000, size, v));
      interruptsChanged();
      return;
    }
    if (off >= 0xbff8) {
      writeTime(mergeBytes(readTime(), off - 0xbff8, size, v));
      interruptsChanged();
      return;
    }
    return;
  }
  if (pa >= <u64>FINISHER_BASE && pa < <u64>(FINISHER_BASE + 0x1000)) {
    const low = v & 0xffff;
    if (low == 0x5555) { setMisc(MISC_EXIT_A, 1); requestExit(EXIT_HTIF); }
    else if (low == 0x3333) { setMisc(MISC_EXIT_A, ((v >> 16) << 1) | 1); requestExit(EXIT_HTIF); }
    return;
  }
  if (hostAccess(pa, size, 1, v)) return;
  accessFault(ACC_STORE, va);
}

function mergeBytes(old: u64, byteOff: u32, size: i32, v: u64): u64 {
  const sh: u64 = <u64>byteOff * 8;
  const mask: u64 = size >= 8 ? <u64>-1 : ((<u64>1 << (<u64>size * 8)) - 1);
  return (old & ~(mask << sh)) | ((v & mask) << sh);
}


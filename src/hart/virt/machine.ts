// A machine compatible with QEMU's `virt` board (hw/riscv/virt.c's memory map), so unmodified firmware and
// kernels boot on our hart: RAM at 0x80000000, the CLINT at 0x2000000 and the SiFive test finisher at 0x100000
// (both in the core, ../core/bus.ts), the PLIC at 0xc000000, a 16550 UART at 0x10000000 on interrupt 10 and a
// goldfish RTC at 0x101000 on interrupt 11 (here, through the core's `mmio` import), and a device tree generated
// for it (fdt.ts).
//
// Boot as QEMU's -bios/-kernel/-initrd: the firmware at the start of RAM, the kernel at the next 2 MiB boundary
// after it, the initrd at kernel + min(RAM / 2, 128 MiB), the device tree at the last 2 MiB boundary below
// the end of RAM that it fits under; the hart starts in M-mode at the firmware with a0 = hart id, a1 = the
// device tree, a2 = a fw_dynamic_info block (OpenSBI's fw_dynamic reads it, fw_jump ignores it).
import { Hart, RAM_BASE, PRV_M, type HartOptions, type Exit } from '../hart';
import { CLINT_BASE, CLINT_SIZE, FINISHER_BASE, FLAG_FW_HOST } from '../layout';
import { CSR_MIP, MIP_MEIP, MIP_SEIP, IRQ_M_EXT, IRQ_S_EXT, IRQ_M_SOFT, IRQ_M_TIMER } from '../../isa/encoding.generated';
import { DeviceBus } from './bus';
import { Uart16550 } from './uart16550';
import { Plic, PLIC_SIZE } from './plic';
import { fdtNode, u64Cells, writeFdt, type FdtNode } from './fdt';
import { BuiltinSbi } from './sbi';
import { GoldfishRtc } from './goldfishrtc';

export const UART_BASE = 0x10000000n;
export const UART_IRQ = 10;
export const UART_CLOCK_HZ = 3686400;
export const RTC_BASE = 0x101000n;
export const RTC_IRQ = 11;
export const PLIC_BASE = 0xc000000n;
/** PLIC sources as QEMU's virt machine declares them (riscv,ndev). */
export const PLIC_SOURCES = 96;
export const MIB = 1024 * 1024;
/** OpenSBI's struct fw_dynamic_info (include/sbi/fw_dynamic_info.h in OpenSBI): magic "OSBI", version 2. */
export const FW_DYNAMIC_INFO_MAGIC = 0x4942534fn;
export const FW_DYNAMIC_INFO_VERSION = 2n;
/** Privilege the next stage runs in (fw_dynamic_info.next_mode): S-mode. */
const NEXT_MODE_S = 1n;

/** The ISA string the device tree announces: what the core implements (RV64GC, Zicsr, Zifencei, Sstc). */
export const RISCV_ISA = 'rv64imafdc_zicsr_zifencei_sstc';

export interface VirtImages {
  /**
   * M-mode firmware loaded at the start of RAM (OpenSBI's fw_jump.bin or fw_dynamic.bin), or 'builtin': the
   * host's minimal SBI (sbi.ts), the hart starting in S-mode at the kernel.
   */
  firmware: Uint8Array | 'builtin';
  /** The kernel (Linux's arch/riscv/boot/Image), loaded at the next 2 MiB boundary after the firmware. */
  kernel?: Uint8Array;
  initrd?: Uint8Array;
  /** Kernel command line (chosen/bootargs). */
  bootargs?: string;
}

export interface VirtOptions extends Omit<HartOptions, 'ramBytes'> {
  /** RAM in MiB (default 256, at most 1024). */
  memoryMiB?: number;
  /** Bytes the UART transmits (the guest's console). */
  console?: (bytes: Uint8Array) => void;
  /**
   * The real-time clock's time of day at power-on, in ns since the Unix epoch (default: the host's time of
   * day). The RTC then advances with the hart's time.
   */
  rtcEpochNs?: bigint;
}

/** Where boot put things (physical addresses). */
export interface VirtLayout {
  /** undefined with the built-in SBI. */
  firmware?: { start: bigint; end: bigint };
  kernel?: { start: bigint; end: bigint };
  initrd?: { start: bigint; end: bigint };
  fdt: { start: bigint; end: bigint };
  dynamicInfo: bigint;
}

export type VirtStop =
  | { kind: 'budget' }
  | { kind: 'poweroff'; code: number }
  | { kind: 'idle' }
  | { kind: 'hart'; exit: Exit };

const align = (v: bigint, a: bigint): bigint => (v + a - 1n) & ~(a - 1n);
const alignDown = (v: bigint, a: bigint): bigint => v & ~(a - 1n);

export class VirtMachine {
  readonly hart: Hart;
  readonly uart: Uart16550;
  readonly plic: Plic;
  readonly rtc: GoldfishRtc;
  readonly memoryBytes: number;
  private readonly bus = new DeviceBus();
  private pendingOut: number[] = [];
  /** The built-in SBI when booted with firmware 'builtin'. */
  private sbi: BuiltinSbi | undefined;

  constructor(opts: VirtOptions = {}) {
    const mib = opts.memoryMiB ?? 256;
    if (!Number.isInteger(mib) || mib < 16 || mib > 1024) throw new Error(`memory must be 16..1024 MiB (got ${mib})`);
    this.memoryBytes = mib * MIB;
    this.hart = new Hart({ ...opts, ramBytes: this.memoryBytes });
    const out = opts.console ?? ((b: Uint8Array) => process.stdout.write(b));
    // context 0: hart 0 M-mode (MEIP), context 1: hart 0 S-mode (SEIP), as on QEMU's virt machine
    this.plic = new Plic(PLIC_SOURCES, [
      (level) => this.hart.setExternalInterrupts(MIP_MEIP, level ? MIP_MEIP : 0n),
      (level) => this.hart.setExternalInterrupts(MIP_SEIP, level ? MIP_SEIP : 0n),
    ]);
    this.uart = new Uart16550((b) => {
      this.pendingOut.push(b);
      if (b === 0x0a || this.pendingOut.length >= 256) this.flushConsole(out);
    }, (level) => this.plic.setLevel(UART_IRQ, level));
    this.flush = () => this.flushConsole(out);
    const hz = BigInt(this.hart.timebaseHz);
    const hartNs = (): bigint => (this.hart.time * 1_000_000_000n) / hz;
    this.rtc = new GoldfishRtc(hartNs, opts.rtcEpochNs ?? BigInt(Date.now()) * 1_000_000n, (level) => this.plic.setLevel(RTC_IRQ, level));
    this.bus.map('rtc', RTC_BASE, this.rtc);
    this.bus.map('uart', UART_BASE, this.uart);
    this.bus.map('plic', PLIC_BASE, this.plic);
    this.hart.setMmioHandler(this.bus);
  }

  /** Write out console bytes held back for a whole line. */
  readonly flush: () => void;
  private flushConsole(out: (b: Uint8Array) => void): void {
    if (this.pendingOut.length === 0) return;
    const b = Uint8Array.from(this.pendingOut);
    this.pendingOut = [];
    out(b);
  }

  /** The device tree of this machine (chosen/bootargs and the initrd range when given). */
  deviceTree(chosen: { bootargs?: string; initrd?: { start: bigint; end: bigint } } = {}): FdtNode {
    const PH_CPU = 1, PH_INTC = 2, PH_PLIC = 3, PH_TEST = 4;
    const chosenProps: [string, string | number[]][] = [];
    if (chosen.bootargs !== undefined) chosenProps.push(['bootargs', chosen.bootargs]);
    chosenProps.push(['stdout-path', `/soc/serial@${UART_BASE.toString(16)}`]);
    if (chosen.initrd) {
      chosenProps.push(['linux,initrd-start', u64Cells(chosen.initrd.start)], ['linux,initrd-end', u64Cells(chosen.initrd.end)]);
    }
    return fdtNode('', [
      ['#address-cells', [2]], ['#size-cells', [2]],
      ['compatible', 'riscv-virtio'], ['model', 'riscv-virtio,riscv-vdso-lab'],
    ], [
      fdtNode('chosen', chosenProps),
      fdtNode('poweroff', [['value', [0x5555]], ['offset', [0]], ['regmap', [PH_TEST]], ['compatible', 'syscon-poweroff']]),
      fdtNode('reboot', [['value', [0x7777]], ['offset', [0]], ['regmap', [PH_TEST]], ['compatible', 'syscon-reboot']]),
      fdtNode(`memory@${RAM_BASE.toString(16)}`, [['device_type', 'memory'], ['reg', u64Cells(RAM_BASE, BigInt(this.memoryBytes))]]),
      fdtNode('cpus', [['#address-cells', [1]], ['#size-cells', [0]], ['timebase-frequency', [this.hart.timebaseHz]]], [
        fdtNode('cpu@0', [
          ['phandle', [PH_CPU]], ['device_type', 'cpu'], ['reg', [0]], ['status', 'okay'], ['compatible', 'riscv'],
          ['riscv,isa', RISCV_ISA], ['mmu-type', 'riscv,sv39'],
        ], [
          fdtNode('interrupt-controller', [
            ['#interrupt-cells', [1]], ['interrupt-controller', null], ['compatible', 'riscv,cpu-intc'], ['phandle', [PH_INTC]],
          ]),
        ]),
        fdtNode('cpu-map', [], [fdtNode('cluster0', [], [fdtNode('core0', [['cpu', [PH_CPU]]])])]),
      ]),
      fdtNode('soc', [['#address-cells', [2]], ['#size-cells', [2]], ['compatible', 'simple-bus'], ['ranges', null]], [
        fdtNode(`serial@${UART_BASE.toString(16)}`, [
          ['interrupts', [UART_IRQ]], ['interrupt-parent', [PH_PLIC]], ['clock-frequency', [UART_CLOCK_HZ]],
          ['reg', u64Cells(UART_BASE, BigInt(this.uart.size))], ['compatible', 'ns16550a'],
        ]),
        fdtNode(`rtc@${RTC_BASE.toString(16)}`, [
          ['interrupts', [RTC_IRQ]], ['interrupt-parent', [PH_PLIC]], ['reg', u64Cells(RTC_BASE, BigInt(this.rtc.size))],
          ['compatible', 'google,goldfish-rtc'],
        ]),
        fdtNode(`test@${FINISHER_BASE.toString(16)}`, [
          ['phandle', [PH_TEST]], ['reg', u64Cells(BigInt(FINISHER_BASE), 0x1000n)], ['compatible', ['sifive,test1', 'sifive,test0', 'syscon']],
        ]),
        fdtNode(`plic@${PLIC_BASE.toString(16)}`, [
          ['phandle', [PH_PLIC]], ['riscv,ndev', [PLIC_SOURCES]], ['reg', u64Cells(PLIC_BASE, BigInt(PLIC_SIZE))],
          ['interrupts-extended', [PH_INTC, IRQ_M_EXT, PH_INTC, IRQ_S_EXT]], ['interrupt-controller', null],
          ['compatible', ['sifive,plic-1.0.0', 'riscv,plic0']], ['#address-cells', [0]], ['#interrupt-cells', [1]],
        ]),
        fdtNode(`clint@${CLINT_BASE.toString(16)}`, [
          ['interrupts-extended', [PH_INTC, IRQ_M_SOFT, PH_INTC, IRQ_M_TIMER]], ['reg', u64Cells(BigInt(CLINT_BASE), BigInt(CLINT_SIZE))],
          ['compatible', ['sifive,clint0', 'riscv,clint0']],
        ]),
      ]),
    ]);
  }

  /** Load firmware, kernel, initrd and the device tree as QEMU does, and point the hart at the firmware. */
  boot(images: VirtImages): VirtLayout {
    const hart = this.hart;
    const ramEnd = RAM_BASE + BigInt(this.memoryBytes);
    const place = (what: string, start: bigint, data: Uint8Array): { start: bigint; end: bigint } => {
      const end = start + BigInt(data.length);
      if (start < RAM_BASE || end > ramEnd) {
        throw new Error(`the ${what} (${data.length} bytes at 0x${start.toString(16)}) does not fit in ${this.memoryBytes / MIB} MiB of RAM`);
      }
      hart.writePhys(start, data);
      return { start, end };
    };
    const builtin = images.firmware === 'builtin';
    const firmware = images.firmware === 'builtin' ? undefined : place('firmware', RAM_BASE, images.firmware);
    let kernel: { start: bigint; end: bigint } | undefined;
    let initrd: { start: bigint; end: bigint } | undefined;
    // where OpenSBI's fw_jump expects the kernel, and where QEMU puts it after a firmware; the built-in SBI
    // takes no RAM, the kernel goes to the same place so physical addresses match the OpenSBI boot
    const kernelStart = align(firmware?.end ?? RAM_BASE + 1n, 2n * BigInt(MIB));
    if (builtin && !images.kernel) throw new Error('the built-in SBI needs a kernel to start');
    if (images.kernel) kernel = place('kernel', kernelStart, images.kernel);
    if (images.initrd) {
      const off = BigInt(Math.min(this.memoryBytes / 2, 128 * MIB));
      initrd = place('initrd', kernelStart + off, images.initrd);
      if (kernel && initrd.start < kernel.end) throw new Error('the initrd overlaps the kernel: give the machine more memory');
    }
    const dtb = writeFdt(this.deviceTree({ bootargs: images.bootargs, initrd }));
    const top = ramEnd < 0xc0000000n ? ramEnd : 0xc0000000n; // below 3 GiB, as QEMU
    const fdtStart = alignDown(top - BigInt(dtb.length) - 64n, 2n * BigInt(MIB));
    const fdt = place('device tree', fdtStart, dtb);
    const dynamicInfo = align(fdt.end, 8n);
    const info = new Uint8Array(48);
    const dv = new DataView(info.buffer);
    [FW_DYNAMIC_INFO_MAGIC, FW_DYNAMIC_INFO_VERSION, kernelStart, NEXT_MODE_S, 0n, 0n].forEach((v, i) => dv.setBigUint64(i * 8, v, true));
    place('fw_dynamic_info', dynamicInfo, info);
    if (kernel && fdt.start < kernel.end) throw new Error('the device tree overlaps the kernel: give the machine more memory');
    if (initrd && fdt.start < initrd.end) throw new Error('the device tree overlaps the initrd: give the machine more memory');

    if (builtin) {
      this.sbi = new BuiltinSbi(hart, {
        putchar: (b) => { this.pendingOut.push(b); if (b === 0x0a) this.flush(); },
        getchar: () => this.uart.takeHostByte(),
      });
      // a trap that reaches M-mode has no firmware to run: the machine reports it
      hart.setFlag(FLAG_FW_HOST, true);
      this.sbi.enterKernel(kernelStart, fdt.start);
      return { firmware, kernel, initrd, fdt, dynamicInfo };
    }
    hart.priv = PRV_M;
    hart.pc = RAM_BASE;
    hart.setX(10, 0n); // a0: hart id
    hart.setX(11, fdt.start); // a1: device tree
    hart.setX(12, dynamicInfo); // a2: fw_dynamic_info
    return { firmware, kernel, initrd, fdt, dynamicInfo };
  }

  /** Bytes typed at the console. */
  input(bytes: Uint8Array): void { this.uart.input(bytes); }

  /**
   * Run at most `budget` instructions (up to 2^31 - 1). Ends early on power-off (the test finisher), when the
   * hart waits for an interrupt only the console can bring ('idle'), or on a hart exit the machine does not
   * handle (breakpoints, watchpoints, trap stops).
   */
  run(budget: number): VirtStop {
    let left = budget;
    try {
      for (;;) {
        const e = this.hart.run(left);
        left -= e.steps;
        this.rtc.poll(); // an alarm whose time has come
        if (e.kind === 'budget') return { kind: 'budget' };
        if (e.kind === 'htif') {
          // the finisher: 0x5555 = pass (the core reports 1), (code << 16) | 0x3333 = fail (code << 1 | 1)
          return { kind: 'poweroff', code: Number((e.value! >> 1n) & 0xffffn) };
        }
        if (e.kind === 'wfi') {
          if ((this.hart.csr(CSR_MIP) & (MIP_MEIP | MIP_SEIP)) !== 0n && left > 0) continue;
          return { kind: 'idle' };
        }
        if (e.kind === 'halt' && left > 0) continue;
        if (e.kind === 'sbi' && this.sbi) {
          const r = this.sbi.handle();
          if (r.kind === 'reset') return { kind: 'poweroff', code: r.code };
          if (left > 0) continue;
          return { kind: 'budget' };
        }
        return { kind: 'hart', exit: e };
      }
    } finally {
      this.flush();
    }
  }
}

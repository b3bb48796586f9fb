// A 16550A UART (National Semiconductor PC16550D data sheet; the register model QEMU's virt machine offers at
// 0x10000000): 8 byte-wide registers, the divisor latch behind LCR.DLAB, 16-byte FIFOs, the four interrupt
// sources with their IIR priorities, loopback through MCR. Transmission is instant (the byte goes to the host
// as it is written, so THR is always empty again); received bytes queue on the host side and enter the
// receive FIFO as it has room, so the guest never sees an overrun from typing or pasting.
//
// The host side honours hardware flow control: it sends only while the guest asserts RTS (MCR bit 1, the
// host's CTS). Linux's 8250 driver raises RTS when a process opens the port, after it has set up the FIFO and
// the interrupts, and drops it on hangup; so input typed or piped before the guest reads its console waits on
// the host instead of being lost to the driver's start-up (it resets the FIFO and reads RBR to clear it). A
// firmware polling with RTS low (OpenSBI's console_getchar: it sets MCR to 0) sees no input; the built-in
// SBI's getchar takes bytes from the host queue directly.
import type { MmioDevice } from './bus';

// register offsets (reg-shift 0)
export const RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;
export const IER_RDI = 0x01, IER_THRI = 0x02, IER_RLSI = 0x04, IER_MSI = 0x08;
export const IIR_NO_INT = 0x01, IIR_MSI = 0x00, IIR_THRI = 0x02, IIR_RDI = 0x04, IIR_RLSI = 0x06, IIR_FIFO_BITS = 0xc0;
export const FCR_ENABLE = 0x01, FCR_CLEAR_RCVR = 0x02, FCR_CLEAR_XMIT = 0x04;
export const LCR_DLAB = 0x80;
export const MCR_DTR = 0x01, MCR_RTS = 0x02, MCR_OUT1 = 0x04, MCR_OUT2 = 0x08, MCR_LOOP = 0x10;
export const LSR_DR = 0x01, LSR_OE = 0x02, LSR_THRE = 0x20, LSR_TEMT = 0x40;
export const MSR_DCTS = 0x01, MSR_DDSR = 0x02, MSR_TERI = 0x04, MSR_DDCD = 0x08, MSR_CTS = 0x10, MSR_DSR = 0x20, MSR_RI = 0x40, MSR_DCD = 0x80;

const FIFO_SIZE = 16;

export class Uart16550 implements MmioDevice {
  readonly size = 0x100;
  private ier = 0;
  private lcr = 0;
  private mcr = 0;
  private lsrErrors = 0; // OE, latched until LSR is read
  private msr = MSR_DCD | MSR_DSR | MSR_CTS; // a terminal is connected and ready
  private scr = 0;
  private dll = 0;
  private dlm = 0;
  private fifoEnabled = false;
  private rx: number[] = [];
  private readonly hostQueue: number[] = [];
  /** THR-empty interrupt pending (cleared by reading IIR while it is the source, or by writing THR). */
  private thrIpending = false;
  private lastIrq = false;

  /** `tx` receives every transmitted byte; `irq` is the interrupt line (level) to the PLIC. */
  constructor(private readonly tx: (byte: number) => void, private readonly irq: (level: boolean) => void) {}

  /** Bytes from the host's terminal: they enter the receive FIFO as it has room. */
  input(bytes: Uint8Array | readonly number[]): void {
    for (const b of bytes) this.hostQueue.push(b & 0xff);
    this.refill();
    this.update();
  }

  /** Take a typed byte that has not reached the receive FIFO yet (the firmware's console_getchar), or -1. */
  takeHostByte(): number {
    return this.hostQueue.length > 0 ? this.hostQueue.shift()! : -1;
  }

  /** Bytes typed but not yet read by the guest. */
  get queued(): number { return this.hostQueue.length + this.rx.length; }

  private rxCapacity(): number { return this.fifoEnabled ? FIFO_SIZE : 1; }

  private refill(): void {
    if (this.mcr & MCR_LOOP) return; // in loopback the receiver hears only the transmitter
    if (!(this.mcr & MCR_RTS)) return; // flow control: the host waits for RTS
    while (this.rx.length < this.rxCapacity() && this.hostQueue.length > 0) this.rx.push(this.hostQueue.shift()!);
  }

  private lsr(): number {
    return (this.rx.length > 0 ? LSR_DR : 0) | this.lsrErrors | LSR_THRE | LSR_TEMT;
  }

  /** The interrupt identification, highest priority first. */
  private iir(): number {
    const fifo = this.fifoEnabled ? IIR_FIFO_BITS : 0;
    if ((this.ier & IER_RLSI) && this.lsrErrors) return IIR_RLSI | fifo;
    if ((this.ier & IER_RDI) && this.rx.length > 0) return IIR_RDI | fifo;
    if ((this.ier & IER_THRI) && this.thrIpending) return IIR_THRI | fifo;
    if ((this.ier & IER_MSI) && (this.msr & 0x0f)) return IIR_MSI | fifo;
    return IIR_NO_INT | fifo;
  }

  private update(): void {
    // OUT2 gates the interrupt output on PC designs; QEMU's virt ignores it and so do we (Linux's 8250 driver
    // sets it anyway)
    const level = (this.iir() & IIR_NO_INT) === 0;
    if (level !== this.lastIrq) { this.lastIrq = level; this.irq(level); }
  }

  private modemStatusFromLoop(): void {
    const m = this.mcr;
    const nv = ((m & MCR_RTS) ? MSR_CTS : 0) | ((m & MCR_DTR) ? MSR_DSR : 0) | ((m & MCR_OUT1) ? MSR_RI : 0) | ((m & MCR_OUT2) ? MSR_DCD : 0);
    this.setMsrLines(nv);
  }

  private setMsrLines(lines: number): void {
    const old = this.msr & 0xf0;
    let delta = this.msr & 0x0f;
    if ((old ^ lines) & MSR_CTS) delta |= MSR_DCTS;
    if ((old ^ lines) & MSR_DSR) delta |= MSR_DDSR;
    if ((old ^ lines) & MSR_DCD) delta |= MSR_DDCD;
    if ((old & MSR_RI) && !(lines & MSR_RI)) delta |= MSR_TERI; // trailing edge of ring indicator
    this.msr = lines | delta;
  }

  read(off: number, size: number): bigint {
    let v = 0;
    for (let i = 0; i < size; i++) v |= this.readByte(off + i) << (8 * i);
    return BigInt(v >>> 0);
  }

  write(off: number, size: number, value: bigint): void {
    for (let i = 0; i < size; i++) this.writeByte(off + i, Number((value >> BigInt(8 * i)) & 0xffn));
  }

  private readByte(off: number): number {
    const dlab = (this.lcr & LCR_DLAB) !== 0;
    let v = 0;
    switch (off) {
      case RBR:
        if (dlab) return this.dll;
        v = this.rx.length > 0 ? this.rx.shift()! : 0;
        this.refill();
        break;
      case IER: return dlab ? this.dlm : this.ier;
      case IIR:
        v = this.iir();
        if ((v & 0x0f) === IIR_THRI) this.thrIpending = false;
        break;
      case LCR: return this.lcr;
      case MCR: return this.mcr;
      case LSR:
        v = this.lsr();
        this.lsrErrors = 0;
        break;
      case MSR:
        v = this.msr;
        this.msr &= 0xf0;
        break;
      case SCR: return this.scr;
      default: return 0;
    }
    this.update();
    return v;
  }

  private writeByte(off: number, v: number): void {
    const dlab = (this.lcr & LCR_DLAB) !== 0;
    switch (off) {
      case THR:
        if (dlab) { this.dll = v; return; }
        if (this.mcr & MCR_LOOP) {
          if (this.rx.length < this.rxCapacity()) this.rx.push(v); else this.lsrErrors |= LSR_OE;
        } else {
          this.tx(v);
        }
        // the byte left at once: THR is empty again, which is a new THR-empty event
        this.thrIpending = true;
        break;
      case IER: {
        if (dlab) { this.dlm = v; return; }
        const was = this.ier;
        this.ier = v & 0x0f;
        // enabling the THR-empty interrupt while THR is empty raises it
        if (!(was & IER_THRI) && (this.ier & IER_THRI)) this.thrIpending = true;
        break;
      }
      case FCR: {
        const enable = (v & FCR_ENABLE) !== 0;
        if (enable !== this.fifoEnabled || (v & FCR_CLEAR_RCVR)) this.rx = [];
        this.fifoEnabled = enable;
        this.refill();
        break;
      }
      case LCR: this.lcr = v; return;
      case MCR: {
        const wasLoop = (this.mcr & MCR_LOOP) !== 0;
        this.mcr = v & 0x1f;
        if (this.mcr & MCR_LOOP) this.modemStatusFromLoop();
        else if (wasLoop) this.setMsrLines(MSR_DCD | MSR_DSR | MSR_CTS);
        this.refill(); // RTS raised, or loopback left
        break;
      }
      case LSR: return; // factory test register: writes are ignored
      case MSR: return;
      case SCR: this.scr = v; return;
    }
    this.update();
  }
}

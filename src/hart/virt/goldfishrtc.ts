// The goldfish real-time clock (Android's goldfish virtual platform; QEMU's virt machine has one at 0x101000 on
// PLIC source 11): nanoseconds since the Unix epoch in two 32-bit halves, and one alarm. The register layout is
// Linux's include/clocksource/timer-goldfish.h, the behaviour what drivers/rtc/rtc-goldfish.c expects:
//   0x00 TIME_LOW     read: the low half of now, latching the high half; write: sets the clock to
//                     (the high half last written << 32) | value
//   0x04 TIME_HIGH    read: the high half latched by the last TIME_LOW read; write: the high half of a new time
//   0x08 ALARM_LOW    read: the alarm's low half; write: arms the alarm at (ALARM_HIGH << 32) | value
//   0x0c ALARM_HIGH   the alarm's high half
//   0x10 IRQ_ENABLED  1 lets a fired alarm raise the interrupt line
//   0x14 CLEAR_ALARM  write: disarms the alarm
//   0x18 ALARM_STATUS read: 1 while an alarm is armed and has not fired
//   0x1c CLEAR_INTERRUPT write: lowers the line after an alarm fired
//
// The clock is the host's time of day when the machine is made (or a given epoch, for reproducible runs),
// advanced by the hart's own time (`now` below): with the hart's virtual time the guest's real-time clock and
// its mtime move together, so a second in the guest is a second of RTC time.
import type { MmioDevice } from './bus';

export const RTC_TIME_LOW = 0x00, RTC_TIME_HIGH = 0x04, RTC_ALARM_LOW = 0x08, RTC_ALARM_HIGH = 0x0c;
export const RTC_IRQ_ENABLED = 0x10, RTC_CLEAR_ALARM = 0x14, RTC_ALARM_STATUS = 0x18, RTC_CLEAR_INTERRUPT = 0x1c;

const U32 = 0xffffffffn;

export class GoldfishRtc implements MmioDevice {
  readonly size = 0x1000;
  /** RTC time = now() + offset (ns). */
  private offset: bigint;
  private latchedHigh = 0n;
  private pendingHigh = 0n;
  private alarm = 0n;
  private alarmHigh = 0n;
  private alarmArmed = false;
  private irqEnabled = false;
  private irqPending = false;
  private lastIrq = false;

  /**
   * `now`: a monotonic clock in nanoseconds (the hart's time); `epochNs`: the time of day, in ns since the
   * epoch, that `now()` stands for at construction; `irq`: the interrupt line (level) to the PLIC.
   */
  constructor(private readonly now: () => bigint, epochNs: bigint, private readonly irq: (level: boolean) => void) {
    this.offset = epochNs - now();
  }

  /** The clock's current value in ns since the epoch. */
  get timeNs(): bigint { return this.now() + this.offset; }

  /** Fire the alarm if its time has come (the machine calls this as time passes). */
  poll(): void {
    if (this.alarmArmed && this.timeNs >= this.alarm) {
      this.alarmArmed = false;
      this.irqPending = true;
    }
    this.update();
  }

  private update(): void {
    const level = this.irqPending && this.irqEnabled;
    if (level !== this.lastIrq) { this.lastIrq = level; this.irq(level); }
  }

  read(off: number, size: number): bigint {
    if (size !== 4 && size !== 8) return 0n;
    const lo = this.read32(off);
    return size === 8 ? lo | (this.read32(off + 4) << 32n) : lo;
  }

  private read32(off: number): bigint {
    this.poll();
    switch (off) {
      case RTC_TIME_LOW: {
        const t = BigInt.asUintN(64, this.timeNs);
        this.latchedHigh = t >> 32n;
        return t & U32;
      }
      case RTC_TIME_HIGH: return this.latchedHigh;
      case RTC_ALARM_LOW: return this.alarm & U32;
      case RTC_ALARM_HIGH: return this.alarm >> 32n;
      case RTC_IRQ_ENABLED: return this.irqEnabled ? 1n : 0n;
      case RTC_ALARM_STATUS: return this.alarmArmed ? 1n : 0n;
      default: return 0n;
    }
  }

  write(off: number, size: number, value: bigint): void {
    if (size !== 4 && size !== 8) return;
    this.write32(off, value & U32);
    if (size === 8) this.write32(off + 4, (value >> 32n) & U32);
  }

  private write32(off: number, v: bigint): void {
    switch (off) {
      case RTC_TIME_LOW: this.offset = ((this.pendingHigh << 32n) | v) - this.now(); break;
      case RTC_TIME_HIGH: this.pendingHigh = v; break;
      case RTC_ALARM_LOW: this.alarm = (this.alarmHigh << 32n) | v; this.alarmArmed = true; break;
      case RTC_ALARM_HIGH: this.alarmHigh = v; break;
      case RTC_IRQ_ENABLED: this.irqEnabled = (v & 1n) !== 0n; break;
      case RTC_CLEAR_ALARM: this.alarmArmed = false; break;
      case RTC_CLEAR_INTERRUPT: this.irqPending = false; break;
      default: return;
    }
    this.poll();
  }
}

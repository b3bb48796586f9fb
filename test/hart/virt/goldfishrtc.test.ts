// The goldfish RTC against the register contract Linux's drivers/rtc/rtc-goldfish.c relies on, and its place in
// the virt machine (0x101000, PLIC source 11, in the device tree as QEMU's virt has it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GoldfishRtc, RTC_TIME_LOW, RTC_TIME_HIGH, RTC_ALARM_LOW, RTC_ALARM_HIGH, RTC_IRQ_ENABLED, RTC_CLEAR_ALARM,
  RTC_ALARM_STATUS, RTC_CLEAR_INTERRUPT,
} from '../../../src/hart/virt/goldfishrtc';
import { VirtMachine, RTC_BASE, RTC_IRQ } from '../../../src/hart/virt/machine';
import { writeFdt, readFdt, fdtFind, fdtString, fdtCells } from '../../../src/hart/virt/fdt';
import { enc } from '../helpers';

const EPOCH = 1_796_000_000_123_456_789n; // 2026-11-30, in ns

function rtc(): { r: GoldfishRtc; clock: { ns: bigint }; irq: boolean[] } {
  const clock = { ns: 5_000n };
  const irq: boolean[] = [];
  const r = new GoldfishRtc(() => clock.ns, EPOCH, (l) => irq.push(l));
  return { r, clock, irq };
}
const rd = (r: GoldfishRtc, off: number): bigint => r.read(off, 4);
const wr = (r: GoldfishRtc, off: number, v: bigint): void => r.write(off, 4, v);
const readTime = (r: GoldfishRtc): bigint => { const lo = rd(r, RTC_TIME_LOW); return (rd(r, RTC_TIME_HIGH) << 32n) | lo; };

test('the time is the epoch given, advancing with the clock behind it; TIME_LOW latches TIME_HIGH', () => {
  const { r, clock } = rtc();
  assert.equal(readTime(r), EPOCH);
  clock.ns += 1_500_000_000n;
  assert.equal(readTime(r), EPOCH + 1_500_000_000n);
  // the high half read after the low half belongs to the same instant, even across a carry
  const { r: r2, clock: c2 } = rtc();
  const carry = 0x1_0000_0000n - (EPOCH & 0xffffffffn) - 1n; // one ns before the low half wraps
  c2.ns += carry;
  const lo = rd(r2, RTC_TIME_LOW);
  c2.ns += 10n;
  assert.equal((rd(r2, RTC_TIME_HIGH) << 32n) | lo, EPOCH + carry);
});

test('setting the time (TIME_HIGH then TIME_LOW, as rtc-goldfish set_time) moves the clock, which keeps running', () => {
  const { r, clock } = rtc();
  const t = 1_000_000_000_000_000_000n;
  wr(r, RTC_TIME_HIGH, t >> 32n);
  wr(r, RTC_TIME_LOW, t & 0xffffffffn);
  assert.equal(readTime(r), t);
  clock.ns += 7n;
  assert.equal(readTime(r), t + 7n);
});

test('an alarm: armed by ALARM_LOW, fires when its time comes, interrupts only when enabled, cleared by CLEAR_INTERRUPT', () => {
  const { r, clock, irq } = rtc();
  const at = EPOCH + 1_000n;
  wr(r, RTC_ALARM_HIGH, at >> 32n);
  wr(r, RTC_ALARM_LOW, at & 0xffffffffn);
  wr(r, RTC_IRQ_ENABLED, 1n);
  assert.equal(rd(r, RTC_ALARM_STATUS), 1n, 'armed');
  assert.equal((rd(r, RTC_ALARM_HIGH) << 32n) | rd(r, RTC_ALARM_LOW), at);
  r.poll();
  assert.deepEqual(irq, [], 'not yet');
  clock.ns += 1_000n;
  r.poll();
  assert.deepEqual(irq, [true]);
  assert.equal(rd(r, RTC_ALARM_STATUS), 0n, 'fired alarms are no longer running');
  wr(r, RTC_CLEAR_INTERRUPT, 1n);
  assert.deepEqual(irq, [true, false]);
  // disarmed before its time: never fires; a fired alarm with the interrupt disabled keeps the line low
  wr(r, RTC_ALARM_LOW, ((at + 100n) & 0xffffffffn));
  wr(r, RTC_CLEAR_ALARM, 1n);
  clock.ns += 1_000n;
  r.poll();
  assert.deepEqual(irq, [true, false]);
  wr(r, RTC_IRQ_ENABLED, 0n);
  wr(r, RTC_ALARM_LOW, ((EPOCH + 2_000n) & 0xffffffffn));
  clock.ns += 1_000n;
  r.poll();
  assert.deepEqual(irq, [true, false]);
  wr(r, RTC_IRQ_ENABLED, 1n);
  assert.deepEqual(irq, [true, false, true], 'the pending alarm interrupts once enabled');
});

test('the machine: the RTC at 0x101000 on source 11 in the device tree, reading the host\'s time of day by default', () => {
  const before = BigInt(Date.now()) * 1_000_000n;
  const m = new VirtMachine({ memoryMiB: 16, console: () => {} });
  const after = BigInt(Date.now()) * 1_000_000n;
  const t = m.rtc.timeNs;
  assert.ok(t >= before && t <= after + 1_000_000_000n, `RTC ${t} vs host ${before}..${after}`);
  const dt = readFdt(writeFdt(m.deviceTree()));
  const node = fdtFind(dt.root, `/soc/rtc@${RTC_BASE.toString(16)}`);
  assert.ok(node, 'rtc node');
  assert.equal(fdtString(node.props.get('compatible')), 'google,goldfish-rtc');
  assert.deepEqual(fdtCells(node.props.get('interrupts')!), [RTC_IRQ]);
  assert.deepEqual(fdtCells(node.props.get('reg')!), [0, 0x101000, 0, 0x1000]);
  const fixed = new VirtMachine({ memoryMiB: 16, console: () => {}, rtcEpochNs: EPOCH });
  assert.equal(fixed.rtc.timeNs, EPOCH + (fixed.hart.time * 1_000_000_000n) / BigInt(fixed.hart.timebaseHz));
});

test('a guest reading the RTC in one long run: the device\'s look at the hart\'s time leaves the running hart where it is', () => {
  // 100 reads of TIME_LOW/TIME_HIGH in a loop, then the finisher. The RTC asks the core for the time from inside
  // the access; the core used to reload its loop state from the last run's start then (the hart went back to
  // the first instruction at each read and never finished).
  const T0 = 5, T1 = 6, T2 = 7, T3 = 28, T6 = 31, A2 = 12;
  const prog = [
    enc('lui', { rd: T0, imm: 0x101000 }),
    enc('addi', { rd: T1, imm: 100 }),
    enc('lw', { rd: T2, rs1: T0, imm: 0 }),
    enc('lw', { rd: T3, rs1: T0, imm: 4 }),
    enc('addi', { rd: T1, rs1: T1, imm: -1 }),
    enc('bne', { rs1: T1, rs2: 0, imm: -12 }),
    enc('lui', { rd: T6, imm: 0x100000 }),
    enc('lui', { rd: A2, imm: 0x5000 }),
    enc('addi', { rd: A2, rs1: A2, imm: 0x555 }),
    enc('sw', { rs1: T6, rs2: A2, imm: 0 }),
  ];
  const bytes = new Uint8Array(prog.length * 4);
  prog.forEach((w, i) => new DataView(bytes.buffer).setUint32(i * 4, w, true));
  const m = new VirtMachine({ memoryMiB: 16, console: () => {}, rtcEpochNs: EPOCH });
  m.boot({ firmware: bytes });
  assert.deepEqual(m.run(1_000_000), { kind: 'poweroff', code: 0 });
  assert.equal(m.hart.cycles, BigInt(2 + 4 * 100 + 4), 'every instruction once');
  const t = (m.hart.x(T3) << 32n) | m.hart.x(T2);
  assert.ok(t >= EPOCH && t < EPOCH + 1_000_000n, `the last read (${t}) is the epoch plus the run's few hundred ns`);
});

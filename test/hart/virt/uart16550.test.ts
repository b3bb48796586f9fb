// The 16550A UART against the PC16550D data sheet's register model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Uart16550, RBR, THR, IER, IIR, FCR, LCR, MCR, LSR, MSR, SCR, DLL, DLM, IER_RDI, IER_THRI, IIR_NO_INT, IIR_RDI, IIR_THRI,
  FCR_ENABLE, FCR_CLEAR_RCVR, LCR_DLAB, MCR_LOOP, MCR_RTS, MCR_DTR, MCR_OUT1, MCR_OUT2, LSR_DR, LSR_THRE, LSR_TEMT, LSR_OE,
  MSR_CTS, MSR_DSR, MSR_RI, MSR_DCD, MSR_DCTS,
} from '../../../src/hart/virt/uart16550';

function uart(): { u: Uart16550; out: number[]; irq: boolean[] } {
  const out: number[] = [];
  const irq: boolean[] = [];
  const u = new Uart16550((b) => out.push(b), (l) => irq.push(l));
  return { u, out, irq };
}
const rd = (u: Uart16550, off: number): number => Number(u.read(off, 1));
const wr = (u: Uart16550, off: number, v: number): void => u.write(off, 1, BigInt(v));

test('after reset: transmitter empty, no data, no interrupt, FIFOs off', () => {
  const { u } = uart();
  assert.equal(rd(u, LSR), LSR_THRE | LSR_TEMT);
  assert.equal(rd(u, IIR), IIR_NO_INT);
  assert.equal(rd(u, IER), 0);
  assert.equal(rd(u, LCR), 0);
});

test('THR writes go to the host, in order; the divisor latch hides behind LCR.DLAB', () => {
  const { u, out } = uart();
  for (const c of 'hi\n') wr(u, THR, c.charCodeAt(0));
  assert.deepEqual(out, [0x68, 0x69, 0x0a]);
  wr(u, LCR, LCR_DLAB | 3);
  wr(u, DLL, 0x0c);
  wr(u, DLM, 0x01);
  assert.equal(rd(u, DLL), 0x0c);
  assert.equal(rd(u, DLM), 0x01);
  assert.deepEqual(out, [0x68, 0x69, 0x0a], 'a DLL write transmits nothing');
  wr(u, LCR, 3);
  assert.equal(rd(u, IER), 0, 'IER is distinct from DLM');
  wr(u, SCR, 0xa5);
  assert.equal(rd(u, SCR), 0xa5);
});

test('flow control: host bytes wait until the guest raises RTS, and wait again while it is low', () => {
  const { u, irq } = uart();
  wr(u, IER, IER_RDI);
  u.input(new TextEncoder().encode('ab'));
  assert.equal(rd(u, LSR) & LSR_DR, 0, 'RTS low: nothing received');
  assert.equal(rd(u, RBR), 0, 'a read of RBR (as a driver clearing it at start-up) loses nothing');
  assert.deepEqual(irq, []);
  assert.equal(u.queued, 2);
  wr(u, MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
  assert.deepEqual(irq, [true], 'raising RTS lets the first byte in, which interrupts');
  wr(u, MCR, MCR_DTR | MCR_OUT2);
  assert.equal(rd(u, RBR), 0x61);
  assert.equal(rd(u, LSR) & LSR_DR, 0, 'RTS dropped: the second byte stays on the host');
  wr(u, MCR, MCR_RTS);
  assert.equal(rd(u, RBR), 0x62);
});

test('receive: without FIFOs one byte at a time, with FIFOs 16, the rest waits on the host side', () => {
  const { u } = uart();
  wr(u, MCR, MCR_RTS);
  u.input(new TextEncoder().encode('abc'));
  assert.equal(rd(u, LSR) & LSR_DR, LSR_DR);
  assert.equal(rd(u, RBR), 0x61);
  assert.equal(rd(u, RBR), 0x62);
  assert.equal(rd(u, RBR), 0x63);
  assert.equal(rd(u, LSR) & LSR_DR, 0, 'empty after three reads');
  wr(u, FCR, FCR_ENABLE);
  assert.equal(rd(u, IIR) & 0xc0, 0xc0, 'IIR bits 7:6 show the FIFOs');
  u.input(Uint8Array.from({ length: 40 }, (_, i) => i));
  const got: number[] = [];
  while (rd(u, LSR) & LSR_DR) got.push(rd(u, RBR));
  assert.deepEqual(got, Array.from({ length: 40 }, (_, i) => i), 'nothing lost, nothing reordered');
  u.input(Uint8Array.from([1, 2, 3]));
  wr(u, FCR, FCR_ENABLE | FCR_CLEAR_RCVR);
  assert.equal(u.queued, 0, 'clearing the receive FIFO drops its bytes');
});

test('interrupts: received data outranks THR empty; reading IIR clears THR empty; a THR write raises it again', () => {
  const { u, irq } = uart();
  wr(u, IER, IER_THRI);
  assert.equal(rd(u, IIR) & 0x0f, IIR_THRI, 'enabling the THR-empty interrupt with THR empty raises it');
  assert.equal(rd(u, IIR) & 0x0f, IIR_NO_INT, 'the IIR read that reported it cleared it');
  assert.deepEqual(irq, [true, false]);
  wr(u, THR, 0x41);
  assert.equal(rd(u, IIR) & 0x0f, IIR_THRI);
  wr(u, IER, IER_THRI | IER_RDI);
  wr(u, MCR, MCR_RTS);
  u.input(Uint8Array.from([0x42]));
  assert.equal(rd(u, IIR) & 0x0f, IIR_RDI);
  assert.equal(rd(u, RBR), 0x42);
  assert.equal(rd(u, IIR) & 0x0f, IIR_NO_INT);
  assert.equal(irq[irq.length - 1], false, 'the line is low with nothing pending');
  wr(u, IER, 0);
  u.input(Uint8Array.from([0x43]));
  assert.equal(rd(u, IIR) & 0x0f, IIR_NO_INT, 'a disabled source does not interrupt');
});

test('loopback: the transmitter feeds the receiver, MSR follows MCR, the host sees nothing', () => {
  const { u, out } = uart();
  wr(u, MCR, MCR_LOOP | MCR_RTS | MCR_DTR | MCR_OUT1 | MCR_OUT2);
  assert.equal(rd(u, MSR) & 0xf0, MSR_CTS | MSR_DSR | MSR_RI | MSR_DCD);
  wr(u, MCR, MCR_LOOP);
  const msr = rd(u, MSR);
  assert.equal(msr & 0xf0, 0);
  assert.ok(msr & MSR_DCTS, 'CTS changed: delta bit set');
  assert.equal(rd(u, MSR) & 0x0f, 0, 'deltas clear on read');
  wr(u, THR, 0x55);
  assert.deepEqual(out, []);
  assert.equal(rd(u, RBR), 0x55);
  wr(u, THR, 1);
  wr(u, THR, 2);
  assert.equal(rd(u, LSR) & LSR_OE, LSR_OE, 'without FIFOs the second byte overruns');
  assert.equal(rd(u, LSR) & LSR_OE, 0, 'OE clears on read');
  wr(u, MCR, 0);
  wr(u, THR, 0x58);
  assert.deepEqual(out, [0x58]);
});

test('wider accesses read consecutive registers', () => {
  const { u } = uart();
  wr(u, SCR, 0x11);
  assert.equal(u.read(4, 4), BigInt(((0x11 << 24) | ((MSR_CTS | MSR_DSR | MSR_DCD) << 16) | ((LSR_THRE | LSR_TEMT) << 8)) >>> 0));
});

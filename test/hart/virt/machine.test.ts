// The virt-compatible machine end to end on the core: a program in M-mode prints through the UART, takes the
// UART's receive interrupt through the PLIC, claims and completes it, echoes, and powers off through the test
// finisher. Plus the device tree it generates and the boot placement (QEMU's -bios/-kernel/-initrd rules).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enc } from '../helpers';
import { VirtMachine, UART_IRQ, PLIC_SOURCES, RISCV_ISA, FW_DYNAMIC_INFO_MAGIC } from '../../../src/hart/virt/machine';
import { writeFdt, readFdt, fdtFind, fdtString, fdtStrings, fdtCells, FdtError, fdtNode } from '../../../src/hart/virt/fdt';
import { RAM_BASE, PRV_M } from '../../../src/hart/hart';

const T0 = 5, T1 = 6, T2 = 7, T3 = 28, T4 = 29, T5 = 30, T6 = 31, A0 = 10, A1 = 11, A2 = 12;
const MTVEC = 0x305, MIE = 0x304, MSTATUS = 0x300;

function words(ws: number[]): Uint8Array {
  const b = new Uint8Array(ws.length * 4);
  const dv = new DataView(b.buffer);
  ws.forEach((w, i) => dv.setUint32(i * 4, w, true));
  return b;
}

/**
 * The echo program: prints 'A', enables the UART's receive interrupt at the PLIC for context 0 (M-mode), raises
 * RTS, waits.
 */
function echoProgram(): Uint8Array {
  const main = [
    enc('lui', { rd: T0, imm: 0x10000000 }),            // t0 = UART
    enc('addi', { rd: T1, imm: 0x41 }),
    enc('sb', { rs1: T0, rs2: T1, imm: 0 }),             // THR = 'A'
    enc('lui', { rd: T2, imm: 0xc000000 }),             // t2 = PLIC
    enc('addi', { rd: T3, imm: 1 }),
    enc('sw', { rs1: T2, rs2: T3, imm: 4 * UART_IRQ }),  // priority[10] = 1
    enc('lui', { rd: T4, imm: 0xc002000 }),
    enc('addi', { rd: T3, imm: 1 << UART_IRQ }),
    enc('sw', { rs1: T4, rs2: T3, imm: 0 }),             // enable context 0, source 10
    enc('addi', { rd: T3, imm: 1 }),
    enc('sb', { rs1: T0, rs2: T3, imm: 1 }),             // IER = received data
    enc('addi', { rd: T3, imm: 2 }),
    enc('sb', { rs1: T0, rs2: T3, imm: 4 }),             // MCR = RTS: the host may send
    enc('auipc', { rd: T5, imm: 0 }),
    enc('addi', { rd: T5, rs1: T5, imm: 4 * 9 }),        // the handler: right after main (auipc is main[13])
    enc('csrrw', { rs1: T5, csr: MTVEC }),
    enc('lui', { rd: T3, imm: 0x1000 }),
    enc('addi', { rd: T3, rs1: T3, imm: -0x800 }),       // MEIE
    enc('csrrw', { rs1: T3, csr: MIE }),
    enc('csrrsi', { rs1: 8, csr: MSTATUS }),             // MIE
    enc('wfi'),
    enc('jal', { imm: -4 }),
  ];
  const handler = [
    enc('lui', { rd: T4, imm: 0xc200000 }),
    enc('lw', { rd: A0, rs1: T4, imm: 4 }),              // claim (context 0)
    enc('lbu', { rd: A1, rs1: T0, imm: 0 }),             // RBR
    enc('addi', { rd: A1, rs1: A1, imm: 1 }),
    enc('sb', { rs1: T0, rs2: A1, imm: 0 }),             // echo the next letter
    enc('sw', { rs1: T4, rs2: A0, imm: 4 }),             // complete
    enc('lui', { rd: T6, imm: 0x100000 }),
    enc('lui', { rd: A2, imm: 0x5000 }),
    enc('addi', { rd: A2, rs1: A2, imm: 0x555 }),
    enc('sw', { rs1: T6, rs2: A2, imm: 0 }),             // finisher: pass
  ];
  assert.equal(main.length, 22, 'the handler follows main at index 22');
  return words([...main, ...handler]);
}

test('interrupt-driven UART through the PLIC on the core: print, wait, claim, echo, complete, power off', () => {
  const out: number[] = [];
  const m = new VirtMachine({ memoryMiB: 16, console: (b) => out.push(...b) });
  m.boot({ firmware: echoProgram() });
  assert.equal(m.hart.priv, PRV_M);
  assert.equal(m.hart.pc, RAM_BASE);
  const first = m.run(10_000);
  assert.equal(first.kind, 'idle', 'waiting for the console');
  assert.deepEqual(out, [0x41]);
  m.input(Uint8Array.from([0x61]));
  const second = m.run(10_000);
  assert.deepEqual(second, { kind: 'poweroff', code: 0 });
  assert.deepEqual(out, [0x41, 0x62]);
  assert.equal(m.hart.x(A0), BigInt(UART_IRQ), 'the claim returned the UART source');
  assert.equal(m.hart.csr(0x342), (1n << 63n) | 11n, 'mcause: machine external interrupt');
});

test('a device access outside every device window is an access fault', () => {
  const m = new VirtMachine({ memoryMiB: 16, console: () => undefined });
  m.boot({
    firmware: words([
      enc('lui', { rd: T0, imm: 0x10001000 }), // past the UART's 256-byte window
      enc('lw', { rd: T1, rs1: T0, imm: 0 }),
    ]),
  });
  m.hart.setCsr(MTVEC, RAM_BASE + 0x100n);
  m.hart.setTrapStops(1n << 5n, 0n);
  const r = m.run(10);
  assert.equal(r.kind, 'hart');
  assert.equal(r.kind === 'hart' && r.exit.trap?.code, 5, 'load access fault');
  assert.equal(m.hart.csr(0x343), 0x10001000n, 'mtval');
});

test('boot places firmware, kernel, initrd and device tree as QEMU does, with a0/a1/a2', () => {
  const m = new VirtMachine({ memoryMiB: 256, console: () => undefined });
  const fw = new Uint8Array(300 * 1024).fill(1);
  const kernel = new Uint8Array(3 * 1024 * 1024).fill(2);
  const initrd = new Uint8Array(1000).fill(3);
  const l = m.boot({ firmware: fw, kernel, initrd, bootargs: 'console=ttyS0' });
  assert.equal(l.kernel!.start, 0x80200000n);
  assert.equal(l.initrd!.start, 0x80200000n + 128n * 1024n * 1024n);
  assert.equal(l.fdt.start % (2n * 1024n * 1024n), 0n);
  assert.ok(l.fdt.end <= RAM_BASE + 256n * 1024n * 1024n);
  assert.deepEqual([m.hart.x(10), m.hart.x(11), m.hart.x(12)], [0n, l.fdt.start, l.dynamicInfo]);
  assert.equal(m.hart.readPhys64(l.dynamicInfo), FW_DYNAMIC_INFO_MAGIC);
  assert.equal(m.hart.readPhys64(l.dynamicInfo + 16n), 0x80200000n, 'next_addr = the kernel');
  assert.equal(m.hart.readPhys(l.initrd!.start, 1)[0], 3);
  const dt = readFdt(m.hart.readPhys(l.fdt.start, Number(l.fdt.end - l.fdt.start)));
  const chosen = fdtFind(dt.root, '/chosen')!;
  assert.equal(fdtString(chosen.props.get('bootargs')), 'console=ttyS0');
  assert.deepEqual(fdtCells(chosen.props.get('linux,initrd-start')!), [0, 0x88200000]);
  assert.deepEqual(fdtCells(chosen.props.get('linux,initrd-end')!), [0, 0x88200000 + 1000]);
  assert.throws(() => new VirtMachine({ memoryMiB: 16 }).boot({ firmware: fw, kernel: new Uint8Array(20 * 1024 * 1024) }), /does not fit in 16 MiB/);
});

test('the device tree describes the machine: Sv39 only, the ISA, timebase, UART on the PLIC, CLINT, finisher', () => {
  const m = new VirtMachine({ memoryMiB: 128, console: () => undefined });
  const dt = readFdt(writeFdt(m.deviceTree({ bootargs: 'x' })));
  const cpu = fdtFind(dt.root, '/cpus/cpu@0')!;
  assert.equal(fdtString(cpu.props.get('mmu-type')), 'riscv,sv39');
  assert.equal(fdtString(cpu.props.get('riscv,isa')), RISCV_ISA);
  assert.deepEqual(fdtCells(fdtFind(dt.root, '/cpus')!.props.get('timebase-frequency')!), [10_000_000]);
  assert.deepEqual(fdtCells(fdtFind(dt.root, '/memory@80000000')!.props.get('reg')!), [0, 0x80000000, 0, 128 << 20]);
  const uart = fdtFind(dt.root, '/soc/serial@10000000')!;
  assert.equal(fdtString(uart.props.get('compatible')), 'ns16550a');
  assert.deepEqual(fdtCells(uart.props.get('interrupts')!), [UART_IRQ]);
  const plic = fdtFind(dt.root, '/soc/plic@c000000')!;
  assert.deepEqual(fdtCells(uart.props.get('interrupt-parent')!), fdtCells(plic.props.get('phandle')!));
  assert.deepEqual(fdtCells(plic.props.get('riscv,ndev')!), [PLIC_SOURCES]);
  const intc = fdtFind(dt.root, '/cpus/cpu@0/interrupt-controller')!;
  const ph = fdtCells(intc.props.get('phandle')!)[0];
  assert.deepEqual(fdtCells(plic.props.get('interrupts-extended')!), [ph, 11, ph, 9], 'M and S external interrupts');
  assert.deepEqual(fdtCells(fdtFind(dt.root, '/soc/clint@2000000')!.props.get('interrupts-extended')!), [ph, 3, ph, 7]);
  assert.deepEqual(fdtStrings(fdtFind(dt.root, '/soc/test@100000')!.props.get('compatible')!), ['sifive,test1', 'sifive,test0', 'syscon']);
  assert.equal(fdtString(fdtFind(dt.root, '/chosen')!.props.get('stdout-path')), '/soc/serial@10000000');
});

test('FDT writer and reader: round trip, reservations, and malformed blobs are FdtErrors', () => {
  const blob = writeFdt(fdtNode('', [['a', [1, 2]], ['b', 'x'], ['c', null], ['d', ['p', 'q']]], [fdtNode('n@1', [['a', [3]]])]),
    { reserved: [{ address: 0x80000000n, size: 0x1000n }] });
  const dt = readFdt(blob);
  assert.equal(dt.version, 17);
  assert.deepEqual(dt.reserved, [{ address: 0x80000000n, size: 0x1000n }]);
  assert.deepEqual(fdtCells(dt.root.props.get('a')!), [1, 2]);
  assert.equal(dt.root.props.get('c')!.length, 0);
  assert.deepEqual(fdtStrings(dt.root.props.get('d')!), ['p', 'q']);
  assert.deepEqual(fdtCells(fdtFind(dt.root, '/n@1')!.props.get('a')!), [3]);
  assert.throws(() => readFdt(blob.slice(0, 20)), FdtError);
  const bad = blob.slice();
  bad[0] = 0;
  assert.throws(() => readFdt(bad), /magic/);
  for (let i = 40; i < blob.length; i += 3) {
    const f = blob.slice();
    f[i] ^= 0xff;
    try { readFdt(f); } catch (e) { assert.ok(e instanceof FdtError, `byte ${i}: ${String(e)}`); }
  }
  assert.throws(() => writeFdt(fdtNode('', [['a', [-1]]])), /32-bit/);
});

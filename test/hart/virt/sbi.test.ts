// The built-in SBI on the core: a "kernel" in S-mode makes SBI calls (base, legacy console, TIME with Sstc,
// SRST) and the machine answers as the SBI v1.0 specification says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enc } from '../helpers';
import { VirtMachine } from '../../../src/hart/virt/machine';
import { EXT_BASE, EXT_TIME, EXT_SRST, SBI_SPEC_VERSION, SBI_IMPL_ID, SBI_ERR_NOT_SUPPORTED } from '../../../src/hart/virt/sbi';
import { PRV_S } from '../../../src/hart/hart';

const A0 = 10, A1 = 11, A6 = 16, A7 = 17, S0 = 8, S1 = 9, S2 = 18, S3 = 19, S4 = 20;

function words(ws: number[]): Uint8Array {
  const b = new Uint8Array(ws.length * 4);
  const dv = new DataView(b.buffer);
  ws.forEach((w, i) => dv.setUint32(i * 4, w, true));
  return b;
}
/** li for values that fit 32 bits signed (lui + addi). */
function li(rd: number, v: number): number[] {
  const lo = ((v & 0xfff) << 20) >> 20;
  const hi = (v - lo) | 0;
  return hi === 0 ? [enc('addi', { rd, imm: lo })] : [enc('lui', { rd, imm: hi }), enc('addiw', { rd, rs1: rd, imm: lo })];
}
const call = (ext: bigint, fid: number, a0 = 0): number[] => [...li(A7, Number(ext)), ...li(A6, fid), ...li(A0, a0), enc('ecall')];

test('built-in SBI: spec version, impl id, probe, legacy putchar, set_timer through stimecmp, SRST shutdown', () => {
  const out: number[] = [];
  const prog = [
    ...call(EXT_BASE, 0), enc('addi', { rd: S0, rs1: A1 }),            // s0 = spec version
    ...call(EXT_BASE, 1), enc('addi', { rd: S1, rs1: A1 }),            // s1 = impl id
    ...call(EXT_TIME, 0x3 /* not a TIME function */), enc('addi', { rd: S2, rs1: A0 }), // s2 = error
    ...call(EXT_BASE, 3, Number(EXT_SRST)), enc('addi', { rd: S3, rs1: A1 }), // s3 = probe(SRST)
    ...call(1n, 0, 0x4f), ...call(1n, 0, 0x4b), ...call(1n, 0, 0x0a),    // legacy putchar "OK\n"
    ...call(EXT_TIME, 0, 0x12345), enc('csrrs', { rd: S4, csr: 0x14d }), // s4 = stimecmp
    ...call(EXT_SRST, 0, 0),                                            // shutdown
    enc('jal', { imm: 0 }),
  ];
  const m = new VirtMachine({ memoryMiB: 64, console: (b) => out.push(...b) });
  const layout = m.boot({ firmware: 'builtin', kernel: words(prog) });
  assert.equal(layout.firmware, undefined);
  assert.equal(m.hart.priv, PRV_S, 'the kernel starts in S-mode');
  assert.equal(m.hart.pc, 0x80200000n);
  assert.equal(m.hart.x(11), layout.fdt.start, 'a1 = the device tree');
  const r = m.run(10_000);
  assert.deepEqual(r, { kind: 'poweroff', code: 0 });
  assert.equal(m.hart.x(S0), SBI_SPEC_VERSION);
  assert.equal(m.hart.x(S1), SBI_IMPL_ID);
  assert.equal(m.hart.x(S2), BigInt.asUintN(64, SBI_ERR_NOT_SUPPORTED));
  assert.equal(m.hart.x(S3), 1n);
  assert.equal(m.hart.x(S4), 0x12345n);
  assert.equal(new TextDecoder().decode(Uint8Array.from(out)), 'OK\n');
});

test('built-in SBI: a trap that reaches M-mode stops the machine instead of running nothing', () => {
  const m = new VirtMachine({ memoryMiB: 64, console: () => undefined });
  m.boot({ firmware: 'builtin', kernel: words([enc('csrrs', { rd: A0, csr: 0x300 })]) }); // mstatus from S: illegal
  m.hart.setCsr(0x302, 0n); // nothing delegated
  const r = m.run(100);
  assert.equal(r.kind, 'hart');
  assert.equal(r.kind === 'hart' && r.exit.kind, 'firmware');
});

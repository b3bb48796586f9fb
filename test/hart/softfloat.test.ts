// Tests of the integer-only IEEE 754 layer (src/hart/core/softfloat.ts) and of execFp (src/hart/core/fpu.ts):
// unit cases from the standard and the RISC-V F/D chapters, the committed RISC-V reference vectors
// (test/fixtures/fp/vectors.txt, made by fpvec.c under qemu-riscv64), and random differential tests against
// the host's own round-to-nearest-even arithmetic.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { softfloat, checkVectors, compileAs, FPU_ENTRY, opNumbers, type WasmExports } from './softfloat.harness';

const RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;
const NV = 16, DZ = 8, OF = 4, UF = 2, NX = 1;
const QNAN_S = 0x7fc00000, QNAN_D = 0x7ff8000000000000n;

let sf: WasmExports;
before(async () => { sf = await softfloat(); });

const dv = new DataView(new ArrayBuffer(8));
const d = (x: number): bigint => { dv.setFloat64(0, x); return dv.getBigUint64(0); };
const D = (b: bigint): number => { dv.setBigUint64(0, BigInt.asUintN(64, b)); return dv.getFloat64(0); };
const s = (x: number): number => { dv.setFloat32(0, x); return dv.getUint32(0); };
const S = (b: number): number => { dv.setUint32(0, b >>> 0); return dv.getFloat32(0); };
const u64 = (b: bigint): bigint => BigInt.asUintN(64, b);

/** Run an f64 op; returns [result bits, flags]. */
function r64(name: string, ...args: (bigint | number)[]): [bigint, number] {
  sf.setFlags(0);
  const r = sf[name](...args);
  return [u64(BigInt(r)), sf.getFlags()];
}
function r32(name: string, ...args: (number | bigint)[]): [number, number] {
  sf.setFlags(0);
  const r = sf[name](...args);
  return [Number(r) >>> 0, sf.getFlags()];
}

test('committed RISC-V reference vectors all agree (results and flags)', () => {
  const text = readFileSync(join(__dirname, '..', 'fixtures', 'fp', 'vectors.txt'), 'utf8');
  const res = checkVectors(sf, text);
  assert.ok(res.total > 10000, `only ${res.total} vectors`);
  assert.deepEqual(res.failures, [], `${res.failures.length} of ${res.total} vectors disagree`);
});

test('rounding modes on exact halfway cases (double)', () => {
  // 1 + 2^-53 is exactly halfway between 1 and 1 + 2^-52
  const one = d(1), half = d(2 ** -53), next = d(1 + 2 ** -52);
  assert.deepEqual(r64('f64_add', one, half, RNE), [one, NX]);          // ties to even (1)
  assert.deepEqual(r64('f64_add', one, half, RTZ), [one, NX]);
  assert.deepEqual(r64('f64_add', one, half, RDN), [one, NX]);
  assert.deepEqual(r64('f64_add', one, half, RUP), [next, NX]);
  assert.deepEqual(r64('f64_add', one, half, RMM), [next, NX]);         // ties away
  // (1 + 2^-52) + 2^-53: halfway with odd lsb -> RNE rounds up
  const next2 = d(1 + 2 * 2 ** -52);
  assert.deepEqual(r64('f64_add', next, half, RNE), [next2, NX]);
  // negative halfway: -1 - 2^-53
  const mone = d(-1), mnext = d(-(1 + 2 ** -52));
  assert.deepEqual(r64('f64_sub', mone, half, RNE), [mone, NX]);
  assert.deepEqual(r64('f64_sub', mone, half, RTZ), [mone, NX]);
  assert.deepEqual(r64('f64_sub', mone, half, RDN), [mnext, NX]);
  assert.deepEqual(r64('f64_sub', mone, half, RUP), [mone, NX]);
  assert.deepEqual(r64('f64_sub', mone, half, RMM), [mnext, NX]);
  // near halfway: just above / just below the tie
  const above = d(2 ** -53 + 2 ** -105), below = d(2 ** -53 - 2 ** -106);
  assert.deepEqual(r64('f64_add', one, above, RNE), [next, NX]);
  assert.deepEqual(r64('f64_add', one, below, RNE), [one, NX]);
  assert.deepEqual(r64('f64_add', one, below, RMM), [one, NX]);
  assert.deepEqual(r64('f64_add', one, below, RUP), [next, NX]);
  // exact results raise nothing
  assert.deepEqual(r64('f64_add', d(1.5), d(2.25), RNE), [d(3.75), 0]);
});

test('rounding modes on halfway cases (single) and through conversions', () => {
  const one = s(1), half = s(2 ** -24), next = s(1 + 2 ** -23);
  const want = [one, one, one, next, next];
  for (let rm = 0; rm < 5; rm++) assert.deepEqual(r32('f32_add', one, half, rm), [want[rm], NX], `rm ${rm}`);
  // 2^24 + 1 is halfway between representable singles 2^24 and 2^24 + 2
  assert.deepEqual(r32('i32_to_f32', 16777217, RNE), [s(16777216), NX]);
  assert.deepEqual(r32('i32_to_f32', 16777217, RMM), [s(16777218), NX]);
  assert.deepEqual(r32('i32_to_f32', 16777217, RUP), [s(16777218), NX]);
  assert.deepEqual(r32('i32_to_f32', -16777217, RDN), [s(-16777218), NX]);
  assert.deepEqual(r32('i32_to_f32', -16777217, RTZ), [s(-16777216), NX]);
  // float -> int: 2.5 and -2.5 in every mode
  const w = [2, 2, 2, 3, 3], mw = [-2, -2, -3, -2, -3];
  for (let rm = 0; rm < 5; rm++) {
    assert.deepEqual(r64('f64_to_i64', d(2.5), rm), [BigInt(w[rm]), NX], `2.5 rm ${rm}`);
    assert.deepEqual(r64('f64_to_i64', d(-2.5), rm), [u64(BigInt(mw[rm])), NX], `-2.5 rm ${rm}`);
  }
  assert.deepEqual(r64('f64_to_i64', d(3.5), RNE), [4n, NX]);
  // f64 -> f32 halfway
  assert.deepEqual(r32('f64_to_f32', d(1 + 2 ** -24), RNE), [one, NX]);
  assert.deepEqual(r32('f64_to_f32', d(1 + 2 ** -24), RMM), [next, NX]);
});

test('overflow goes to infinity or the largest finite number by rounding mode', () => {
  const max = d(Number.MAX_VALUE), inf = d(Infinity), minf = d(-Infinity), mmax = d(-Number.MAX_VALUE);
  const pos = [inf, max, max, inf, inf], neg = [minf, mmax, minf, mmax, minf];
  for (let rm = 0; rm < 5; rm++) {
    assert.deepEqual(r64('f64_mul', max, d(2), rm), [pos[rm], OF | NX], `+ rm ${rm}`);
    assert.deepEqual(r64('f64_mul', max, d(-2), rm), [neg[rm], OF | NX], `- rm ${rm}`);
  }
  const smax = s(3.4028234663852886e38);
  const spos = [0x7f800000, smax, smax, 0x7f800000, 0x7f800000];
  for (let rm = 0; rm < 5; rm++) assert.deepEqual(r32('f32_add', smax, smax, rm), [spos[rm], OF | NX]);
  // rounding up into overflow: max + half an ulp
  assert.deepEqual(r64('f64_add', max, d(2 ** 970), RNE), [inf, OF | NX]);
  assert.deepEqual(r64('f64_add', max, d(2 ** 969), RNE), [max, NX]);
  // f64 -> f32 overflow
  assert.deepEqual(r32('f64_to_f32', d(1e39), RTZ), [smax, OF | NX]);
});

test('subnormal results, underflow only when tiny and inexact, tininess after rounding', () => {
  const minSub = d(5e-324), minNorm = d(2 ** -1022), maxSub = 0x000fffffffffffffn;
  // exact subnormal results raise nothing
  assert.deepEqual(r64('f64_mul', d(2 ** -1000), d(2 ** -30), RNE), [d(2 ** -1030), 0]);
  assert.deepEqual(r64('f64_add', minSub, minSub, RNE), [d(1e-323), 0]);
  // inexact subnormal results: UF | NX
  assert.deepEqual(r64('f64_mul', minSub, d(0.75), RNE), [minSub, UF | NX]);
  assert.deepEqual(r64('f64_mul', minSub, d(0.25), RNE), [0n, UF | NX]);
  assert.deepEqual(r64('f64_mul', minSub, d(0.25), RUP), [minSub, UF | NX]);
  assert.deepEqual(r64('f64_div', d(-5e-324), d(3), RDN), [d(-5e-324), UF | NX]);
  assert.deepEqual(r64('f64_div', d(-5e-324), d(3), RNE), [d(-0), UF | NX]);
  // max subnormal * (1 + 2^-52) = 2^-1022 - 2^-1126: with an unbounded exponent it rounds (RNE) to 2^-1022,
  // so it is not tiny after rounding: NX only. Rounded down it stays subnormal: UF | NX.
  assert.deepEqual(r64('f64_mul', maxSub, d(1 + 2 ** -52), RNE), [minNorm, NX]);
  assert.deepEqual(r64('f64_mul', maxSub, d(1 + 2 ** -52), RDN), [maxSub, UF | NX]);
  // 0.625 * y = 2^-1022 - 3 * 2^-1077 exactly. The subnormal grid rounds it (RNE) up to 2^-1022, but with an
  // unbounded exponent it would round to 2^-1022 - 2^-1075: tiny after rounding, so UF although the result is
  // the minimum normal. RUP reaches 2^-1022 either way: not tiny. (Checked against qemu-riscv64.)
  const y = d(7205759403792793 * 2 ** -1074);
  assert.equal(y, 0x19999999999999n);
  const want: [bigint, number][] = [[minNorm, UF | NX], [maxSub, UF | NX], [maxSub, UF | NX], [minNorm, NX],
    [minNorm, UF | NX]];
  for (let rm = 0; rm < 5; rm++) assert.deepEqual(r64('f64_mul', d(0.625), y, rm), want[rm], `rm ${rm}`);
  // single: max subnormal * (1 + 2^-23)
  const maxSubS = 0x007fffff, minNormS = 0x00800000;
  assert.deepEqual(r32('f32_mul', maxSubS, s(1 + 2 ** -23), RNE), [minNormS, NX]);
  assert.deepEqual(r32('f32_mul', maxSubS, s(1 + 2 ** -23), RTZ), [maxSubS, UF | NX]);
  // f64 -> f32 into the subnormal range
  assert.deepEqual(r32('f64_to_f32', d(2 ** -149), RNE), [1, 0]);
  assert.deepEqual(r32('f64_to_f32', d(2 ** -150), RNE), [0, UF | NX]);
  assert.deepEqual(r32('f64_to_f32', d(2 ** -150), RMM), [1, UF | NX]);
  assert.deepEqual(r32('f64_to_f32', d(3 * 2 ** -151), RNE), [1, UF | NX]);
});

test('invalid operations and division by zero', () => {
  const inf = d(Infinity), minf = d(-Infinity), z = d(0), mz = d(-0);
  assert.deepEqual(r64('f64_add', inf, minf, RNE), [QNAN_D, NV]);
  assert.deepEqual(r64('f64_mul', z, inf, RNE), [QNAN_D, NV]);
  assert.deepEqual(r64('f64_div', z, z, RNE), [QNAN_D, NV]);
  assert.deepEqual(r64('f64_div', inf, minf, RNE), [QNAN_D, NV]);
  assert.deepEqual(r64('f64_div', d(1), z, RNE), [inf, DZ]);
  assert.deepEqual(r64('f64_div', d(-1), z, RNE), [minf, DZ]);
  assert.deepEqual(r64('f64_div', d(1), mz, RNE), [minf, DZ]);
  assert.deepEqual(r32('f32_div', s(3), 0, RNE), [0x7f800000, DZ]);
  assert.deepEqual(r64('f64_div', inf, z, RNE), [inf, 0]);
  assert.deepEqual(r64('f64_sqrt', d(-1), RNE), [QNAN_D, NV]);
  assert.deepEqual(r64('f64_sqrt', minf, RNE), [QNAN_D, NV]);
  assert.deepEqual(r64('f64_sqrt', mz, RNE), [mz, 0]);
  assert.deepEqual(r32('f32_sqrt', s(-2), RNE), [QNAN_S, NV]);
  assert.deepEqual(r64('f64_sqrt', d(2), RNE), [d(Math.SQRT2), NX]);
  assert.deepEqual(r64('f64_sqrt', d(2), RUP), [d(Math.SQRT2), NX]);
  assert.deepEqual(r64('f64_sqrt', d(2), RDN), [d(Math.SQRT2) - 1n, NX]);
  // fma: 0 * inf is invalid even when the addend is a quiet NaN
  assert.deepEqual(r64('f64_fma', z, inf, QNAN_D, RNE), [QNAN_D, NV]);
  assert.deepEqual(r64('f64_fma', inf, z, d(1), RNE), [QNAN_D, NV]);
  assert.deepEqual(r32('f32_fma', 0, 0x7f800000, QNAN_S, RNE), [QNAN_S, NV]);
  assert.deepEqual(r64('f64_fma', inf, d(1), minf, RNE), [QNAN_D, NV]);
  assert.deepEqual(r64('f64_fma', d(1), d(2), QNAN_D, RNE), [QNAN_D, 0]);
  // signalling NaN operands raise NV, quiet ones do not; results are canonical
  const snan = 0x7ff0000000000001n, qnanPayload = 0xfff8000000001234n;
  assert.deepEqual(r64('f64_add', snan, d(1), RNE), [QNAN_D, NV]);
  assert.deepEqual(r64('f64_add', qnanPayload, d(1), RNE), [QNAN_D, 0]);
  assert.deepEqual(r64('f32_to_f64', 0x7f800001, RNE), [QNAN_D, NV]);
  assert.deepEqual(r32('f64_to_f32', qnanPayload, RNE), [QNAN_S, 0]);
});

test('fma rounds once and gets the signs of exact zeros right', () => {
  // (1 + 2^-52)(1 - 2^-52) - 1 = -2^-104 exactly; two roundings would give 0
  assert.deepEqual(r64('f64_fma', d(1 + 2 ** -52), d(1 - 2 ** -52), d(-1), RNE), [d(-(2 ** -104)), 0]);
  assert.deepEqual(r64('f64_fma', d(2), d(3), d(-6), RNE), [0n, 0]);
  assert.deepEqual(r64('f64_fma', d(2), d(3), d(-6), RDN), [d(-0), 0]);
  assert.deepEqual(r64('f64_fma', d(-0), d(1), d(-0), RNE), [d(-0), 0]);
  assert.deepEqual(r64('f64_fma', d(0), d(1), d(-0), RNE), [0n, 0]);
  assert.deepEqual(r64('f64_fma', d(0), d(1), d(-0), RDN), [d(-0), 0]);
  assert.deepEqual(r64('f64_add', d(-0), d(0), RDN), [d(-0), 0]);
  assert.deepEqual(r64('f64_sub', d(1), d(1), RNE), [0n, 0]);
  assert.deepEqual(r64('f64_sub', d(1), d(1), RDN), [d(-0), 0]);
  assert.deepEqual(r32('f32_fma', s(1 + 2 ** -23), s(1 - 2 ** -23), s(-1), RNE), [s(-(2 ** -46)), 0]);
});

test('fcvt saturates with NV; inexact conversions raise NX', () => {
  const I32_MAX = 0x7fffffffn, I32_MIN = u64(-0x80000000n), ALL = 0xffffffffffffffffn;
  const nan = QNAN_D, inf = d(Infinity), minf = d(-Infinity);
  assert.deepEqual(r64('f64_to_i32', nan, RNE), [I32_MAX, NV]);
  assert.deepEqual(r64('f64_to_i32', inf, RNE), [I32_MAX, NV]);
  assert.deepEqual(r64('f64_to_i32', minf, RNE), [I32_MIN, NV]);
  assert.deepEqual(r64('f64_to_i32', d(2147483648), RNE), [I32_MAX, NV]);
  assert.deepEqual(r64('f64_to_i32', d(2147483647.4), RNE), [I32_MAX, NX]);
  assert.deepEqual(r64('f64_to_i32', d(2147483647.5), RNE), [I32_MAX, NV]);
  assert.deepEqual(r64('f64_to_i32', d(-2147483648.9), RTZ), [I32_MIN, NX]);
  assert.deepEqual(r64('f64_to_i32', d(-2147483648.9), RNE), [I32_MIN, NV]);
  // unsigned 32: results are sign-extended 32-bit patterns
  assert.deepEqual(r64('f64_to_u32', nan, RNE), [ALL, NV]);
  assert.deepEqual(r64('f64_to_u32', d(4294967295), RNE), [ALL, 0]);
  assert.deepEqual(r64('f64_to_u32', d(4294967296), RNE), [ALL, NV]);
  assert.deepEqual(r64('f64_to_u32', d(-1), RNE), [0n, NV]);
  assert.deepEqual(r64('f64_to_u32', minf, RNE), [0n, NV]);
  assert.deepEqual(r64('f64_to_u32', d(-0.3), RNE), [0n, NX]);      // rounds to 0: not invalid
  assert.deepEqual(r64('f64_to_u32', d(-0.3), RTZ), [0n, NX]);
  assert.deepEqual(r64('f64_to_u32', d(-0.3), RDN), [0n, NV]);      // rounds to -1: invalid
  assert.deepEqual(r64('f64_to_u32', d(-0), RNE), [0n, 0]);
  // 64-bit
  assert.deepEqual(r64('f64_to_i64', d(2 ** 63), RNE), [0x7fffffffffffffffn, NV]);
  assert.deepEqual(r64('f64_to_i64', d(-(2 ** 63)), RNE), [0x8000000000000000n, 0]);
  assert.deepEqual(r64('f64_to_i64', minf, RNE), [0x8000000000000000n, NV]);
  assert.deepEqual(r64('f64_to_i64', nan, RNE), [0x7fffffffffffffffn, NV]);
  assert.deepEqual(r64('f64_to_u64', d(2 ** 64), RNE), [ALL, NV]);
  assert.deepEqual(r64('f64_to_u64', d(2 ** 64 - 2048), RNE), [0xfffffffffffff800n, 0]);
  assert.deepEqual(r64('f64_to_u64', d(-1), RNE), [0n, NV]);
  assert.deepEqual(r64('f32_to_u64', s(-0.5), RNE), [0n, NX]);
  assert.deepEqual(r64('f32_to_i64', 0x7f800001, RNE), [0x7fffffffffffffffn, NV]);
  assert.deepEqual(r64('f32_to_i32', s(1.5), RNE), [2n, NX]);
  assert.deepEqual(r64('f32_to_i32', s(1e-30), RUP), [1n, NX]);
  assert.deepEqual(r64('f32_to_i32', s(-1e-30), RDN), [ALL, NX]);
  // int -> float
  assert.deepEqual(r64('i64_to_f64', -(2n ** 63n), RNE), [d(-(2 ** 63)), 0]);
  assert.deepEqual(r64('u64_to_f64', -1n, RNE), [d(2 ** 64), NX]);
  assert.deepEqual(r64('u64_to_f64', -1n, RTZ), [d(2 ** 64 - 2048), NX]);
  assert.deepEqual(r64('i32_to_f64', -5, RNE), [d(-5), 0]);
  assert.deepEqual(r64('u32_to_f64', -1, RNE), [d(4294967295), 0]);
  assert.deepEqual(r32('u64_to_f32', 0n, RNE), [0, 0]);
});

test('fmin/fmax: signed zeros, NaNs, signalling NaNs', () => {
  const z = s(0), mz = s(-0), one = s(1), snan = 0x7f800001, qnan = 0x7fc01234;
  assert.deepEqual(r32('f32_min', z, mz), [mz, 0]);
  assert.deepEqual(r32('f32_min', mz, z), [mz, 0]);
  assert.deepEqual(r32('f32_max', mz, z), [z, 0]);
  assert.deepEqual(r32('f32_max', z, mz), [z, 0]);
  assert.deepEqual(r32('f32_min', qnan, one), [one, 0]);
  assert.deepEqual(r32('f32_max', one, qnan), [one, 0]);
  assert.deepEqual(r32('f32_min', snan, one), [one, NV]);
  assert.deepEqual(r32('f32_max', qnan, qnan), [QNAN_S, 0]);
  assert.deepEqual(r32('f32_min', snan, qnan), [QNAN_S, NV]);
  assert.deepEqual(r32('f32_min', s(-3), s(2)), [s(-3), 0]);
  assert.deepEqual(r32('f32_max', s(-3), s(-2)), [s(-2), 0]);
  assert.deepEqual(r64('f64_min', d(-Infinity), d(-Number.MAX_VALUE)), [d(-Infinity), 0]);
  assert.deepEqual(r64('f64_max', d(-0), d(0)), [0n, 0]);
  assert.deepEqual(r64('f64_max', 0x7ff0000000000001n, d(-0)), [d(-0), NV]);
});

test('feq is quiet, flt/fle signal on any NaN', () => {
  const qnan = QNAN_S, snan = 0x7fa00000, one = s(1);
  assert.deepEqual(r32('f32_eq', qnan, one), [0, 0]);
  assert.deepEqual(r32('f32_eq', snan, one), [0, NV]);
  assert.deepEqual(r32('f32_lt', qnan, one), [0, NV]);
  assert.deepEqual(r32('f32_le', one, qnan), [0, NV]);
  assert.deepEqual(r32('f32_eq', s(0), s(-0)), [1, 0]);
  assert.deepEqual(r32('f32_le', s(-0), s(0)), [1, 0]);
  assert.deepEqual(r32('f32_lt', s(-0), s(0)), [0, 0]);
  assert.deepEqual(r32('f32_lt', s(-2), s(-1)), [1, 0]);
  assert.deepEqual(r64('f64_lt', d(-Infinity), d(Infinity)), [1n, 0]);
  assert.deepEqual(r64('f64_le', d(1), d(1)), [1n, 0]);
  assert.deepEqual(r64('f64_lt', d(1), d(1)), [0n, 0]);
});

test('fclass distinguishes all ten classes', () => {
  const cases64: [bigint, number][] = [
    [d(-Infinity), 0], [d(-1), 1], [0x800fffffffffffffn, 2], [d(-0), 3], [d(0), 4],
    [1n, 5], [d(1), 6], [d(Infinity), 7], [0x7ff0000000000001n, 8], [QNAN_D, 9],
  ];
  for (const [x, bit] of cases64) assert.equal(sf.f64_classify(x), 1 << bit, x.toString(16));
  const cases32: [number, number][] = [
    [0xff800000, 0], [s(-1), 1], [0x80000001, 2], [0x80000000, 3], [0, 4],
    [0x007fffff, 5], [s(1), 6], [0x7f800000, 7], [0x7f800001, 8], [0xffc00000, 9],
  ];
  for (const [x, bit] of cases32) assert.equal(sf.f32_classify(x), 1 << bit, x.toString(16));
});

test('sign injection', () => {
  assert.equal(sf.f32_sgnj(s(1), s(-2)) >>> 0, s(-1));
  assert.equal(sf.f32_sgnjn(s(1), s(-2)) >>> 0, s(1));
  assert.equal(sf.f32_sgnjx(s(-1), s(-2)) >>> 0, s(1));
  assert.equal(u64(sf.f64_sgnj(d(-3), d(2))), d(3));
  assert.equal(u64(sf.f64_sgnjn(d(3), d(3))), d(-3));
  assert.equal(u64(sf.f64_sgnjx(d(3), d(-0))), d(-3));
});

// ---- random differential tests against the host (round to nearest even)

function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
}

function randomDouble(next: () => number): number {
  const specials = [0, -0, Infinity, -Infinity, NaN, 5e-324, -5e-324, 2.2250738585072014e-308,
    2.225073858507201e-308, Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1, 0.5, 3, 1e-300, 1e300];
  const k = next() % 8;
  if (k === 0) return specials[next() % specials.length];
  const hi = next(), lo = next();
  dv.setUint32(0, hi); dv.setUint32(4, lo);
  if (k >= 4) {
    // exponent near 1, or near the subnormal boundary
    const e = k === 7 ? (next() % 60) : 1023 - 30 + (next() % 60);
    dv.setUint16(0, ((hi >>> 31) << 15) | (e << 4) | (dv.getUint16(0) & 0xf));
  }
  return dv.getFloat64(0);
}

function randomSingle(next: () => number): number {
  const specials = [0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x00000001, 0x007fffff,
    0x00800000, 0x7f7fffff, 0x3f800000, 0xbf800000];
  const k = next() % 8;
  let b: number;
  if (k === 0) b = specials[next() % specials.length];
  else {
    b = next();
    if (k >= 4) {
      const e = k === 7 ? next() % 30 : 127 - 15 + (next() % 30);
      b = ((b & 0x807fffff) | (e << 23)) >>> 0;
    }
  }
  return b >>> 0;
}

function sameF64(got: bigint, want: number): boolean {
  if (Number.isNaN(want)) return got === QNAN_D;
  return got === d(want);
}
function sameF32(got: number, want: number): boolean {
  if (Number.isNaN(want)) return got === QNAN_S;
  return got === s(want);
}

test('random differential: double add/sub/mul/div/sqrt agree with the host (RNE)', () => {
  const next = rng(0x5eed1);
  const N = 100_000;
  const bad: string[] = [];
  const ops: [string, (a: number, b: number) => number][] = [
    ['f64_add', (a, b) => a + b], ['f64_sub', (a, b) => a - b], ['f64_mul', (a, b) => a * b],
    ['f64_div', (a, b) => a / b],
  ];
  let n = 0;
  for (let i = 0; i < N; i++) {
    const a = randomDouble(next), b = randomDouble(next);
    const [name, f] = ops[i % ops.length];
    const got = u64(sf[name](d(a), d(b), RNE));
    n++;
    if (!sameF64(got, f(a, b)) && bad.length < 10) bad.push(`${name}(${a}, ${b}) = ${D(got)} want ${f(a, b)}`);
    if (i % 4 === 0) {
      const g = u64(sf.f64_sqrt(d(a), RNE));
      n++;
      if (!sameF64(g, Math.sqrt(a)) && bad.length < 10) bad.push(`sqrt(${a}) = ${D(g)}`);
    }
  }
  assert.deepEqual(bad, [], `${n} cases`);
});

test('random differential: single add/sub/mul/div/sqrt agree with Math.fround of the host (RNE)', () => {
  const next = rng(0x5eed2);
  const N = 100_000;
  const bad: string[] = [];
  const ops: [string, (a: number, b: number) => number][] = [
    ['f32_add', (a, b) => a + b], ['f32_sub', (a, b) => a - b], ['f32_mul', (a, b) => a * b],
    ['f32_div', (a, b) => a / b],
  ];
  for (let i = 0; i < N; i++) {
    const ab = randomSingle(next), bb = randomSingle(next);
    const a = S(ab), b = S(bb);
    const [name, f] = ops[i % ops.length];
    const got = sf[name](ab, bb, RNE) >>> 0;
    if (!sameF32(got, Math.fround(f(a, b))) && bad.length < 10) bad.push(`${name}(${a}, ${b}) = ${S(got)}`);
    if (i % 4 === 0) {
      const g = sf.f32_sqrt(ab, RNE) >>> 0;
      if (!sameF32(g, Math.fround(Math.sqrt(a))) && bad.length < 10) bad.push(`sqrt(${a}) = ${S(g)}`);
    }
  }
  assert.deepEqual(bad, []);
});

// ---- execFp (src/hart/core/fpu.ts): NaN boxing, rounding-mode resolution, fcsr flags

test('execFp: NaN boxing, fmv, dynamic rounding mode, flags in fcsr', async () => {
  const L = await import('../../src/hart/layout');
  const O = opNumbers();
  const fpu = await compileAs(FPU_ENTRY, ['--initialMemory', '2']);
  const mem = new DataView((fpu.memory as unknown as { buffer: ArrayBuffer }).buffer);
  const F = (r: number) => mem.getBigUint64(L.FREG + r * 8, true);
  const setF = (r: number, v: bigint) => mem.setBigUint64(L.FREG + r * 8, v, true);
  const X = (r: number) => mem.getBigUint64(L.XREG + r * 8, true);
  const setX = (r: number, v: bigint) => mem.setBigUint64(L.XREG + r * 8, u64(v), true);
  const FCSR = L.MISC + L.MISC_FCSR * 8;
  const fcsr = () => Number(mem.getBigUint64(FCSR, true));
  const setFcsr = (v: number) => mem.setBigUint64(FCSR, BigInt(v), true);
  const box = (b: number) => 0xffffffff00000000n | BigInt(b >>> 0);
  const exec = (op: number, rd: number, rs1: number, rs2: number, rs3: number, rm: number) =>
    fpu.execFp(op, rd, rs1, rs2, rs3, rm) !== 0;

  // properly boxed singles
  setFcsr(0);
  setF(1, box(s(1.5))); setF(2, box(s(2.25)));
  assert.ok(exec(O.OP_FADD_S, 3, 1, 2, 0, RNE));
  assert.equal(F(3), box(s(3.75)));
  assert.equal(fcsr(), 0);
  // an unboxed operand reads as the canonical NaN (quiet: no flags), result boxed
  setF(2, BigInt(s(2.25)));
  assert.ok(exec(O.OP_FADD_S, 3, 1, 2, 0, RNE));
  assert.equal(F(3), box(QNAN_S));
  assert.equal(fcsr(), 0);
  assert.ok(exec(O.OP_FSGNJN_S, 4, 2, 2, 0, 0));
  assert.equal(F(4), box(QNAN_S | 0x80000000));
  assert.ok(exec(O.OP_FCLASS_S, 5, 2, 0, 0, 1));
  assert.equal(X(5), 1n << 9n);
  // fmv.x.w sign-extends the low 32 bits whatever the boxing; fmv.w.x boxes
  setF(6, 0x12345678_80000001n);
  assert.ok(exec(O.OP_FMV_X_W, 7, 6, 0, 0, 0));
  assert.equal(X(7), 0xffffffff80000001n);
  setX(8, 0x1111111140490fdbn);
  assert.ok(exec(O.OP_FMV_W_X, 9, 8, 0, 0, 0));
  assert.equal(F(9), box(0x40490fdb));
  assert.ok(exec(O.OP_FMV_D_X, 10, 8, 0, 0, 0));
  assert.equal(F(10), 0x1111111140490fdbn);
  assert.ok(exec(O.OP_FMV_X_D, 11, 10, 0, 0, 0));
  assert.equal(X(11), 0x1111111140490fdbn);
  // dynamic rounding mode from frm, flags accumulate into fflags and frm is preserved
  setF(1, d(1)); setF(2, d(2 ** -53));
  setFcsr(RUP << 5);
  assert.ok(exec(O.OP_FADD_D, 3, 1, 2, 0, 7));
  assert.equal(F(3), d(1 + 2 ** -52));
  assert.equal(fcsr(), (RUP << 5) | NX);
  setF(4, d(0));
  assert.ok(exec(O.OP_FDIV_D, 5, 1, 4, 0, RNE));
  assert.equal(F(5), d(Infinity));
  assert.equal(fcsr(), (RUP << 5) | NX | DZ);
  // invalid rounding modes: static 5/6, dynamic with frm >= 5; state untouched
  setFcsr(5 << 5);
  assert.equal(exec(O.OP_FADD_D, 3, 1, 2, 0, 7), false);
  assert.equal(exec(O.OP_FADD_D, 3, 1, 2, 0, 5), false);
  assert.equal(exec(O.OP_FADD_D, 3, 1, 2, 0, 6), false);
  assert.equal(fcsr(), 5 << 5);
  assert.ok(exec(O.OP_FADD_D, 3, 1, 2, 0, RTZ));
  assert.equal(F(3), d(1));
  // instructions without a rounding mode ignore frm
  assert.ok(exec(O.OP_FSGNJX_D, 3, 1, 1, 0, 2));
  assert.equal(exec(O.OP_ADD, 3, 1, 1, 0, 0), false);
  // fused multiply-add sign variants
  setFcsr(0);
  setF(1, d(2)); setF(2, d(3)); setF(3, d(1));
  const fmas: [number, number][] = [[O.OP_FMADD_D, 7], [O.OP_FMSUB_D, 5], [O.OP_FNMSUB_D, -5], [O.OP_FNMADD_D, -7]];
  for (const [op, want] of fmas) { assert.ok(exec(op, 4, 1, 2, 3, RNE)); assert.equal(F(4), d(want)); }
  setF(1, box(s(2))); setF(2, box(s(3))); setF(3, box(s(1)));
  const fmass: [number, number][] = [[O.OP_FMADD_S, 7], [O.OP_FMSUB_S, 5], [O.OP_FNMSUB_S, -5], [O.OP_FNMADD_S, -7]];
  for (const [op, want] of fmass) { assert.ok(exec(op, 4, 1, 2, 3, RNE)); assert.equal(F(4), box(s(want))); }
  // conversions: fcvt.wu.s sign-extends, fcvt.s.d boxes, fcvt.d.s reads boxing
  setF(1, box(s(4294967040)));
  assert.ok(exec(O.OP_FCVT_WU_S, 5, 1, 0, 0, RNE));
  assert.equal(X(5), 0xffffffffffffff00n);
  setX(6, -3n);
  assert.ok(exec(O.OP_FCVT_S_W, 7, 6, 0, 0, RNE));
  assert.equal(F(7), box(s(-3)));
  assert.ok(exec(O.OP_FCVT_S_D, 8, 3, 0, 0, RNE));   // f3 holds a boxed single: as a double it is a NaN
  assert.equal(F(8), box(QNAN_S));
  setF(9, d(0.1));
  assert.ok(exec(O.OP_FCVT_S_D, 8, 9, 0, 0, RNE));
  assert.equal(F(8), box(s(Math.fround(0.1))));
  assert.ok(exec(O.OP_FCVT_D_S, 10, 8, 0, 0, RNE));
  assert.equal(F(10), d(Math.fround(0.1)));
  setF(8, BigInt(s(0.5)));
  assert.ok(exec(O.OP_FCVT_D_S, 10, 8, 0, 0, RNE));
  assert.equal(F(10), QNAN_D);
  assert.ok(exec(O.OP_FLT_S, 11, 8, 8, 0, 1));
  assert.equal(X(11), 0n);
  assert.equal(fcsr() & NV, NV);
});

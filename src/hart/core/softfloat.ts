// IEEE 754-2008 binary32 / binary64 arithmetic exactly as the RISC-V F and D extensions define it, computed with
// integer operations only (wasm float arithmetic has no rounding modes, no flags and no fused multiply-add).
//
// Values are raw bit patterns: u32 for single, u64 for double. Every operation takes a rounding mode
// (RM_RNE..RM_RMM, already resolved from `dyn` by the caller) and ORs the exception flags it raises into `fflags`.
// NaN results are always the canonical NaN; tininess is detected after rounding; underflow is raised only when
// the result is both tiny and inexact.
//
// Internally both formats share one generic path on u64, parameterised by F (fraction bits) and E (exponent
// bits). A finite nonzero operand is unpacked into (sign, exp, sig) with value = sig * 2^(exp - 62), the leading
// one of `sig` at bit 62 (one bit of headroom for carries) and bits below the format's precision used as guard
// bits, with any lost bits "jammed" (OR-ed) into bit 0 as a sticky bit.

export const RM_RNE: i32 = 0;
export const RM_RTZ: i32 = 1;
export const RM_RDN: i32 = 2;
export const RM_RUP: i32 = 3;
export const RM_RMM: i32 = 4;

export const FLAG_NV: i32 = 16;
export const FLAG_DZ: i32 = 8;
export const FLAG_OF: i32 = 4;
export const FLAG_UF: i32 = 2;
export const FLAG_NX: i32 = 1;

/** Accumulated exception flags (fcsr.fflags layout). Operations only ever OR into it. */
export let fflags: i32 = 0;

export const CANON_NAN_S: u32 = 0x7fc00000;
export const CANON_NAN_D: u64 = 0x7ff8000000000000;

const F_S: i32 = 23;
const E_S: i32 = 8;
const F_D: i32 = 52;
const E_D: i32 = 11;

// operand classes returned by unpack
const K_ZERO: i32 = 0;
const K_FIN: i32 = 1;   // finite nonzero (normal or subnormal)
const K_INF: i32 = 2;
const K_QNAN: i32 = 3;
const K_SNAN: i32 = 4;

// results of unpack
let uSign: u64 = 0;
let uExp: i32 = 0;
let uSig: u64 = 0;

// results of the 128-bit helpers
let wHi: u64 = 0;
let wLo: u64 = 0;

// ---------------------------------------------------------------------------------------------------------------
// helpers

@inline function signShift(F: i32, E: i32): u64 { return <u64>(F + E); }

function canonNaN(F: i32, E: i32): u64 {
  return ((((<u64>1) << <u64>E) - 1) << <u64>F) | ((<u64>1) << <u64>(F - 1));
}

function infinity(sign: u64, F: i32, E: i32): u64 {
  return (sign << signShift(F, E)) | ((((<u64>1) << <u64>E) - 1) << <u64>F);
}

function zero(sign: u64, F: i32, E: i32): u64 {
  return sign << signShift(F, E);
}

function isNaNBits(x: u64, F: i32, E: i32): bool {
  const emask: u64 = ((<u64>1) << <u64>E) - 1;
  return ((x >> <u64>F) & emask) == emask && (x & (((<u64>1) << <u64>F) - 1)) != 0;
}

function isSNaNBits(x: u64, F: i32, E: i32): bool {
  return isNaNBits(x, F, E) && ((x >> <u64>(F - 1)) & 1) == 0;
}

/** Shift right by n (any n >= 0), OR-ing every bit shifted out into bit 0. */
function shrJam(x: u64, n: i32): u64 {
  if (n <= 0) return x;
  if (n >= 63) return x != 0 ? 1 : 0;
  const lost: u64 = x & (((<u64>1) << <u64>n) - 1);
  return (x >> <u64>n) | (lost != 0 ? 1 : 0);
}

/** 128-bit shift right with jamming of (hi, lo) by n >= 0; result in wHi, wLo. */
function shr128Jam(hi: u64, lo: u64, n: i32): void {
  if (n <= 0) { wHi = hi; wLo = lo; return; }
  if (n < 64) {
    const s = <u64>n;
    const lost: u64 = lo << (64 - s);
    wLo = (lo >> s) | (hi << (64 - s)) | (lost != 0 ? 1 : 0);
    wHi = hi >> s;
    return;
  }
  if (n == 64) { wLo = hi | (lo != 0 ? 1 : 0); wHi = 0; return; }
  if (n < 128) {
    const s = <u64>(n - 64);
    const lost: u64 = (hi << (64 - s)) | lo;
    wLo = (hi >> s) | (lost != 0 ? 1 : 0);
    wHi = 0;
    return;
  }
  wLo = (hi | lo) != 0 ? 1 : 0;
  wHi = 0;
}

/** Full 64x64 -> 128-bit unsigned product into wHi, wLo. */
function mul64(a: u64, b: u64): void {
  const a0 = a & 0xffffffff, a1 = a >> 32;
  const b0 = b & 0xffffffff, b1 = b >> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  wLo = (mid << 32) | (p00 & 0xffffffff);
  wHi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/** Unpack a raw pattern; returns the class and, for finite nonzero values, sets uSign/uExp/uSig. */
function unpack(x: u64, F: i32, E: i32): i32 {
  const emask: i32 = (1 << E) - 1;
  const bias: i32 = emask >> 1;
  uSign = (x >> signShift(F, E)) & 1;
  const e = <i32>((x >> <u64>F) & <u64>emask);
  const f: u64 = x & (((<u64>1) << <u64>F) - 1);
  if (e == emask) {
    if (f == 0) return K_INF;
    return ((f >> <u64>(F - 1)) & 1) != 0 ? K_QNAN : K_SNAN;
  }
  if (e == 0) {
    if (f == 0) return K_ZERO;
    const lz = <i32>clz<u64>(f);
    uSig = f << <u64>(lz - 1);
    uExp = (1 - bias) - F + (63 - lz);
    return K_FIN;
  }
  uSig = (f | ((<u64>1) << <u64>F)) << <u64>(62 - F);
  uExp = e - bias;
  return K_FIN;
}

/** Whether to round up the significand `sig` whose lowest `extra` bits are to be discarded. */
function roundUp(sig: u64, extra: i32, sign: u64, rm: i32): bool {
  const rb: u64 = sig & (((<u64>1) << <u64>extra) - 1);
  if (rb == 0) return false;
  const half: u64 = (<u64>1) << <u64>(extra - 1);
  switch (rm) {
    case RM_RNE: return rb > half || (rb == half && ((sig >> <u64>extra) & 1) != 0);
    case RM_RTZ: return false;
    case RM_RDN: return sign != 0;
    case RM_RUP: return sign == 0;
    case RM_RMM: return rb >= half;
  }
  return false;
}

/**
 * Round (sign, exp, sig) to the format and pack it, raising NX/UF/OF. `sig` must be nonzero with its leading
 * one at bit 62 (value = sig * 2^(exp - 62)), lower bits carrying guard and sticky information.
 */
function roundPack(sign: u64, exp: i32, sig: u64, rm: i32, F: i32, E: i32): u64 {
  const emax: i32 = (1 << E) - 1;
  const bias: i32 = emax >> 1;
  const extra: i32 = 62 - F;
  let e: i32 = exp + bias;   // biased exponent of the leading one
  let tiny = false;
  if (e <= 0) {
    // Tininess after rounding: tiny unless rounding to F+1 bits with an unbounded exponent reaches 2^emin.
    tiny = true;
    if (e == 0 && roundUp(sig, extra, sign, rm) && (sig >> <u64>extra) + 1 == ((<u64>1) << <u64>(F + 1))) {
      tiny = false;
    }
    sig = shrJam(sig, 1 - e);
    e = 1;
  }
  const inexact = (sig & (((<u64>1) << <u64>extra) - 1)) != 0;
  let q: u64 = sig >> <u64>extra;
  if (roundUp(sig, extra, sign, rm)) q += 1;
  if ((q >> <u64>(F + 1)) != 0) { q >>= 1; e += 1; }
  if (e >= emax) {
    fflags |= FLAG_OF | FLAG_NX;
    let toInf = true;
    if (rm == RM_RTZ) toInf = false;
    else if (rm == RM_RDN) toInf = sign != 0;
    else if (rm == RM_RUP) toInf = sign == 0;
    if (toInf) return infinity(sign, F, E);
    return infinity(sign, F, E) - 1;   // largest finite of that sign
  }
  if (inexact) {
    fflags |= FLAG_NX;
    if (tiny) fflags |= FLAG_UF;
  }
  // (e - 1) << F plus q: the hidden bit of q (when present) carries into the exponent field.
  return (sign << signShift(F, E)) | ((<u64>(e - 1) << <u64>F) + q);
}

/** Normalize a nonzero u64 magnitude (leading one anywhere) and round it; exp = exponent of bit 62 position. */
function normRoundPack(sign: u64, exp: i32, sig: u64, rm: i32, F: i32, E: i32): u64 {
  const lz = <i32>clz<u64>(sig);
  if (lz == 0) return roundPack(sign, exp + 1, (sig >> 1) | (sig & 1), rm, F, E);
  return roundPack(sign, exp - (lz - 1), sig << <u64>(lz - 1), rm, F, E);
}

// ---------------------------------------------------------------------------------------------------------------
// generic operations

function gAdd(a: u64, b: u64, negB: bool, rm: i32, F: i32, E: i32): u64 {
  const ka = unpack(a, F, E);
  const sa = uSign, ea = uExp, ma = uSig;
  const kb = unpack(b, F, E);
  const sb = uSign ^ (negB ? 1 : 0), eb = uExp, mb = uSig;
  if (ka >= K_QNAN || kb >= K_QNAN) {
    if (ka == K_SNAN || kb == K_SNAN) fflags |= FLAG_NV;
    return canonNaN(F, E);
  }
  if (ka == K_INF) {
    if (kb == K_INF && sa != sb) { fflags |= FLAG_NV; return canonNaN(F, E); }
    return infinity(sa, F, E);
  }
  if (kb == K_INF) return infinity(sb, F, E);
  if (ka == K_ZERO && kb == K_ZERO) {
    return zero(sa == sb ? sa : (rm == RM_RDN ? 1 : 0), F, E);
  }
  if (ka == K_ZERO) return (sb << signShift(F, E)) | (b & ((<u64>1 << signShift(F, E)) - 1));
  if (kb == K_ZERO) return a;
  // order by magnitude: x is the larger
  let sx = sa, ex = ea, mx = ma, sy = sb, ey = eb, my = mb;
  if (ea < eb || (ea == eb && ma < mb)) {
    sx = sb; ex = eb; mx = mb; sy = sa; ey = ea; my = ma;
  }
  my = shrJam(my, ex - ey);
  if (sx == sy) {
    let m = mx + my;
    if ((m >> 63) != 0) return roundPack(sx, ex + 1, (m >> 1) | (m & 1), rm, F, E);
    return roundPack(sx, ex, m, rm, F, E);
  }
  const m = mx - my;
  if (m == 0) return zero(rm == RM_RDN ? 1 : 0, F, E);
  return normRoundPack(sx, ex, m, rm, F, E);
}

/** Exact product of two finite nonzero significands, collapsed to 64 bits with jamming; returns exponent. */
let pExp: i32 = 0;
function productSig(ea: i32, ma: u64, eb: i32, mb: u64): u64 {
  mul64(ma, mb);   // in [2^124, 2^126)
  let hi = wHi, lo = wLo;
  if ((hi >> 61) != 0) {
    pExp = ea + eb + 1;
    hi = (hi << 1) | (lo >> 63); lo <<= 1;
  } else {
    pExp = ea + eb;
    hi = (hi << 2) | (lo >> 62); lo <<= 2;
  }
  return hi | (lo != 0 ? 1 : 0);
}

function gMul(a: u64, b: u64, rm: i32, F: i32, E: i32): u64 {
  const ka = unpack(a, F, E);
  const sa = uSign, ea = uExp, ma = uSig;
  const kb = unpack(b, F, E);
  const sb = uSign, eb = uExp, mb = uSig;
  const s = sa ^ sb;
  if (ka >= K_QNAN || kb >= K_QNAN) {
    if (ka == K_SNAN || kb == K_SNAN) fflags |= FLAG_NV;
    return canonNaN(F, E);
  }
  if (ka == K_INF || kb == K_INF) {
    if (ka == K_ZERO || kb == K_ZERO) { fflags |= FLAG_NV; return canonNaN(F, E); }
    return infinity(s, F, E);
  }
  if (ka == K_ZERO || kb == K_ZERO) return zero(s, F, E);
  const sig = productSig(ea, ma, eb, mb);
  return roundPack(s, pExp, sig, rm, F, E);
}

function gDiv(a: u64, b: u64, rm: i32, F: i32, E: i32): u64 {
  const ka = unpack(a, F, E);
  const sa = uSign, ea = uExp, ma = uSig;
  const kb = unpack(b, F, E);
  const sb = uSign, eb = uExp, mb = uSig;
  const s = sa ^ sb;
  if (ka >= K_QNAN || kb >= K_QNAN) {
    if (ka == K_SNAN || kb == K_SNAN) fflags |= FLAG_NV;
    return canonNaN(F, E);
  }
  if (ka == K_INF) {
    if (kb == K_INF) { fflags |= FLAG_NV; return canonNaN(F, E); }
    return infinity(s, F, E);
  }
  if (kb == K_INF) return zero(s, F, E);
  if (kb == K_ZERO) {
    if (ka == K_ZERO) { fflags |= FLAG_NV; return canonNaN(F, E); }
    fflags |= FLAG_DZ;
    return infinity(s, F, E);
  }
  if (ka == K_ZERO) return zero(s, F, E);
  let x = ma >> 1, y = mb >> 1;   // leading ones at bit 61
  let e = ea - eb;
  if (x < y) { x <<= 1; e -= 1; }
  let q: u64 = 0;
  let r = x;
  for (let i = 62; i >= 0; i--) {
    if (r >= y) { r -= y; q |= (<u64>1) << <u64>i; }
    r <<= 1;
  }
  return roundPack(s, e, q | (r != 0 ? 1 : 0), rm, F, E);
}

function gSqrt(a: u64, rm: i32, F: i32, E: i32): u64 {
  const ka = unpack(a, F, E);
  const sa = uSign, ea = uExp, ma = uSig;
  if (ka >= K_QNAN) {
    if (ka == K_SNAN) fflags |= FLAG_NV;
    return canonNaN(F, E);
  }
  if (ka == K_ZERO) return a;
  if (sa != 0) { fflags |= FLAG_NV; return canonNaN(F, E); }
  if (ka == K_INF) return a;
  // radicand R = ma * 2^k with k making (ea - 62 - k)... even: value = R * 2^(ea - 120 - (ea & 1))
  const k: u64 = (ea & 1) != 0 ? 59 : 58;
  const hi: u64 = ma >> (64 - k), lo: u64 = ma << k;
  let root: u64 = 0, rem: u64 = 0;
  for (let i = 60; i >= 0; i--) {
    const pos = i << 1;
    const bits: u64 = pos >= 64 ? (hi >> <u64>(pos - 64)) & 3 : (lo >> <u64>pos) & 3;
    rem = (rem << 2) | bits;
    const t: u64 = (root << 2) | 1;
    if (rem >= t) { rem -= t; root = (root << 1) | 1; } else root <<= 1;
  }
  return roundPack(0, ea >> 1, (root << 2) | (rem != 0 ? 1 : 0), rm, F, E);
}

/** a * b + c with a single rounding. */
function gFma(a: u64, b: u64, c: u64, rm: i32, F: i32, E: i32): u64 {
  const ka = unpack(a, F, E);
  const sa = uSign, ea = uExp, ma = uSig;
  const kb = unpack(b, F, E);
  const sb = uSign, eb = uExp, mb = uSig;
  const kc = unpack(c, F, E);
  const sc = uSign, ec = uExp, mc = uSig;
  const sp = sa ^ sb;
  const invalidProduct = (ka == K_INF && kb == K_ZERO) || (ka == K_ZERO && kb == K_INF);
  if (ka >= K_QNAN || kb >= K_QNAN || kc >= K_QNAN) {
    if (ka == K_SNAN || kb == K_SNAN || kc == K_SNAN || invalidProduct) fflags |= FLAG_NV;
    return canonNaN(F, E);
  }
  if (invalidProduct) { fflags |= FLAG_NV; return canonNaN(F, E); }
  if (ka == K_INF || kb == K_INF) {
    if (kc == K_INF && sc != sp) { fflags |= FLAG_NV; return canonNaN(F, E); }
    return infinity(sp, F, E);
  }
  if (kc == K_INF) return c;
  if (ka == K_ZERO || kb == K_ZERO) {
    if (kc == K_ZERO) return zero(sp == sc ? sp : (rm == RM_RDN ? 1 : 0), F, E);
    return c;
  }
  if (kc == K_ZERO) {
    const sig = productSig(ea, ma, eb, mb);
    return roundPack(sp, pExp, sig, rm, F, E);
  }
  // exact product, leading one moved to bit 125 of (ph, pl)
  mul64(ma, mb);
  let ph = wHi, pl = wLo;
  let ep: i32;
  if ((ph >> 61) != 0) ep = ea + eb + 1;
  else { ep = ea + eb; ph = (ph << 1) | (pl >> 63); pl <<= 1; }
  // addend with its leading one at bit 125
  let ch: u64 = mc >> 1, cl: u64 = mc << 63;
  // x = larger magnitude
  let xh = ph, xl = pl, ex = ep, sx = sp, yh = ch, yl = cl, ey = ec, sy = sc;
  if (ec > ep || (ec == ep && (ch > ph || (ch == ph && cl > pl)))) {
    xh = ch; xl = cl; ex = ec; sx = sc; yh = ph; yl = pl; ey = ep; sy = sp;
  }
  shr128Jam(yh, yl, ex - ey);
  yh = wHi; yl = wLo;
  let rh: u64, rl: u64;
  if (sx == sy) {
    rl = xl + yl;
    rh = xh + yh + (rl < xl ? 1 : 0);
  } else {
    rl = xl - yl;
    rh = xh - yh - (xl < yl ? 1 : 0);
    if (rh == 0 && rl == 0) return zero(rm == RM_RDN ? 1 : 0, F, E);
  }
  const p: i32 = rh != 0 ? 127 - <i32>clz<u64>(rh) : 63 - <i32>clz<u64>(rl);
  let sig: u64;
  if (p >= 62) { shr128Jam(rh, rl, p - 62); sig = wLo; }
  else sig = rl << <u64>(62 - p);
  return roundPack(sx, ex + p - 125, sig, rm, F, E);
}

function gMinMax(a: u64, b: u64, isMax: bool, F: i32, E: i32): u64 {
  const an = isNaNBits(a, F, E), bn = isNaNBits(b, F, E);
  if (isSNaNBits(a, F, E) || isSNaNBits(b, F, E)) fflags |= FLAG_NV;
  if (an && bn) return canonNaN(F, E);
  if (an) return b;
  if (bn) return a;
  const aLess = orderedLess(a, b, F, E);
  if (isMax) return aLess ? b : a;
  return aLess ? a : b;
}

/** Total-order-like less-than on non-NaN patterns with -0 < +0. */
function orderedLess(a: u64, b: u64, F: i32, E: i32): bool {
  const sa = (a >> signShift(F, E)) & 1, sb = (b >> signShift(F, E)) & 1;
  if (sa != sb) return sa != 0;
  return sa != 0 ? a > b : a < b;
}

function isZeroBits(x: u64, F: i32, E: i32): bool {
  return (x & (((<u64>1) << signShift(F, E)) - 1)) == 0;
}

function gEq(a: u64, b: u64, F: i32, E: i32): i32 {
  if (isNaNBits(a, F, E) || isNaNBits(b, F, E)) {
    if (isSNaNBits(a, F, E) || isSNaNBits(b, F, E)) fflags |= FLAG_NV;
    return 0;
  }
  return a == b || (isZeroBits(a, F, E) && isZeroBits(b, F, E)) ? 1 : 0;
}

function gLt(a: u64, b: u64, orEqual: bool, F: i32, E: i32): i32 {
  if (isNaNBits(a, F, E) || isNaNBits(b, F, E)) { fflags |= FLAG_NV; return 0; }
  if (isZeroBits(a, F, E) && isZeroBits(b, F, E)) return orEqual ? 1 : 0;
  if (a == b) return orEqual ? 1 : 0;
  return orderedLess(a, b, F, E) ? 1 : 0;
}

function gClassify(x: u64, F: i32, E: i32): i32 {
  const k = unpack(x, F, E);
  const neg = uSign != 0;
  if (k == K_SNAN) return 1 << 8;
  if (k == K_QNAN) return 1 << 9;
  if (k == K_INF) return neg ? 1 << 0 : 1 << 7;
  if (k == K_ZERO) return neg ? 1 << 3 : 1 << 4;
  const subnormal = ((x >> <u64>F) & (((<u64>1) << <u64>E) - 1)) == 0;
  if (subnormal) return neg ? 1 << 2 : 1 << 5;
  return neg ? 1 << 1 : 1 << 6;
}

/** Convert between formats (F1,E1) -> (F2,E2). */
function gConvert(a: u64, rm: i32, F1: i32, E1: i32, F2: i32, E2: i32): u64 {
  const k = unpack(a, F1, E1);
  if (k >= K_QNAN) {
    if (k == K_SNAN) fflags |= FLAG_NV;
    return canonNaN(F2, E2);
  }
  if (k == K_INF) return infinity(uSign, F2, E2);
  if (k == K_ZERO) return zero(uSign, F2, E2);
  return roundPack(uSign, uExp, uSig, rm, F2, E2);
}

/** Signed or unsigned 64-bit integer magnitude to float. */
function gFromInt(sign: u64, mag: u64, rm: i32, F: i32, E: i32): u64 {
  if (mag == 0) return 0;
  return normRoundPack(sign, 62, mag, rm, F, E);
}

/**
 * Float to integer, saturating. `bits` is 32 or 64; the result is returned as an i64 holding the value
 * sign-extended from `bits` (so 32-bit unsigned results are their 32-bit pattern sign-extended, as RV64 writes).
 */
function gToInt(a: u64, rm: i32, signed: bool, bits: i32, F: i32, E: i32): i64 {
  const k = unpack(a, F, E);
  const sign = uSign;
  const maxU: u64 = bits == 64 ? <u64>-1 : 0xffffffff;
  const maxS: u64 = bits == 64 ? 0x7fffffffffffffff : 0x7fffffff;
  // saturation values as sign-extended results
  const satMax: i64 = signed ? <i64>maxS : -1;
  const satMin: i64 = signed ? -<i64>maxS - 1 : 0;
  if (k >= K_QNAN) { fflags |= FLAG_NV; return satMax; }
  if (k == K_INF) { fflags |= FLAG_NV; return sign != 0 ? satMin : satMax; }
  if (k == K_ZERO) return 0;
  const e = uExp, sig = uSig;
  if (e >= 64) { fflags |= FLAG_NV; return sign != 0 ? satMin : satMax; }
  let mag: u64, frac: u64;
  if (e == 63) { mag = sig << 1; frac = 0; }
  else if (e >= -1) {
    const sh = <u64>(62 - e);   // 0..63
    mag = sh == 0 ? sig : sig >> sh;
    frac = sh == 0 ? 0 : sig << (64 - sh);
  } else { mag = 0; frac = 1; }   // below one half, nonzero
  const half: u64 = (<u64>1) << 63;
  let up = false;
  if (frac != 0) {
    switch (rm) {
      case RM_RNE: up = frac > half || (frac == half && (mag & 1) != 0); break;
      case RM_RTZ: up = false; break;
      case RM_RDN: up = sign != 0; break;
      case RM_RUP: up = sign == 0; break;
      case RM_RMM: up = frac >= half; break;
    }
  }
  if (up) {
    mag += 1;
    if (mag == 0) { fflags |= FLAG_NV; return sign != 0 ? satMin : satMax; }   // wrapped past 2^64
  }
  if (signed) {
    const limit: u64 = sign != 0 ? maxS + 1 : maxS;
    if (mag > limit) { fflags |= FLAG_NV; return sign != 0 ? satMin : satMax; }
    if (frac != 0) fflags |= FLAG_NX;
    const v: i64 = sign != 0 ? -<i64>mag : <i64>mag;
    return v;
  }
  if (sign != 0 && mag != 0) { fflags |= FLAG_NV; return satMin; }
  if (mag > maxU) { fflags |= FLAG_NV; return satMax; }
  if (frac != 0) fflags |= FLAG_NX;
  return bits == 64 ? <i64>mag : <i64><i32><u32>mag;
}

function gSgnj(a: u64, b: u64, kind: i32, F: i32, E: i32): u64 {
  const sh = signShift(F, E);
  const signBit: u64 = (<u64>1) << sh;
  const mag = a & (signBit - 1);
  if (kind == 0) return mag | (b & signBit);
  if (kind == 1) return mag | ((b & signBit) ^ signBit);
  return mag | ((a ^ b) & signBit);
}

// ---------------------------------------------------------------------------------------------------------------
// single precision

export function f32_add(a: u32, b: u32, rm: i32): u32 { return <u32>gAdd(a, b, false, rm, F_S, E_S); }
export function f32_sub(a: u32, b: u32, rm: i32): u32 { return <u32>gAdd(a, b, true, rm, F_S, E_S); }
export function f32_mul(a: u32, b: u32, rm: i32): u32 { return <u32>gMul(a, b, rm, F_S, E_S); }
export function f32_div(a: u32, b: u32, rm: i32): u32 { return <u32>gDiv(a, b, rm, F_S, E_S); }
export function f32_sqrt(a: u32, rm: i32): u32 { return <u32>gSqrt(a, rm, F_S, E_S); }
/** a * b + c, rounded once. fmsub/fnmsub/fnmadd: the caller flips the signs of c and/or a. */
export function f32_fma(a: u32, b: u32, c: u32, rm: i32): u32 { return <u32>gFma(a, b, c, rm, F_S, E_S); }
export function f32_min(a: u32, b: u32): u32 { return <u32>gMinMax(a, b, false, F_S, E_S); }
export function f32_max(a: u32, b: u32): u32 { return <u32>gMinMax(a, b, true, F_S, E_S); }
export function f32_eq(a: u32, b: u32): i32 { return gEq(a, b, F_S, E_S); }
export function f32_lt(a: u32, b: u32): i32 { return gLt(a, b, false, F_S, E_S); }
export function f32_le(a: u32, b: u32): i32 { return gLt(a, b, true, F_S, E_S); }
export function f32_classify(a: u32): i32 { return gClassify(a, F_S, E_S); }
export function f32_sgnj(a: u32, b: u32): u32 { return <u32>gSgnj(a, b, 0, F_S, E_S); }
export function f32_sgnjn(a: u32, b: u32): u32 { return <u32>gSgnj(a, b, 1, F_S, E_S); }
export function f32_sgnjx(a: u32, b: u32): u32 { return <u32>gSgnj(a, b, 2, F_S, E_S); }
export function f32_to_f64(a: u32, rm: i32): u64 { return gConvert(a, rm, F_S, E_S, F_D, E_D); }
export function f32_to_i32(a: u32, rm: i32): i32 { return <i32>gToInt(a, rm, true, 32, F_S, E_S); }
export function f32_to_u32(a: u32, rm: i32): i32 { return <i32>gToInt(a, rm, false, 32, F_S, E_S); }
export function f32_to_i64(a: u32, rm: i32): i64 { return gToInt(a, rm, true, 64, F_S, E_S); }
export function f32_to_u64(a: u32, rm: i32): i64 { return gToInt(a, rm, false, 64, F_S, E_S); }
export function i32_to_f32(x: i32, rm: i32): u32 {
  return <u32>gFromInt(x < 0 ? 1 : 0, x < 0 ? <u64>(-<i64>x) : <u64>x, rm, F_S, E_S);
}
export function u32_to_f32(x: u32, rm: i32): u32 { return <u32>gFromInt(0, <u64>x, rm, F_S, E_S); }
export function i64_to_f32(x: i64, rm: i32): u32 {
  return <u32>gFromInt(x < 0 ? 1 : 0, x < 0 ? <u64>(0 - x) : <u64>x, rm, F_S, E_S);
}
export function u64_to_f32(x: u64, rm: i32): u32 { return <u32>gFromInt(0, x, rm, F_S, E_S); }

// ---------------------------------------------------------------------------------------------------------------
// double precision

export function f64_add(a: u64, b: u64, rm: i32): u64 { return gAdd(a, b, false, rm, F_D, E_D); }
export function f64_sub(a: u64, b: u64, rm: i32): u64 { return gAdd(a, b, true, rm, F_D, E_D); }
export function f64_mul(a: u64, b: u64, rm: i32): u64 { return gMul(a, b, rm, F_D, E_D); }
export function f64_div(a: u64, b: u64, rm: i32): u64 { return gDiv(a, b, rm, F_D, E_D); }
export function f64_sqrt(a: u64, rm: i32): u64 { return gSqrt(a, rm, F_D, E_D); }
/** a * b + c, rounded once. fmsub/fnmsub/fnmadd: the caller flips the signs of c and/or a. */
export function f64_fma(a: u64, b: u64, c: u64, rm: i32): u64 { return gFma(a, b, c, rm, F_D, E_D); }
export function f64_min(a: u64, b: u64): u64 { return gMinMax(a, b, false, F_D, E_D); }
export function f64_max(a: u64, b: u64): u64 { return gMinMax(a, b, true, F_D, E_D); }
export function f64_eq(a: u64, b: u64): i32 { return gEq(a, b, F_D, E_D); }
export function f64_lt(a: u64, b: u64): i32 { return gLt(a, b, false, F_D, E_D); }
export function f64_le(a: u64, b: u64): i32 { return gLt(a, b, true, F_D, E_D); }
export function f64_classify(a: u64): i32 { return gClassify(a, F_D, E_D); }
export function f64_sgnj(a: u64, b: u64): u64 { return gSgnj(a, b, 0, F_D, E_D); }
export function f64_sgnjn(a: u64, b: u64): u64 { return gSgnj(a, b, 1, F_D, E_D); }
export function f64_sgnjx(a: u64, b: u64): u64 { return gSgnj(a, b, 2, F_D, E_D); }
export function f64_to_f32(a: u64, rm: i32): u32 { return <u32>gConvert(a, rm, F_D, E_D, F_S, E_S); }
export function f64_to_i32(a: u64, rm: i32): i32 { return <i32>gToInt(a, rm, true, 32, F_D, E_D); }
export function f64_to_u32(a: u64, rm: i32): i32 { return <i32>gToInt(a, rm, false, 32, F_D, E_D); }
export function f64_to_i64(a: u64, rm: i32): i64 { return gToInt(a, rm, true, 64, F_D, E_D); }
export function f64_to_u64(a: u64, rm: i32): i64 { return gToInt(a, rm, false, 64, F_D, E_D); }
export function i32_to_f64(x: i32, rm: i32): u64 {
  return gFromInt(x < 0 ? 1 : 0, x < 0 ? <u64>(-<i64>x) : <u64>x, rm, F_D, E_D);
}
export function u32_to_f64(x: u32, rm: i32): u64 { return gFromInt(0, <u64>x, rm, F_D, E_D); }
export function i64_to_f64(x: i64, rm: i32): u64 {
  return gFromInt(x < 0 ? 1 : 0, x < 0 ? <u64>(0 - x) : <u64>x, rm, F_D, E_D);
}
export function u64_to_f64(x: u64, rm: i32): u64 { return gFromInt(0, x, rm, F_D, E_D); }

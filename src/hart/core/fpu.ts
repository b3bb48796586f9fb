// Execution of the F and D instructions other than loads and stores, on the architectural state in wasm memory
// (layout.ts: FREG, XREG, fcsr in MISC). Arithmetic is done by the integer-only soft-float layer (softfloat.ts).
// AssemblyScript.
import { XREG, FREG, MISC, MISC_FCSR } from '../layout';
import * as sf from './softfloat';
import * as O from './ops.generated';

const FCSR_ADDR: usize = <usize>(MISC + MISC_FCSR * 8);
const BOX: u64 = 0xffffffff00000000;

@inline function fr(r: i32): u64 { return load<u64>(<usize>FREG + (<usize>r << 3)); }
@inline function fw(r: i32, v: u64): void { store<u64>(<usize>FREG + (<usize>r << 3), v); }
@inline function xr(r: i32): u64 { return load<u64>(<usize>XREG + (<usize>r << 3)); }
@inline function xw(r: i32, v: u64): void { store<u64>(<usize>XREG + (<usize>r << 3), v); }

/** A single-precision operand: the low 32 bits if properly NaN-boxed, else the canonical NaN. */
@inline function fs(r: i32): u32 {
  const v = fr(r);
  return (v >> 32) == 0xffffffff ? <u32>v : sf.CANON_NAN_S;
}
@inline function fsw(r: i32, v: u32): void { fw(r, BOX | <u64>v); }
@inline function sext32(v: i32): u64 { return <u64><i64>v; }

/** Whether `op` has a rounding-mode field (arithmetic and conversions). */
function hasRm(op: i32): bool {
  switch (op) {
    case O.OP_FSGNJ_S: case O.OP_FSGNJN_S: case O.OP_FSGNJX_S: case O.OP_FMIN_S: case O.OP_FMAX_S:
    case O.OP_FEQ_S: case O.OP_FLT_S: case O.OP_FLE_S: case O.OP_FCLASS_S: case O.OP_FMV_X_W: case O.OP_FMV_W_X:
    case O.OP_FSGNJ_D: case O.OP_FSGNJN_D: case O.OP_FSGNJX_D: case O.OP_FMIN_D: case O.OP_FMAX_D:
    case O.OP_FEQ_D: case O.OP_FLT_D: case O.OP_FLE_D: case O.OP_FCLASS_D: case O.OP_FMV_X_D: case O.OP_FMV_D_X:
      return false;
  }
  return true;
}

/**
 * Execute one decoded F/D instruction (not flw/fsw/fld/fsd). `rm` is the instruction's funct3. Returns false
 * when the instruction is illegal (unknown op, reserved rounding mode, or dynamic rounding with frm >= 5);
 * the state is then unchanged.
 */
export function execFp(op: i32, rd: i32, rs1: i32, rs2: i32, rs3: i32, rm: i32): bool {
  const fcsr = load<u64>(FCSR_ADDR);
  if (hasRm(op)) {
    if (rm == 7) rm = <i32>((fcsr >> 5) & 7);
    if (rm >= 5) return false;
  }
  sf.fflags = 0;
  switch (op) {
    // ---- single
    case O.OP_FADD_S: fsw(rd, sf.f32_add(fs(rs1), fs(rs2), rm)); break;
    case O.OP_FSUB_S: fsw(rd, sf.f32_sub(fs(rs1), fs(rs2), rm)); break;
    case O.OP_FMUL_S: fsw(rd, sf.f32_mul(fs(rs1), fs(rs2), rm)); break;
    case O.OP_FDIV_S: fsw(rd, sf.f32_div(fs(rs1), fs(rs2), rm)); break;
    case O.OP_FSQRT_S: fsw(rd, sf.f32_sqrt(fs(rs1), rm)); break;
    case O.OP_FMADD_S: fsw(rd, sf.f32_fma(fs(rs1), fs(rs2), fs(rs3), rm)); break;
    case O.OP_FMSUB_S: fsw(rd, sf.f32_fma(fs(rs1), fs(rs2), fs(rs3) ^ 0x80000000, rm)); break;
    case O.OP_FNMSUB_S: fsw(rd, sf.f32_fma(fs(rs1) ^ 0x80000000, fs(rs2), fs(rs3), rm)); break;
    case O.OP_FNMADD_S: fsw(rd, sf.f32_fma(fs(rs1) ^ 0x80000000, fs(rs2), fs(rs3) ^ 0x80000000, rm)); break;
    case O.OP_FSGNJ_S: fsw(rd, sf.f32_sgnj(fs(rs1), fs(rs2))); break;
    case O.OP_FSGNJN_S: fsw(rd, sf.f32_sgnjn(fs(rs1), fs(rs2))); break;
    case O.OP_FSGNJX_S: fsw(rd, sf.f32_sgnjx(fs(rs1), fs(rs2))); break;
    case O.OP_FMIN_S: fsw(rd, sf.f32_min(fs(rs1), fs(rs2))); break;
    case O.OP_FMAX_S: fsw(rd, sf.f32_max(fs(rs1), fs(rs2))); break;
    case O.OP_FEQ_S: xw(rd, <u64>sf.f32_eq(fs(rs1), fs(rs2))); break;
    case O.OP_FLT_S: xw(rd, <u64>sf.f32_lt(fs(rs1), fs(rs2))); break;
    case O.OP_FLE_S: xw(rd, <u64>sf.f32_le(fs(rs1), fs(rs2))); break;
    case O.OP_FCLASS_S: xw(rd, <u64>sf.f32_classify(fs(rs1))); break;
    case O.OP_FCVT_W_S: xw(rd, sext32(sf.f32_to_i32(fs(rs1), rm))); break;
    case O.OP_FCVT_WU_S: xw(rd, sext32(sf.f32_to_u32(fs(rs1), rm))); break;
    case O.OP_FCVT_L_S: xw(rd, <u64>sf.f32_to_i64(fs(rs1), rm)); break;
    case O.OP_FCVT_LU_S: xw(rd, <u64>sf.f32_to_u64(fs(rs1), rm)); break;
    case O.OP_FCVT_S_W: fsw(rd, sf.i32_to_f32(<i32>xr(rs1), rm)); break;
    case O.OP_FCVT_S_WU: fsw(rd, sf.u32_to_f32(<u32>xr(rs1), rm)); break;
    case O.OP_FCVT_S_L: fsw(rd, sf.i64_to_f32(<i64>xr(rs1), rm)); break;
    case O.OP_FCVT_S_LU: fsw(rd, sf.u64_to_f32(xr(rs1), rm)); break;
    case O.OP_FMV_X_W: xw(rd, sext32(<i32>fr(rs1))); break;
    case O.OP_FMV_W_X: fsw(rd, <u32>xr(rs1)); break;
    case O.OP_FCVT_S_D: fsw(rd, sf.f64_to_f32(fr(rs1), rm)); break;
    case O.OP_FCVT_D_S: fw(rd, sf.f32_to_f64(fs(rs1), rm)); break;
    // ---- double
    case O.OP_FADD_D: fw(rd, sf.f64_add(fr(rs1), fr(rs2), rm)); break;
    case O.OP_FSUB_D: fw(rd, sf.f64_sub(fr(rs1), fr(rs2), rm)); break;
    case O.OP_FMUL_D: fw(rd, sf.f64_mul(fr(rs1), fr(rs2), rm)); break;
    case O.OP_FDIV_D: fw(rd, sf.f64_div(fr(rs1), fr(rs2), rm)); break;
    case O.OP_FSQRT_D: fw(rd, sf.f64_sqrt(fr(rs1), rm)); break;
    case O.OP_FMADD_D: fw(rd, sf.f64_fma(fr(rs1), fr(rs2), fr(rs3), rm)); break;
    case O.OP_FMSUB_D: fw(rd, sf.f64_fma(fr(rs1), fr(rs2), fr(rs3) ^ 0x8000000000000000, rm)); break;
    case O.OP_FNMSUB_D: fw(rd, sf.f64_fma(fr(rs1) ^ 0x8000000000000000, fr(rs2), fr(rs3), rm)); break;
    case O.OP_FNMADD_D:
      fw(rd, sf.f64_fma(fr(rs1) ^ 0x8000000000000000, fr(rs2), fr(rs3) ^ 0x8000000000000000, rm)); break;
    case O.OP_FSGNJ_D: fw(rd, sf.f64_sgnj(fr(rs1), fr(rs2))); break;
    case O.OP_FSGNJN_D: fw(rd, sf.f64_sgnjn(fr(rs1), fr(rs2))); break;
    case O.OP_FSGNJX_D: fw(rd, sf.f64_sgnjx(fr(rs1), fr(rs2))); break;
    case O.OP_FMIN_D: fw(rd, sf.f64_min(fr(rs1), fr(rs2))); break;
    case O.OP_FMAX_D: fw(rd, sf.f64_max(fr(rs1), fr(rs2))); break;
    case O.OP_FEQ_D: xw(rd, <u64>sf.f64_eq(fr(rs1), fr(rs2))); break;
    case O.OP_FLT_D: xw(rd, <u64>sf.f64_lt(fr(rs1), fr(rs2))); break;
    case O.OP_FLE_D: xw(rd, <u64>sf.f64_le(fr(rs1), fr(rs2))); break;
    case O.OP_FCLASS_D: xw(rd, <u64>sf.f64_classify(fr(rs1))); break;
    case O.OP_FCVT_W_D: xw(rd, sext32(sf.f64_to_i32(fr(rs1), rm))); break;
    case O.OP_FCVT_WU_D: xw(rd, sext32(sf.f64_to_u32(fr(rs1), rm))); break;
    case O.OP_FCVT_L_D: xw(rd, <u64>sf.f64_to_i64(fr(rs1), rm)); break;
    case O.OP_FCVT_LU_D: xw(rd, <u64>sf.f64_to_u64(fr(rs1), rm)); break;
    case O.OP_FCVT_D_W: fw(rd, sf.i32_to_f64(<i32>xr(rs1), rm)); break;
    case O.OP_FCVT_D_WU: fw(rd, sf.u32_to_f64(<u32>xr(rs1), rm)); break;
    case O.OP_FCVT_D_L: fw(rd, sf.i64_to_f64(<i64>xr(rs1), rm)); break;
    case O.OP_FCVT_D_LU: fw(rd, sf.u64_to_f64(xr(rs1), rm)); break;
    case O.OP_FMV_X_D: xw(rd, fr(rs1)); break;
    case O.OP_FMV_D_X: fw(rd, xr(rs1)); break;
    default: return false;
  }
  if (sf.fflags != 0) store<u64>(FCSR_ADDR, fcsr | <u64>sf.fflags);
  return true;
}

// Test entry: re-exports the soft-float layer (src/hart/core/softfloat.ts) so the tests can call it directly.
import * as sf from '../../src/hart/core/softfloat';
export * from '../../src/hart/core/softfloat';

export function getFlags(): i32 { return sf.fflags; }
export function setFlags(v: i32): void { sf.fflags = v; }

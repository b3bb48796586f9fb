// Test entry: exposes execFp (src/hart/core/fpu.ts) with the wasm memory holding the register file (layout.ts).
export { execFp } from '../../src/hart/core/fpu';

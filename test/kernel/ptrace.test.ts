// The interrupted user context (Process.userContext, src/kernel/ptrace.ts) at every instruction of the trap
// entry: from the first instruction of handle_exception, while the frame is being built, while the host serves
// the system call, through ret_from_exception to the sret, it is the context the ecall interrupted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from '../../src/kernel/process';
import { fixture } from './helpers';
import { CSR_SEPC, CAUSE_USER_ECALL } from '../../src/isa/encoding.generated';

const isKernel = (a: bigint) => (a >> 63n) === 1n;

test('userContext is the interrupted user context at every instruction of the trap entry', () => {
  const proc = launch({ program: fixture('hello'), disableRandomization: true, seed: 1, onStdout: () => {} });
  const hart = proc.hart;
  assert.equal(proc.userContext(), undefined, 'not in the trap entry at the first user instruction');
  hart.setTrapStops(1n << BigInt(CAUSE_USER_ECALL), 0n); // stop after each ecall from U-mode
  let checked = 0;
  for (let traps = 0; traps < 3; traps++) {
    const r = proc.run(10_000_000);
    assert.equal(r.kind, 'hart', `stopped at a trap (got ${r.kind})`);
    assert.ok(isKernel(hart.pc), 'the stop is in the trap entry');
    const user = Array.from({ length: 32 }, (_, i) => hart.x(i));
    const ecall = hart.csr(CSR_SEPC);
    let served = false;
    let lastCtx;
    while (isKernel(hart.pc)) {
      const ctx = proc.userContext();
      assert.ok(ctx, `a user context at ${hart.pc.toString(16)}`);
      if (ctx.pc === ecall + 4n) served = true;
      assert.equal(ctx.pc, served ? ecall + 4n : ecall, `pc at ${hart.pc.toString(16)}`);
      for (let i = 1; i < 32; i++) {
        if (i === 10 && served) continue; // a0 holds the result once the host served the call
        assert.equal(ctx.regs[i], user[i], `x${i} at ${hart.pc.toString(16)}`);
      }
      lastCtx = ctx;
      checked++;
      const s = proc.run(1);
      assert.ok(s.kind === 'budget' || s.kind === 'hart', `step in the entry (got ${s.kind})`);
    }
    assert.ok(served, 'the system call was served');
    assert.equal(hart.pc, ecall + 4n);
    for (let i = 1; i < 32; i++) assert.equal(hart.x(i), lastCtx!.regs[i], `x${i} after sret`);
  }
  assert.ok(checked > 3 * 100, `checked every instruction of three traps (${checked})`);
});

// The main job: a real DAP client drives the built debug adapter (dist/debugAdapter.js) through the vDSO
// walk-through on the bundled samples (the Linux fixtures vdso and syscall): a pending function breakpoint on
// __vdso_clock_gettime / __vdso_gettimeofday, the stop inside the vDSO with its source, stack, [vvar] and CSRs,
// then an ecall stepped into handle_exception and back out after sret. Exits 0 only when every step happened.
// Usage: npm run build && node --import tsx scripts/main-job.ts [VDSO_PROGRAM [SYSCALL_PROGRAM]]
import { join } from 'node:path';
import { runWalkthrough } from '../src/cli/debug';

const fixtures = join(__dirname, '..', 'test', 'fixtures', 'linux', 'build');
const [vdso = join(fixtures, 'vdso'), sys = join(fixtures, 'syscall')] = process.argv.slice(2);
runWalkthrough(vdso, sys).then((code) => process.exit(code), (e: Error) => { console.error(e); process.exit(1); });

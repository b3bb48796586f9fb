// Runs Node's own test runner over every file under test/ whose name ends with the given suffix
// (Node 20's --test takes no glob patterns). Usage: node scripts/run-tests.mjs .test.ts [filter]
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const [suffix = '.test.ts', filter = ''] = process.argv.slice(2);
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'fixtures' || name === 'node_modules') continue;
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith(suffix) && p.includes(filter)) files.push(p);
  }
})('test');
files.sort();
if (files.length === 0) {
  console.error(`no test files ending in ${suffix}`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);

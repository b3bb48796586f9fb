// samples/ (the workspace a newcomer opens) shows programs the test fixtures already have. One source each:
// test/fixtures/linux/src/NAME.c is the source (its build and expected output are the fixtures'); samples/NAME.c
// must be the same bytes, so an edit to one side fails here until the other follows (copy it over).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const SAMPLES = join(ROOT, 'samples');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'linux', 'src');

/** The samples' C sources that differ from (or are missing in) the fixtures. */
export function driftedSamples(samplesDir: string, fixturesDir: string): string[] {
  const bad: string[] = [];
  for (const name of readdirSync(samplesDir).filter((n) => n.endsWith('.c'))) {
    const fixture = join(fixturesDir, name);
    if (!existsSync(fixture)) bad.push(`${name}: no test/fixtures/linux/src/${name}`);
    else if (!readFileSync(join(samplesDir, name)).equals(readFileSync(fixture))) bad.push(`${name}: differs from test/fixtures/linux/src/${name}`);
  }
  return bad;
}

test('every samples/*.c is the same file as test/fixtures/linux/src/*.c', () => {
  assert.ok(readdirSync(SAMPLES).some((n) => n.endsWith('.c')), 'samples/ has C sources');
  assert.deepEqual(driftedSamples(SAMPLES, FIXTURES), []);
});

test('the check reports a sample that drifted or has no fixture (it can fail)', () => {
  // the fixtures compared against themselves pass; samples/ against an empty-of-C directory fails for each
  assert.deepEqual(driftedSamples(FIXTURES, FIXTURES), []);
  const drift = driftedSamples(SAMPLES, join(ROOT, 'test', 'fixtures', 'bare'));
  assert.ok(drift.length > 0 && drift.every((d) => /no test\/fixtures\/linux\/src\//.test(d)), drift.join('; '));
});

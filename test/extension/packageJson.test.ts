// package.json's contributions: the launch schema is kept side by side with the adapter's launch arguments
// (src/debug/launch.ts LaunchConfig + src/debug/session.ts LaunchArguments), read here with the TypeScript
// parser, so an option added to the adapter without its schema (or the reverse) fails this test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { LAUNCH_ATTRIBUTE_KINDS } from '../../src/debug/launchArgs';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const debuggerContribution = pkg.contributes.debuggers.find((d: { type: string }) => d.type === 'riscv-vdso');

/** Member names (and whether optional) of an interface declared in a source file. */
function interfaceMembers(file: string, name: string): Map<string, boolean> {
  const sf = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.ES2022, true);
  const out = new Map<string, boolean>();
  sf.forEachChild((n) => {
    if (ts.isInterfaceDeclaration(n) && n.name.text === name) {
      for (const m of n.members) if (ts.isPropertySignature(m) && m.name && ts.isIdentifier(m.name)) out.set(m.name.text, !!m.questionToken);
    }
  });
  if (!out.size) throw new Error(`interface ${name} not found in ${file}`);
  return out;
}

test('configurationAttributes.launch lists exactly the adapter\'s launch arguments, each documented', () => {
  const adapter = new Map([...interfaceMembers('src/debug/launch.ts', 'LaunchConfig'), ...interfaceMembers('src/debug/session.ts', 'LaunchArguments')]);
  const launch = debuggerContribution.configurationAttributes.launch;
  const schema = launch.properties as Record<string, { description?: string; type?: string; default?: unknown }>;
  assert.deepEqual(Object.keys(schema).sort(), [...adapter.keys()].sort());
  const required = [...adapter].filter(([, optional]) => !optional).map(([k]) => k).sort();
  assert.deepEqual([...launch.required].sort(), required);
  for (const [k, v] of Object.entries(schema)) {
    assert.ok(v.description && v.description.length > 20, `${k} is documented`);
    assert.ok(v.type, `${k} has a type`);
  }
  assert.deepEqual((schema.timeMode as { enum: string[] }).enum.sort(), ['host', 'virtual']);
  // Every attribute has a type check in the adapter's launch validation (src/debug/launchArgs.ts).
  assert.deepEqual(Object.keys(LAUNCH_ATTRIBUTE_KINDS).sort(), Object.keys(schema).sort());
});

test('snippets, initial configurations, breakpoints, language and grammar', () => {
  // Every snippet and the one initial configuration say whose they are; the active-file ones debug ${file}.
  for (const s of debuggerContribution.configurationSnippets) {
    assert.equal(s.body.type, 'riscv-vdso');
    assert.match(s.label, /^RISC-V vDSO Lab: /);
    assert.match(s.body.name, /^RISC-V vDSO Lab: /);
  }
  assert.equal(debuggerContribution.configurationSnippets.filter((s: { body: { program: string } }) => s.body.program === '^"\\${file}"').length, 2);
  assert.deepEqual(debuggerContribution.initialConfigurations, [{
    type: 'riscv-vdso', request: 'launch', name: 'RISC-V vDSO Lab: Debug the active file', program: '${file}', cwd: '${workspaceFolder}', disableRandomization: true,
  }]);
  // The toolbar button comes after VS Code's own debug buttons (navigation@10..70).
  assert.equal(pkg.contributes.menus['debug/toolBar'][0].group, 'navigation@100');
  assert.deepEqual(pkg.contributes.breakpoints.map((b: { language: string }) => b.language), ['c', 'cpp', 'riscv-asm']);
  const lang = pkg.contributes.languages.find((l: { id: string }) => l.id === 'riscv-asm');
  assert.deepEqual(lang.extensions, ['.S', '.s']);
  for (const p of [lang.configuration, pkg.contributes.grammars[0].path, pkg.icon, debuggerContribution.icon.dark, debuggerContribution.icon.light]) {
    assert.ok(existsSync(join(ROOT, p)), `${p} exists`);
  }
  // Every contributed command is one activate.ts registers.
  const src = readFileSync(join(ROOT, 'src/extension/activate.ts'), 'utf8');
  for (const c of pkg.contributes.commands) assert.ok(src.includes(`'${c.command}'`), `${c.command} is registered`);
});

test('.vscodeignore is an allowlist', () => {
  const lines = readFileSync(join(ROOT, '.vscodeignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  assert.equal(lines[0], '**', 'everything is excluded first');
  for (const l of lines.slice(1)) assert.ok(l.startsWith('!'), `${l} re-includes`);
  for (const must of ['!dist/extension.js', '!dist/lspClient.js', '!dist/debugAdapter.js', '!dist/lspServer.js', '!dist/hart.wasm', '!dist/guest/**', '!media/**', '!syntaxes/*.json', '!language-configuration.json', '!package.json', '!README.md', '!LICENSE', '!CHANGELOG.md']) {
    assert.ok(lines.includes(must), must);
  }
});

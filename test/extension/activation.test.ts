// Activation in plain Node against a fake `vscode`: what it registers, and that it loads no emulator code
// (src/hart, src/kernel except the [vvar] layout, src/elf, src/isa, src/debug) until a debug session starts.
import './hooks';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, relative, sep } from 'node:path';
import { mkdtempSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as fake from './fakeVscode';

const ROOT = join(__dirname, '..', '..');
const EMULATOR = /^src\/(hart|elf|isa|debug)\/|^src\/kernel\/(?!vdso\/datapage\.ts$)/;

function loadedEmulatorModules(): string[] {
  return Object.keys(require.cache)
    .map((p) => relative(ROOT, p).split(sep).join('/'))
    .filter((p) => EMULATOR.test(p));
}

function fakeContext() {
  return {
    subscriptions: [] as { dispose(): void }[],
    extensionPath: ROOT,
    extensionUri: fake.Uri.file(ROOT),
    asAbsolutePath: (p: string) => join(ROOT, p),
  };
}

test('activation registers the provider, the factory, the tracker and the commands, and loads no emulator code', async () => {
  assert.deepEqual(loadedEmulatorModules(), [], 'nothing loaded before activation');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { activateRiscvVdso } = require('../../src/extension/activate') as typeof import('../../src/extension/activate');
  const api = activateRiscvVdso(fakeContext() as never);
  await api.startLanguageClient(); // started or failed against the fake; either way it must not load the emulator
  assert.deepEqual(loadedEmulatorModules(), [], 'activation loaded emulator modules');

  for (const id of ['riscvVdso.showVdsoSymbols', 'riscvVdso.openVvarMemory', 'riscvVdso.openVvarInspector', 'riscvVdso.setVdsoBreakpoint', 'riscvVdso.showCost']) {
    assert.ok(fake.registered.commands.has(id), `command ${id}`);
  }
  assert.deepEqual(fake.registered.configProviders.map((p) => [p.type, p.trigger]), [['riscv-vdso', 1], ['riscv-vdso', 2]]);
  assert.ok(fake.registered.trackerFactories.has('riscv-vdso'));
  assert.ok(fake.registered.contentProviders.has('riscv-vdso'));

  // The inline adapter: creating the descriptor is what loads the debugger.
  const factory = fake.registered.descriptorFactories.get('riscv-vdso');
  const d = await factory.createDebugAdapterDescriptor({ id: 's1', type: 'riscv-vdso' });
  assert.ok(d instanceof fake.DebugAdapterInlineImplementation, 'inline by default');
  assert.equal(typeof d.implementation.handleMessage, 'function');
  assert.equal(typeof d.implementation.onDidSendMessage, 'function');
  const loaded = loadedEmulatorModules();
  assert.ok(loaded.includes('src/debug/session.ts'), `the session is loaded now (got ${loaded.join(', ')})`);
  assert.ok(loaded.some((p) => p.startsWith('src/hart/')), 'and the hart with it');
  d.implementation.dispose();
});

test('adapterMode "process" runs dist/debugAdapter.js as a separate process', async () => {
  fake.settings['riscvVdso.adapterMode'] = 'process';
  try {
    const factory = fake.registered.descriptorFactories.get('riscv-vdso');
    const d = await factory.createDebugAdapterDescriptor({ id: 's2', type: 'riscv-vdso' });
    assert.ok(d instanceof fake.DebugAdapterExecutable);
    assert.equal(d.command, process.execPath);
    assert.deepEqual(d.args, [join(ROOT, 'dist', 'debugAdapter.js')]);
  } finally {
    delete fake.settings['riscvVdso.adapterMode'];
  }
});

test('F5 without launch.json on a RISC-V ELF debugs that ELF; on a C file its built program; otherwise it says why', () => {
  const provider = fake.registered.configProviders.find((p) => p.trigger === 1)!.provider;
  // The initial configuration is package.json's alone: a provider adding its own would duplicate it in a new launch.json.
  assert.equal(provider.provideDebugConfigurations, undefined);
  const elf = join(ROOT, 'test', 'fixtures', 'linux', 'build', 'vdso');
  fake.state.activeFile = elf;
  const c1 = provider.resolveDebugConfiguration(undefined, {});
  assert.equal(c1.type, 'riscv-vdso');
  assert.equal(c1.request, 'launch');
  assert.equal(c1.program, elf);

  const dir = mkdtempSync(join(tmpdir(), 'rvl-'));
  copyFileSync(join(ROOT, 'test', 'fixtures', 'linux', 'src', 'vdso.c'), join(dir, 'vdso.c'));
  fake.state.activeFile = join(dir, 'vdso.c');
  fake.registered.messages.length = 0;
  assert.equal(provider.resolveDebugConfiguration(undefined, {}), undefined, 'no built program: launch aborted');
  assert.match(fake.registered.messages[0], /^RISC-V vDSO Lab: No RISC-V program built from .*vdso\.c was found/);
  copyFileSync(elf, join(dir, 'vdso'));
  assert.equal(provider.resolveDebugConfiguration(undefined, {}).program, join(dir, 'vdso'));

  // A launch.json configuration keeps what the user wrote.
  const mine = { type: 'riscv-vdso', request: 'launch', name: 'mine', program: '/x/y', strace: true };
  assert.deepEqual(provider.resolveDebugConfiguration(undefined, { ...mine }), mine);
  fake.state.activeFile = undefined;
});

test('"Show vDSO symbols" without a session lists the generated table, unmapped', async () => {
  const p = fake.registered.contentProviders.get('riscv-vdso');
  const doc = await fake.registered.commands.get('riscvVdso.showVdsoSymbols')!();
  assert.equal(doc.uri.scheme, 'riscv-vdso');
  const uri = doc.uri;
  const text: string = p.provideTextDocumentContent(uri);
  assert.match(text, /DYNAMIC SYMBOL TABLE:/);
  assert.match(text, /g    DF \.text\s+[0-9a-f]{16}  LINUX_4\.15  __vdso_clock_gettime\n/);
  assert.match(text, /not mapped/);
});

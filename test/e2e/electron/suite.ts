// The @vscode/test-electron suite: runs INSIDE a real VS Code's extension host (scripts/e2e/run-vscode.mjs
// bundles this file and starts VS Code on a copy of samples/ with this repository as the extension under
// development). Needs a VS Code build download, so it runs where that is possible (a developer machine, CI
// with network), not on the offline build machines; the code-server suite (test/e2e/*.e2e.ts) covers the same
// ground there. Plain assertions, no test framework: run() rejects on the first failure.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { RiscvVdsoApi } from '../../../src/extension/activate';

const EXT_ID = 'riscv-vdso-lab.riscv-vdso-lab';

function until<T>(what: string, get: () => T | undefined, ms = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const tick = () => {
      const v = get();
      if (v !== undefined) return resolve(v);
      if (Date.now() - t0 > ms) return reject(new Error(`gave up waiting for ${what}`));
      setTimeout(tick, 100);
    };
    tick();
  });
}

async function step(name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
    console.log(`ok     ${name}`);
  } catch (e) {
    console.log(`FAILED ${name}`);
    throw e;
  }
}

export async function run(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'VS Code was opened on a copy of samples/');
  const root = folder.uri.fsPath;
  let api!: RiscvVdsoApi;

  await step('activation: the extension activates and registers its commands', async () => {
    const ext = vscode.extensions.getExtension<RiscvVdsoApi>(EXT_ID);
    assert.ok(ext, `${EXT_ID} is installed`);
    api = await ext.activate();
    const cmds = await vscode.commands.getCommands(true);
    for (const c of ['riscvVdso.showVdsoSymbols', 'riscvVdso.openVvarMemory', 'riscvVdso.setVdsoBreakpoint', 'riscvVdso.showCost']) assert.ok(cmds.includes(c), c);
  });

  await step('configuration provider + debug session: F5-like launch from vdso.c stops at __vdso_clock_gettime in U-mode', async () => {
    await vscode.window.showTextDocument(vscode.Uri.file(join(root, 'vdso.c')));
    vscode.debug.addBreakpoints([new vscode.FunctionBreakpoint('__vdso_clock_gettime')]);
    // No program: the provider must pick the C file's built output next to it (samples/vdso).
    const started = await vscode.debug.startDebugging(folder, { type: 'riscv-vdso', request: 'launch', name: 'F5 on vdso.c' });
    assert.ok(started, 'the session started');
    const stop = await until('a stop', () => api.lastStop());
    assert.equal(stop.priv, 'U');
    const session = stop.session;
    assert.equal(session.configuration.program, join(root, 'vdso'));
    const threads = await session.customRequest('threads');
    const st = await session.customRequest('stackTrace', { threadId: threads.threads[0].id, startFrame: 0, levels: 5 });
    assert.match(st.stackFrames[0].name, /__vdso_clock_gettime/);
    assert.ok(api.lastVvar(), 'the [vvar] page was read at the stop');
    assert.match(api.statusItem.text, /U-mode/);
    await vscode.debug.stopDebugging(session);
  });

  await step('language server: diagnostics on the fixture .S file', async () => {
    const uri = vscode.Uri.file(join(root, 'asm', 'typo.S'));
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(doc.languageId, 'riscv-asm');
    await vscode.window.showTextDocument(doc);
    const diags = await until('diagnostics', () => {
      const d = vscode.languages.getDiagnostics(uri);
      return d.length ? d : undefined;
    });
    assert.deepEqual(diags.map((d) => [d.range.start.line + 1, d.message]), [[6, "unknown register 'x32'"]]);
  });
}

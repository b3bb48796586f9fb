// Route `require('vscode')` to the fake (test/extension/fakeVscode.ts). Import this before the code under test.
import Module from 'node:module';
import { join } from 'node:path';

export const FAKE_VSCODE = join(__dirname, 'fakeVscode.ts');
const M = Module as unknown as { _resolveFilename: (req: string, ...rest: unknown[]) => string };
const original = M._resolveFilename;
M._resolveFilename = function (req: string, ...rest: unknown[]) {
  if (req === 'vscode') return FAKE_VSCODE;
  return original.call(this, req, ...rest);
};

// The extension's entry (bundled to dist/extension.js, `vscode` external). Thin: everything is in activate.ts.
import './timing'; // first: its clock starts when the bundle starts to evaluate
import type { ExtensionContext } from 'vscode';
import { activateRiscvVdso, type RiscvVdsoApi } from './activate';

export function activate(context: ExtensionContext): RiscvVdsoApi {
  return activateRiscvVdso(context);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

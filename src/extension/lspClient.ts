// Starts the RISC-V assembly language server (dist/lspServer.js, bundled from src/lsp/server.ts) over IPC.
// extension.ts calls startLanguageClient(context) from activate(); the client is stopped on deactivation
// through context.subscriptions.

import * as path from 'path';
import type { ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

export const LANGUAGE_ID = 'riscv-asm';

export async function startLanguageClient(context: ExtensionContext): Promise<LanguageClient> {
  const module = context.asAbsolutePath(path.join('dist', 'lspServer.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: LANGUAGE_ID }, { scheme: 'untitled', language: LANGUAGE_ID }],
  };
  const client = new LanguageClient('riscvAsm', 'RISC-V Assembly Language Server', serverOptions, clientOptions);
  context.subscriptions.push({ dispose: () => { void client.stop(); } });
  await client.start();
  return client;
}

// Where the debug adapter runs (setting riscvVdso.adapterMode), like vscode-mock-debug's runMode:
//  inline   the session class (src/debug/session.ts) inside the extension host. It is required lazily, in
//           createDebugAdapterDescriptor: activation loads no emulator code (test/extension/activation.test.ts).
//  process  `node dist/debugAdapter.js`, DAP over stdin/stdout (the extension host's own Node runtime).
//  server   `node dist/debugAdapter.js --server=PORT` started once, each session connects over TCP.
import * as vscode from 'vscode';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Timings } from './timing';

export type AdapterMode = 'inline' | 'process' | 'server';

type SessionModule = typeof import('../debug/session');
type KernelLinkModule = typeof import('../debug/kernelLink');

/** Loads the debugger (and with it the hart, the kernel model, the ELF reader). Only on demand. */
export function loadDebugger(): { session: SessionModule; kernelLink: KernelLinkModule } {
  // Plain require, so esbuild keeps these modules lazily initialised inside the bundle and Node (tsx) loads
  // them only here.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const session = require('../debug/session') as SessionModule;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const kernelLink = require('../debug/kernelLink') as KernelLinkModule;
  return { session, kernelLink };
}

export class AdapterFactory implements vscode.DebugAdapterDescriptorFactory, vscode.Disposable {
  private server?: { child: ChildProcess; port: Promise<number> };

  constructor(private readonly extensionPath: string, private readonly modeOverride?: AdapterMode, private readonly timings?: Timings) {}

  get mode(): AdapterMode {
    return this.modeOverride ?? vscode.workspace.getConfiguration('riscvVdso').get<AdapterMode>('adapterMode', 'inline');
  }

  private get adapterScript(): string {
    return join(this.extensionPath, 'dist', 'debugAdapter.js');
  }

  async createDebugAdapterDescriptor(session: vscode.DebugSession): Promise<vscode.DebugAdapterDescriptor> {
    this.timings?.adapterStarted(session.id);
    try {
      return await this.descriptor();
    } finally {
      this.timings?.adapterEnded(session.id);
    }
  }

  private async descriptor(): Promise<vscode.DebugAdapterDescriptor> {
    const mode = this.mode;
    if (mode === 'process') {
      // The extension host's executable runs as plain Node with ELECTRON_RUN_AS_NODE (ignored by Node itself).
      return new vscode.DebugAdapterExecutable(process.execPath, [this.adapterScript], { env: { ELECTRON_RUN_AS_NODE: '1' } });
    }
    if (mode === 'server') {
      return new vscode.DebugAdapterServer(await this.serverPort());
    }
    const { session, kernelLink } = loadDebugger();
    const adapter = new session.VdsoDebugSession(kernelLink.processFactory());
    return new vscode.DebugAdapterInlineImplementation(adapter as unknown as vscode.DebugAdapter);
  }

  private serverPort(): Promise<number> {
    if (this.server && this.server.child.exitCode === null) return this.server.port;
    const wanted = vscode.workspace.getConfiguration('riscvVdso').get<number>('adapterPort', 0);
    const child = spawn(process.execPath, [this.adapterScript, `--server=${wanted}`], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    const port = new Promise<number>((resolve, reject) => {
      let text = '';
      child.stderr!.on('data', (d: Buffer) => {
        text += d.toString();
        const m = /listening on port (\d+)/.exec(text);
        if (m) resolve(Number(m[1]));
      });
      child.on('exit', (code) => reject(new Error(`the debug adapter server exited (${code}): ${text.trim()}`)));
      child.on('error', reject);
    });
    this.server = { child, port };
    return port;
  }

  dispose(): void {
    this.server?.child.kill();
    this.server = undefined;
  }
}

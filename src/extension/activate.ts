// Shared activation (vscode-mock-debug's activateMockDebug): the debug configuration provider, the adapter
// descriptor factory, the stop watcher with its status bar item and [vvar] inspector, the commands, and the
// language client. Nothing here loads emulator code: src/debug (and with it src/hart, src/kernel, src/elf) is
// required only when a debug session or a cost measurement starts (adapter.ts, runCost below).
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEBUG_TYPE, resolveLaunch, isRiscvElf, type LaunchAttributes } from './config';
import { AdapterFactory, loadDebugger, type AdapterMode } from './adapter';
import { StopWatcher, PrivilegeStatus, readMemory, type StopInfo } from './stops';
import { VvarPanel, CostPanel } from './views/panels';
import { buildVvarModel, type VvarModel } from './views/vvarModel';
import { formatVdsoSymbols, vdsoFunctions, hexDump, vdsoBaseFromVvar } from './vdsoTable';
import { PAGE_SIZE } from '../kernel/vdso/datapage';

export const DOC_SCHEME = 'riscv-vdso';

/** What activate() returns: used by the integration tests and by other extensions. */
export interface RiscvVdsoApi {
  adapterFactory: AdapterFactory;
  statusItem: vscode.StatusBarItem;
  /** The [vvar] model of the last stop, if any. */
  lastVvar(): VvarModel | undefined;
  /** The last stop the watcher saw. */
  lastStop(): StopInfo | undefined;
  /** Resolves once the language client started (or failed: then with the error). */
  languageClient: Promise<unknown>;
}

/** F5 without launch.json, and the initial/dynamic configurations. */
class ConfigurationProvider implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined): vscode.DebugConfiguration[] {
    const root = folder?.uri.fsPath;
    const prog = (name: string) => root && existsSync(join(root, 'bin', name)) ? '${workspaceFolder}/bin/' + name : '${workspaceFolder}/' + name;
    return [
      { type: DEBUG_TYPE, request: 'launch', name: 'vDSO: gettimeofday through libc', program: prog('vdso'), cwd: '${workspaceFolder}', disableRandomization: true, strace: true },
      { type: DEBUG_TYPE, request: 'launch', name: 'syscall: gettimeofday through ecall', program: prog('syscall'), cwd: '${workspaceFolder}', disableRandomization: true, strace: true },
    ];
  }

  resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    const active = vscode.window.activeTextEditor?.document;
    const activeFile = active?.uri.scheme === 'file' ? active.uri.fsPath : undefined;
    const r = resolveLaunch(config as LaunchAttributes, activeFile, folder?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath);
    if (!r.config) {
      void vscode.window.showErrorMessage(`RISC-V vDSO Lab: ${r.problem}`);
      return undefined; // abort the launch
    }
    return r.config as vscode.DebugConfiguration;
  }
}

/** One configuration per RISC-V ELF at the top of the workspace or in its bin/ (the "Run and Debug" drop-down). */
class DynamicConfigurationProvider implements vscode.DebugConfigurationProvider {
  async provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined): Promise<vscode.DebugConfiguration[]> {
    if (!folder) return [];
    const files = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '{*,bin/*}'), undefined, 100);
    return files.filter((f) => isRiscvElf(f.fsPath)).map((f) => ({
      type: DEBUG_TYPE, request: 'launch', name: `Debug ${vscode.workspace.asRelativePath(f, false)}`, program: f.fsPath, cwd: folder.uri.fsPath, disableRandomization: true,
    }));
  }
}

/** Read-only documents: riscv-vdso:/vdso-symbols.txt and riscv-vdso:/vvar.hexdump. */
class Documents implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly texts = new Map<string, string>();
  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}

function activeRiscvSession(): vscode.DebugSession | undefined {
  const s = vscode.debug.activeDebugSession;
  if (s?.type === DEBUG_TYPE) return s;
  return undefined;
}

export function activateRiscvVdso(context: vscode.ExtensionContext, modeOverride?: AdapterMode): RiscvVdsoApi {
  const subs = context.subscriptions;
  subs.push(vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new ConfigurationProvider(), vscode.DebugConfigurationProviderTriggerKind.Initial));
  subs.push(vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new DynamicConfigurationProvider(), vscode.DebugConfigurationProviderTriggerKind.Dynamic));
  const adapterFactory = new AdapterFactory(context.extensionPath, modeOverride);
  subs.push(vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, adapterFactory), adapterFactory);

  const watcher = new StopWatcher();
  const status = new PrivilegeStatus(watcher);
  const vvarPanel = new VvarPanel(context.extensionUri);
  const costPanel = new CostPanel(context.extensionUri);
  subs.push(watcher, status, vvarPanel, costPanel);

  // [vvar] at every stop: compared with the same session's previous stop.
  const previous = new Map<string, Map<string, bigint>>();
  let lastModel: VvarModel | undefined;
  let lastStop: StopInfo | undefined;
  subs.push(watcher.onDidChange((e) => {
    if ('ended' in e) {
      previous.delete(e.session.id);
      return;
    }
    if ('running' in e) return;
    lastStop = e;
    if (!e.vvar || e.vvarAddress === undefined) return;
    try {
      const { model, values } = buildVvarModel(e.vvar, e.vvarAddress, previous.get(e.session.id), e.stop, e.reason);
      previous.set(e.session.id, values);
      lastModel = model;
      vvarPanel.update(model);
    } catch (err) {
      void vscode.window.showWarningMessage(`[vvar]: ${(err as Error).message}`);
    }
  }));

  const docs = new Documents();
  subs.push(vscode.workspace.registerTextDocumentContentProvider(DOC_SCHEME, docs));
  const openDoc = async (name: string, text: string, language = 'plaintext') => {
    const uri = vscode.Uri.from({ scheme: DOC_SCHEME, path: '/' + name });
    docs.set(uri, text);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, language);
    await vscode.window.showTextDocument(doc, { preview: false });
    return doc;
  };

  subs.push(vscode.commands.registerCommand('riscvVdso.showVdsoSymbols', async () => {
    const s = activeRiscvSession();
    const vvar = s ? watcher.last.get(s.id)?.vvarAddress : undefined;
    return openDoc('vdso-symbols.txt', formatVdsoSymbols(vvar !== undefined ? vdsoBaseFromVvar(vvar) : undefined, s?.name));
  }));

  subs.push(vscode.commands.registerCommand('riscvVdso.openVvarMemory', async () => {
    const s = activeRiscvSession();
    const stop = s && watcher.last.get(s.id);
    if (!s || !stop || stop.vvarAddress === undefined) {
      void vscode.window.showInformationMessage('Stop a riscv-vdso debug session of a Linux program first: [vvar] is mapped in its address space.');
      return undefined;
    }
    const ref = '0x' + stop.vvarAddress.toString(16);
    // VS Code's own memory view (the Hex Editor extension) when it is installed; otherwise a hex dump.
    if (vscode.extensions.getExtension('ms-vscode.hexeditor')) {
      const uri = vscode.Uri.from({ scheme: 'vscode-debug-memory', authority: s.id, path: `/${encodeURIComponent(ref)}/vvar.bin`, query: `?range=0:${PAGE_SIZE}` });
      await vscode.commands.executeCommand('vscode.openWith', uri, 'hexEditor.hexedit');
      return uri;
    }
    const bytes = await readMemory(s, ref, 512);
    return openDoc('vvar.hexdump', `[vvar] data page at ${ref} (stop #${stop.stop}; the two struct vdso_data, 480 bytes)\n\n${bytes ? hexDump(bytes, stop.vvarAddress) : 'unreadable'}`);
  }));

  subs.push(vscode.commands.registerCommand('riscvVdso.openVvarInspector', () => {
    vvarPanel.show();
    vvarPanel.update(lastModel);
  }));

  subs.push(vscode.commands.registerCommand('riscvVdso.setVdsoBreakpoint', async (name?: string) => {
    if (typeof name !== 'string') {
      const pick = await vscode.window.showQuickPick(vdsoFunctions().map((f) => ({
        label: f.name, description: `+0x${f.offset.toString(16)}, ${f.size} bytes`, detail: `${f.section} ${f.version}`,
      })), { placeHolder: 'Break on a vDSO function (resolved when the vDSO is mapped)' });
      if (!pick) return undefined;
      name = pick.label;
    }
    const bp = new vscode.FunctionBreakpoint(name);
    vscode.debug.addBreakpoints([bp]);
    return name;
  }));

  subs.push(vscode.commands.registerCommand('riscvVdso.showCost', () => runCost(context, costPanel)));

  let languageClient: Promise<unknown> = Promise.resolve(undefined);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lsp = require('./lspClient') as typeof import('./lspClient');
    languageClient = lsp.startLanguageClient(context).catch((e: Error) => e);
  } catch (e) {
    languageClient = Promise.resolve(e);
  }

  return {
    adapterFactory, statusItem: status.item, languageClient,
    lastVvar: () => lastModel,
    lastStop: () => lastStop,
  };
}

/** Where the clockloop program is: bundled in dist/guest, or in the workspace (samples/clockloop). */
function clockloopPath(context: vscode.ExtensionContext): string | undefined {
  const candidates = [context.asAbsolutePath(join('dist', 'guest', 'clockloop'))];
  for (const f of vscode.workspace.workspaceFolders ?? []) candidates.push(join(f.uri.fsPath, 'clockloop'), join(f.uri.fsPath, 'bin', 'clockloop'));
  return candidates.find((p) => existsSync(p));
}

async function runCost(context: vscode.ExtensionContext, panel: CostPanel): Promise<unknown> {
  panel.show(vscode.ViewColumn.Active);
  const program = clockloopPath(context);
  if (!program) {
    panel.status('The clockloop program was not found (dist/guest/clockloop, or clockloop in the workspace).');
    return undefined;
  }
  const factory = loadDebugger().kernelLink.processFactory();
  if (!factory) {
    panel.status('This build has no Linux kernel model yet, so nothing can be measured.');
    return undefined;
  }
  const calls = vscode.workspace.getConfiguration('riscvVdso').get<number>('cost.calls', 2000);
  panel.status(`Running ${calls} calls each way in the emulator...`);
  await new Promise((r) => setTimeout(r, 50)); // let the panel draw before the (synchronous) run
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { measureCost } = require('./cost/measure') as typeof import('./cost/measure');
    const result = measureCost(factory, program, calls, (t) => panel.status(t));
    panel.result(result);
    return result;
  } catch (e) {
    panel.status(`The measurement failed: ${(e as Error).message}`);
    return undefined;
  }
}

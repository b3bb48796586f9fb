// Shared activation (vscode-mock-debug's activateMockDebug): the debug configuration provider, the adapter
// descriptor factory, the stop watcher with its status bar item and [vvar] inspector, the commands, and the
// language client. Nothing here loads emulator code: src/debug (and with it src/hart, src/kernel, src/elf) is
// required only when a debug session or a cost measurement starts (adapter.ts, runCost below).
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEBUG_TYPE, EM_RISCV, NAME_PREFIX, resolveLaunch, checkLaunch, readHeader, elfInfo, type LaunchAttributes } from './config';
import { AdapterFactory, loadDebugger, type AdapterMode } from './adapter';
import { StopWatcher, PrivilegeStatus, type StopInfo } from './stops';
import { GuestConsoles } from './guestConsole';
import { VvarPanel, CostPanel } from './views/panels';
import { MemoryView } from './views/memoryView';
import { Timings } from './timing';
import { buildVvarModel, type VvarModel } from './views/vvarModel';
import { formatVdsoSymbols, vdsoFunctions, vdsoBaseFromVvar } from './vdsoTable';
import { PAGE_SIZE } from '../kernel/vdso/datapage';

export const DOC_SCHEME = 'riscv-vdso';
const LANGUAGE_ID = 'riscv-asm'; // lspClient.ts's LANGUAGE_ID (not imported: that module loads on demand)

/** What activate() returns: used by the integration tests and by other extensions. */
export interface RiscvVdsoApi {
  adapterFactory: AdapterFactory;
  statusItem: vscode.StatusBarItem;
  /** The [vvar] model of the last stop, if any. */
  lastVvar(): VvarModel | undefined;
  /** The last stop the watcher saw. */
  lastStop(): StopInfo | undefined;
  /** What the memory view shows (undefined before it opened). */
  memoryView(): unknown;
  /** Starts the language client if no riscv-asm document did yet; resolves once it started (or failed: then with the error). */
  startLanguageClient(): Promise<unknown>;
}

/**
 * F5 without launch.json, and the checks of every riscv-vdso configuration. The initial configuration (what
 * "create a launch.json file" writes) is package.json's initialConfigurations alone, "RISC-V vDSO Lab: Debug
 * the active file": this provider adds none, so the new launch.json holds it once.
 */
class ConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly timings?: Timings) {}

  resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    this.timings?.resolveStarted();
    const active = vscode.window.activeTextEditor?.document;
    const activeFile = active?.uri.scheme === 'file' ? active.uri.fsPath : undefined;
    const r = resolveLaunch(config as LaunchAttributes, activeFile, folder?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath);
    if (!r.config) return reportLaunchProblem(r.problem!);
    return r.config as vscode.DebugConfiguration;
  }

  resolveDebugConfigurationWithSubstitutedVariables(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    const r = checkLaunch(config as LaunchAttributes);
    if (!r.config) return reportLaunchProblem(r.problem!);
    this.timings?.resolveEnded();
    return r.config as vscode.DebugConfiguration;
  }
}

/** Shows why a launch cannot start, and aborts it (undefined). */
function reportLaunchProblem(problem: string): undefined {
  void vscode.window.showErrorMessage(`RISC-V vDSO Lab: ${problem}`);
  return undefined;
}

/** Files that are never programs: sources, text, images, objects and libraries (their headers are not read). */
const NOT_A_PROGRAM = /\.(c|h|cc|cpp|cxx|hpp|s|S|md|txt|json|jsonc|sh|py|js|ts|map|png|svg|jpg|html|css|ld|lds|mk|o|a|ko|so(\.\d+)*)$/i;

/** One configuration per RISC-V ELF program in the workspace (the "Run and Debug" drop-down), each once. */
class DynamicConfigurationProvider implements vscode.DebugConfigurationProvider {
  async provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined): Promise<vscode.DebugConfiguration[]> {
    if (!folder) return [];
    const files = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*'), '{**/node_modules/**,**/.git/**,**/.vscode/**}', 5000);
    const seen = new Set<string>();
    const out: { rel: string; program: string }[] = [];
    for (const f of files) {
      const rel = vscode.workspace.asRelativePath(f, false).replace(/\\/g, '/');
      if (seen.has(f.fsPath) || NOT_A_PROGRAM.test(rel)) continue;
      seen.add(f.fsPath);
      const h = readHeader(f.fsPath);
      const info = h && elfInfo(h);
      if (info && info.machine === EM_RISCV && (info.type === 2 || info.type === 3)) out.push({ rel, program: '${workspaceFolder}/' + rel });
    }
    out.sort((x, y) => x.rel.localeCompare(y.rel));
    return out.map(({ rel, program }) => ({
      type: DEBUG_TYPE, request: 'launch', name: `${NAME_PREFIX}${rel}`, program, cwd: '${workspaceFolder}', disableRandomization: true,
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

/**
 * Where our views open: beside the editor when it is alone (a second group), else in another group that is
 * already there (the rightmost one without the active text editor), so the editor is neither covered nor
 * squeezed into a third column.
 */
export function sideColumn(): vscode.ViewColumn {
  const groups = vscode.window.tabGroups?.all ?? [];
  if (groups.length < 2) return vscode.ViewColumn.Beside;
  const editorColumn = vscode.window.activeTextEditor?.viewColumn;
  const others = groups.filter((g) => g.viewColumn !== editorColumn);
  return (others[others.length - 1] ?? groups[groups.length - 1]).viewColumn;
}

const HEX_EDITOR = 'ms-vscode.hexeditor';
const hasHexEditor = () => !!vscode.extensions?.getExtension(HEX_EDITOR);

function activeRiscvSession(): vscode.DebugSession | undefined {
  const s = vscode.debug.activeDebugSession;
  if (s?.type === DEBUG_TYPE) return s;
  return undefined;
}

export function activateRiscvVdso(context: vscode.ExtensionContext, modeOverride?: AdapterMode): RiscvVdsoApi {
  const timings = new Timings();
  const activationStart = timings.now();
  const subs = context.subscriptions;
  const output = vscode.window.createOutputChannel('RISC-V vDSO Lab', { log: true }); // a log file too: the e2e suite reads it
  subs.push(output);
  subs.push(vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new ConfigurationProvider(timings), vscode.DebugConfigurationProviderTriggerKind.Initial));
  subs.push(vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new DynamicConfigurationProvider(), vscode.DebugConfigurationProviderTriggerKind.Dynamic));
  const adapterFactory = new AdapterFactory(context.extensionPath, modeOverride, timings);
  subs.push(vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, adapterFactory), adapterFactory);

  const watcher = new StopWatcher(timings, (line) => output.appendLine(line));
  const status = new PrivilegeStatus(watcher);
  const vvarPanel = new VvarPanel(context.extensionUri);
  const costPanel = new CostPanel(context.extensionUri);
  const memoryView = new MemoryView(context.extensionUri, watcher, sideColumn);
  const guestConsoles = new GuestConsoles();
  subs.push(watcher, status, vvarPanel, costPanel, memoryView, guestConsoles);
  // The Variables view's "View Binary Data (RISC-V vDSO Lab memory view)" shows only without the Hex Editor.
  const setHexEditorContext = () => void vscode.commands.executeCommand('setContext', 'riscvVdso.hexEditor', hasHexEditor());
  setHexEditorContext();
  if (vscode.extensions?.onDidChange) subs.push(vscode.extensions.onDidChange(setHexEditorContext));

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

  /** VS Code's memory view (the Hex Editor) when it is installed, else ours. */
  const openMemory = async (session: vscode.DebugSession, reference: string, title: string) => {
    if (hasHexEditor()) {
      const uri = vscode.Uri.from({ scheme: 'vscode-debug-memory', authority: session.id, path: `/${encodeURIComponent(reference)}/${title.replace(/\W+/g, '_') || 'memory'}.bin`, query: `?range=0:${PAGE_SIZE}` });
      await vscode.commands.executeCommand('vscode.openWith', uri, 'hexEditor.hexedit');
      return uri;
    }
    return memoryView.open(session, reference, title);
  };
  const needStopped = () => {
    const s = activeRiscvSession();
    if (!s || !watcher.last.get(s.id)) {
      void vscode.window.showInformationMessage('Stop a riscv-vdso debug session first: the memory view reads the stopped program\'s memory.');
      return undefined;
    }
    return s;
  };

  subs.push(vscode.commands.registerCommand('riscvVdso.openVvarMemory', async () => {
    const s = needStopped();
    const stop = s && watcher.last.get(s.id);
    if (!s || !stop) return undefined;
    if (stop.vvarAddress === undefined) {
      void vscode.window.showInformationMessage('This program has no [vvar] page (a bare-metal ELF, or the vDSO is not mapped yet).');
      return undefined;
    }
    return openMemory(s, '0x' + stop.vvarAddress.toString(16), '[vvar]');
  }));

  // Any address or expression: the last one the Debug Console showed (x ADDR) is offered first.
  subs.push(vscode.commands.registerCommand('riscvVdso.openMemory', async (reference?: string) => {
    const s = needStopped();
    if (!s) return undefined;
    if (typeof reference !== 'string') {
      reference = await vscode.window.showInputBox({
        title: 'Open memory view at address', prompt: 'An address or expression: 0x3fffffe000, $sp, main, &tv',
        value: watcher.consoleReference.get(s.id)?.expression ?? '$sp',
      });
      if (!reference) return undefined;
    }
    return openMemory(s, reference.trim(), reference.trim());
  }));

  // The Variables view's context menu: { sessionId, container, variable } with variable.memoryReference.
  subs.push(vscode.commands.registerCommand('riscvVdso.viewVariableMemory', async (arg?: { sessionId?: string; variable?: { name?: string; evaluateName?: string; memoryReference?: string } }) => {
    const s = needStopped();
    const ref = arg?.variable?.memoryReference;
    if (!s || !ref) return undefined;
    return memoryView.open(s, ref, arg?.variable?.evaluateName ?? arg?.variable?.name ?? ref);
  }));

  subs.push(vscode.commands.registerCommand('riscvVdso.openVvarInspector', () => {
    vvarPanel.show(sideColumn());
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

  // The language client (and its ~1 MB of libraries, dist/lspClient.js) starts with the first riscv-asm
  // document, not at activation: an F5 on a C file or an ELF does not pay for it.
  let languageClient: Promise<unknown> | undefined;
  const startLanguageClient = (): Promise<unknown> => {
    if (!languageClient) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const lsp = require('./lspClient') as typeof import('./lspClient');
        languageClient = lsp.startLanguageClient(context).catch((e: Error) => e);
      } catch (e) {
        languageClient = Promise.resolve(e);
      }
    }
    return languageClient;
  };
  if (vscode.workspace.textDocuments?.some((d) => d.languageId === LANGUAGE_ID)) void startLanguageClient();
  const opened = vscode.workspace.onDidOpenTextDocument?.((d) => { if (d.languageId === LANGUAGE_ID) void startLanguageClient(); });
  if (opened) subs.push(opened);

  timings.activation = { start: activationStart, end: timings.now() };
  return {
    adapterFactory, statusItem: status.item, startLanguageClient,
    lastVvar: () => lastModel,
    lastStop: () => lastStop,
    memoryView: () => memoryView.current,
  };
}

/** Where the clockloop program is: bundled in dist/guest, or in the workspace (samples/clockloop). */
function clockloopPath(context: vscode.ExtensionContext): string | undefined {
  const candidates = [context.asAbsolutePath(join('dist', 'guest', 'clockloop'))];
  for (const f of vscode.workspace.workspaceFolders ?? []) candidates.push(join(f.uri.fsPath, 'clockloop'), join(f.uri.fsPath, 'bin', 'clockloop'));
  return candidates.find((p) => existsSync(p));
}

async function runCost(context: vscode.ExtensionContext, panel: CostPanel): Promise<unknown> {
  panel.show(sideColumn());
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
    const timeCsr = vscode.workspace.getConfiguration('riscvVdso').get<'hardware' | 'firmware'>('cost.timeCsr', 'hardware');
    const result = measureCost(factory, program, calls, (t) => panel.status(t), timeCsr === 'firmware' ? 'firmware' : 'hardware');
    panel.result(result);
    return result;
  } catch (e) {
    panel.status(`The measurement failed: ${(e as Error).message}`);
    return undefined;
  }
}

// A stand-in for the `vscode` module, enough to activate the extension in plain Node and look at what it
// registered (test/extension/activation.test.ts). Members it does not know are inert classes/functions, so
// libraries that extend vscode classes at load time (vscode-languageclient) still load.
/* eslint-disable @typescript-eslint/no-explicit-any */

export const registered = {
  commands: new Map<string, (...a: any[]) => any>(),
  configProviders: [] as { type: string; provider: any; trigger: number }[],
  descriptorFactories: new Map<string, any>(),
  trackerFactories: new Map<string, any[]>(),
  terminals: [] as { name: string; pty: any; shown: boolean }[],
  contentProviders: new Map<string, any>(),
  statusItems: [] as any[],
  messages: [] as string[],
};
export const settings: Record<string, unknown> = {};
export const state: { activeFile?: string } = {};

class Disposable { constructor(private fn: () => void = () => {}) {} dispose() { this.fn(); } }
class EventEmitter<T> {
  private ls: ((e: T) => void)[] = [];
  event = (l: (e: T) => void) => { this.ls.push(l); return new Disposable(() => (this.ls = this.ls.filter((x) => x !== l))); };
  fire(e: T) { for (const l of this.ls) l(e); }
  dispose() { this.ls = []; }
}
class Uri {
  constructor(public scheme: string, public authority: string, public path: string, public query = '') {}
  get fsPath() { return this.path; }
  static file(p: string) { return new Uri('file', '', p); }
  static from(c: { scheme: string; authority?: string; path?: string; query?: string }) { return new Uri(c.scheme, c.authority ?? '', c.path ?? '', c.query ?? ''); }
  static joinPath(u: Uri, ...parts: string[]) { return new Uri(u.scheme, u.authority, [u.path, ...parts].join('/')); }
  toString() { return `${this.scheme}://${this.authority}${this.path}`; }
}
export class DebugAdapterInlineImplementation { constructor(public implementation: any) {} }
export class DebugAdapterExecutable { constructor(public command: string, public args: string[], public options?: any) {} }
export class DebugAdapterServer { constructor(public port: number) {} }
export class FunctionBreakpoint { constructor(public functionName: string) {} }
export const DebugConfigurationProviderTriggerKind = { Initial: 1, Dynamic: 2 };
export const StatusBarAlignment = { Left: 1, Right: 2 };
export const ViewColumn = { Active: -1, Beside: -2, One: 1 };
export { Disposable, EventEmitter, Uri };

export const debug = {
  activeDebugSession: undefined,
  registerDebugConfigurationProvider: (type: string, provider: any, trigger = 1) => { registered.configProviders.push({ type, provider, trigger }); return new Disposable(); },
  registerDebugAdapterDescriptorFactory: (type: string, f: any) => { registered.descriptorFactories.set(type, f); return new Disposable(); },
  registerDebugAdapterTrackerFactory: (type: string, f: any) => { registered.trackerFactories.set(type, [...(registered.trackerFactories.get(type) ?? []), f]); return new Disposable(); },
  addBreakpoints: () => {},
  onDidStartDebugSession: () => new Disposable(),
  onDidTerminateDebugSession: () => new Disposable(),
};
export const commands = {
  registerCommand: (id: string, fn: any) => { registered.commands.set(id, fn); return new Disposable(); },
  executeCommand: async () => undefined,
};
export const window = {
  get activeTextEditor() { return state.activeFile ? { document: { uri: Uri.file(state.activeFile) } } : undefined; },
  createStatusBarItem: () => { const i = { text: '', tooltip: '', name: '', visible: false, show() { this.visible = true; }, hide() { this.visible = false; }, dispose() {} }; registered.statusItems.push(i); return i; },
  showErrorMessage: async (m: string) => { registered.messages.push(m); return undefined; },
  showWarningMessage: async (m: string) => { registered.messages.push(m); return undefined; },
  showInformationMessage: async (m: string) => { registered.messages.push(m); return undefined; },
  createTerminal: (o: { name: string; pty: any }) => { const t = { name: o.name, pty: o.pty, shown: false, show() { t.shown = true; }, dispose() {} }; registered.terminals.push(t); return t; },
  createOutputChannel: () => ({ append() {}, appendLine() {}, show() {}, dispose() {}, replace() {}, clear() {}, hide() {}, name: 'out' }),
};
export const workspace = {
  workspaceFolders: undefined as any,
  getConfiguration: (section: string) => ({ get: (k: string, d: unknown) => (`${section}.${k}` in settings ? settings[`${section}.${k}`] : d) }),
  registerTextDocumentContentProvider: (scheme: string, p: any) => { registered.contentProviders.set(scheme, p); return new Disposable(); },
  onDidChangeConfiguration: () => new Disposable(),
};
export const languages = { setTextDocumentLanguage: async (doc: unknown) => doc };
export const opened: { uri: Uri }[] = [];
(workspace as Record<string, unknown>).openTextDocument = async (uri: Uri) => { const d = { uri }; opened.push(d); return d; };
(window as Record<string, unknown>).showTextDocument = async () => undefined;
export const version = '1.90.0';

// Anything else: an inert class that can also be called or extended.
const inert: any = new Proxy(function () {}, {
  get: (_t, p) => (p === 'prototype' ? {} : inert),
  construct: () => ({}),
  apply: () => undefined,
});
module.exports = new Proxy(module.exports, {
  get: (t, p) => (p in t ? (t as any)[p] : typeof p === 'string' && /^[A-Z]/.test(p) ? class {} : inert),
});

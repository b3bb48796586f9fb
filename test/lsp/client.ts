// A minimal LSP client for the tests: spawns the built server (dist/lspServer.js --stdio) and talks the
// protocol over its stdin/stdout.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection,
  InitializeRequest, InitializedNotification, DidOpenTextDocumentNotification, DidChangeTextDocumentNotification,
  PublishDiagnosticsNotification, HoverRequest, CompletionRequest, DefinitionRequest, ReferencesRequest,
  DocumentSymbolRequest, ShutdownRequest, ExitNotification,
  type Diagnostic, type Hover, type CompletionItem, type CompletionList, type Location, type DocumentSymbol,
} from 'vscode-languageserver/node';

export const SERVER = join(__dirname, '..', '..', 'dist', 'lspServer.js');

export class TestClient {
  private readonly proc: ChildProcess;
  readonly conn: ProtocolConnection;
  private readonly diags = new Map<string, { version?: number; diagnostics: Diagnostic[] }>();
  private readonly waiters: { uri: string; version?: number; resolve: (d: Diagnostic[]) => void }[] = [];
  private versions = new Map<string, number>();

  private constructor() {
    if (!existsSync(SERVER)) throw new Error(`${SERVER} missing: run npm run build`);
    this.proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.conn = createProtocolConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.diags.set(p.uri, { version: p.version, diagnostics: p.diagnostics });
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        const w = this.waiters[i];
        if (w.uri === p.uri && (w.version === undefined || w.version === p.version)) {
          this.waiters.splice(i, 1);
          w.resolve(p.diagnostics);
        }
      }
    });
    this.conn.listen();
  }

  static async start(): Promise<TestClient> {
    const c = new TestClient();
    await c.conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
    await c.conn.sendNotification(InitializedNotification.type, {});
    return c;
  }

  private waitDiagnostics(uri: string, version: number): Promise<Diagnostic[]> {
    const have = this.diags.get(uri);
    if (have && have.version === version) return Promise.resolve(have.diagnostics);
    return new Promise((resolve) => this.waiters.push({ uri, version, resolve }));
  }

  /** Opens a document and returns its diagnostics. */
  async open(uri: string, text: string): Promise<Diagnostic[]> {
    this.versions.set(uri, 1);
    const p = this.waitDiagnostics(uri, 1);
    await this.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'riscv-asm', version: 1, text } });
    return p;
  }

  async change(uri: string, text: string): Promise<Diagnostic[]> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    const p = this.waitDiagnostics(uri, version);
    await this.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
    return p;
  }

  hover(uri: string, line: number, character: number): Promise<Hover | null> {
    return this.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } });
  }

  async completion(uri: string, line: number, character: number): Promise<CompletionItem[]> {
    const r = await this.conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line, character } }) as CompletionItem[] | CompletionList | null;
    return r === null ? [] : Array.isArray(r) ? r : r.items;
  }

  async definition(uri: string, line: number, character: number): Promise<Location[]> {
    const r = await this.conn.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: { line, character } });
    return (r ?? []) as Location[];
  }

  async references(uri: string, line: number, character: number, includeDeclaration = true): Promise<Location[]> {
    return (await this.conn.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position: { line, character }, context: { includeDeclaration } })) ?? [];
  }

  async symbols(uri: string): Promise<DocumentSymbol[]> {
    return ((await this.conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) ?? []) as DocumentSymbol[];
  }

  async stop(): Promise<void> {
    await this.conn.sendRequest(ShutdownRequest.type);
    await this.conn.sendNotification(ExitNotification.type);
    this.conn.dispose();
    await new Promise<void>((r) => { if (this.proc.exitCode !== null) r(); else this.proc.once('exit', () => r()); });
  }
}

/** Position of the n-th occurrence of `needle` on `line` of `text`. */
export function pos(text: string, needle: string, nth = 1, lineHint?: number): { line: number; character: number } {
  const lines = text.split('\n');
  let count = 0;
  for (let l = lineHint ?? 0; l < lines.length; l++) {
    let i = -1;
    while ((i = lines[l].indexOf(needle, i + 1)) >= 0) {
      if (++count === nth) return { line: l, character: i };
    }
  }
  throw new Error(`${needle} #${nth} not found`);
}

// The two webview panels. Each keeps one panel open at a time, loads media/webview.css and its script under
// the strict CSP of html.ts, and talks to it with one message type each (see media/vvar.js, media/cost.js).
import * as vscode from 'vscode';
import { webviewHtml, makeNonce, VVAR_BODY, COST_BODY } from './html';
import type { VvarModel } from './vvarModel';
import type { CostResult } from '../cost/measure';

abstract class Panel<M> implements vscode.Disposable {
  protected panel?: vscode.WebviewPanel;
  private lastMessage?: M;

  constructor(private readonly extensionUri: vscode.Uri, private readonly viewType: string, private readonly title: string,
    private readonly script: string, private readonly body: string, private readonly icon: string) {}

  get isOpen(): boolean { return !!this.panel; }

  show(column = vscode.ViewColumn.Beside): vscode.WebviewPanel {
    if (this.panel) {
      this.panel.reveal(undefined, true);
      return this.panel;
    }
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel(this.viewType, this.title, { viewColumn: column, preserveFocus: true }, {
      enableScripts: true, localResourceRoots: [media], retainContextWhenHidden: false,
    });
    panel.iconPath = vscode.Uri.joinPath(media, this.icon);
    const w = panel.webview;
    w.html = webviewHtml({
      title: this.title, cspSource: w.cspSource, nonce: makeNonce(), body: this.body,
      styleUri: w.asWebviewUri(vscode.Uri.joinPath(media, 'webview.css')).toString(),
      scriptUri: w.asWebviewUri(vscode.Uri.joinPath(media, this.script)).toString(),
    });
    w.onDidReceiveMessage((m: { type?: string }) => {
      if (m?.type === 'ready' && this.lastMessage !== undefined) void w.postMessage(this.lastMessage);
    });
    panel.onDidDispose(() => (this.panel = undefined));
    this.panel = panel;
    return panel;
  }

  protected post(message: M): void {
    this.lastMessage = message;
    if (this.panel) void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

export class VvarPanel extends Panel<{ type: 'update'; model: VvarModel | undefined }> {
  constructor(extensionUri: vscode.Uri) {
    super(extensionUri, 'riscvVdso.vvar', '[vvar] inspector', 'vvar.js', VVAR_BODY, 'debug-dark.svg');
  }
  update(model: VvarModel | undefined): void { this.post({ type: 'update', model }); }
}

export class CostPanel extends Panel<{ type: 'result'; result: CostResult } | { type: 'status'; text: string }> {
  constructor(extensionUri: vscode.Uri) {
    super(extensionUri, 'riscvVdso.cost', 'vDSO vs syscall cost', 'cost.js', COST_BODY, 'debug-dark.svg');
  }
  status(text: string): void { this.post({ type: 'status', text }); }
  result(result: CostResult): void { this.post({ type: 'result', result }); }
}

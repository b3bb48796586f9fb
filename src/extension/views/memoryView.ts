// Our memory view: a webview (media/memory.js) over any DAP memoryReference of a riscv-vdso session, for when
// VS Code's own memory view cannot open (it needs the Hex Editor extension, which code-server does not bundle
// and an offline machine cannot fetch). It shows the whole page of the reference and loads the next page when
// scrolled to the end, re-reads the window at every stop and marks the bytes that changed, names the [vvar]
// fields over their bytes, and writes bytes with writeMemory. Only standard requests: readMemory, writeMemory.
import * as vscode from 'vscode';
import { webviewHtml, makeNonce, MEMORY_BODY } from './html';
import {
  MEMORY_PAGE, MEMORY_MAX, pageStart, toHex, changedOffsets, vvarFields, parseHexBytes, hex, type MemoryMessage,
} from './memoryModel';
import type { StopWatcher } from '../stops';

interface Target {
  session: vscode.DebugSession;
  reference: string;
  title: string;
  /** The address the reference stands for, and the window's start (page aligned) and length. */
  address: bigint;
  start: bigint;
  length: number;
  bytes?: Uint8Array;
  stop?: number;
  ended?: boolean;
}

/** The reference's address: readMemory with count 0 answers it without reading (DAP: `address`). */
async function referenceAddress(session: vscode.DebugSession, reference: string): Promise<bigint> {
  const r = await session.customRequest('readMemory', { memoryReference: reference, offset: 0, count: 0 });
  if (typeof r?.address !== 'string') throw new Error(`the debug adapter gave no address for ${reference}`);
  return BigInt(r.address);
}

/** Reads [start, start + length) page by page: an unreadable page ends the readable part. */
async function readWindow(t: Target): Promise<Uint8Array> {
  const out = new Uint8Array(t.length);
  let done = 0;
  while (done < t.length) {
    const offset = Number(t.start - t.address) + done;
    let data: Uint8Array | undefined;
    try {
      const r = await t.session.customRequest('readMemory', { memoryReference: t.reference, offset, count: MEMORY_PAGE });
      data = r?.data ? new Uint8Array(Buffer.from(r.data as string, 'base64')) : undefined;
    } catch {
      data = undefined;
    }
    if (!data || !data.length) break;
    out.set(data.subarray(0, Math.min(data.length, t.length - done)), done);
    done += data.length;
    if (data.length < MEMORY_PAGE) break;
  }
  return out.subarray(0, done);
}

export class MemoryView implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private target?: Target;
  private last?: MemoryMessage;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri, private readonly watcher: StopWatcher, private readonly column: () => vscode.ViewColumn) {
    this.subs.push(watcher.onDidChange((e) => {
      const t = this.target;
      if (!t || e.session.id !== t.session.id) return;
      if ('ended' in e) {
        t.ended = true;
        void this.render([], 'the debug session ended; these are the bytes of its last stop');
      } else if (!('running' in e)) {
        t.stop = e.stop;
        void this.refresh(`stop #${e.stop} (${e.reason})`);
      }
    }));
  }

  get isOpen(): boolean { return !!this.panel; }
  get current(): MemoryMessage | undefined { return this.last; }

  /** Open (or re-target) the view at a memoryReference of `session`. */
  async open(session: vscode.DebugSession, reference: string, title: string): Promise<MemoryMessage | undefined> {
    let address: bigint;
    try {
      address = await referenceAddress(session, reference);
    } catch (e) {
      void vscode.window.showErrorMessage(`Memory view: ${reference} cannot be opened: ${(e as Error).message}`);
      return undefined;
    }
    const start = pageStart(address);
    this.target = { session, reference, title, address, start, length: MEMORY_PAGE, stop: this.watcher.last.get(session.id)?.stop };
    this.show();
    const stop = this.target.stop;
    return this.refresh(stop ? `stop #${stop}` : 'read now');
  }

  private show(): void {
    if (this.panel) {
      this.panel.reveal(undefined, true);
      return;
    }
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel('riscvVdso.memory', 'Memory', { viewColumn: this.column(), preserveFocus: true }, {
      enableScripts: true, localResourceRoots: [media], retainContextWhenHidden: false,
    });
    panel.iconPath = vscode.Uri.joinPath(media, 'debug-dark.svg');
    const w = panel.webview;
    w.html = webviewHtml({
      title: 'Memory', cspSource: w.cspSource, nonce: makeNonce(), body: MEMORY_BODY,
      styleUri: w.asWebviewUri(vscode.Uri.joinPath(media, 'webview.css')).toString(),
      scriptUri: w.asWebviewUri(vscode.Uri.joinPath(media, 'memory.js')).toString(),
    });
    w.onDidReceiveMessage((m: { type?: string; offset?: number; text?: string }) => this.message(m));
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.target = undefined;
    });
    this.panel = panel;
  }

  private async message(m: { type?: string; offset?: number; text?: string }): Promise<void> {
    const t = this.target;
    if (m?.type === 'ready') {
      if (this.last) void this.panel?.webview.postMessage(this.last);
    } else if (m?.type === 'more' && t && !t.ended && t.length < MEMORY_MAX) {
      t.length += MEMORY_PAGE;
      await this.refresh(this.last?.status ?? '', true);
    } else if (m?.type === 'write' && t && typeof m.offset === 'number' && typeof m.text === 'string') {
      await this.write(t, m.offset, m.text);
    }
  }

  private async write(t: Target, offset: number, text: string): Promise<void> {
    const data = parseHexBytes(text);
    const say = (s: string) => void this.panel?.webview.postMessage({ type: 'writeResult', text: s });
    if (!data) return say(`"${text}" is not hex bytes: write them like "de ad be ef".`);
    if (t.ended) return say('The debug session ended: memory can no longer be written.');
    const at = t.start + BigInt(offset);
    try {
      const r = await t.session.customRequest('writeMemory', { memoryReference: t.reference, offset: Number(at - t.address), data: Buffer.from(data).toString('base64') });
      say(`Wrote ${r?.bytesWritten ?? data.length} byte${data.length === 1 ? '' : 's'} at ${hex(at)}.`);
    } catch (e) {
      return say(`Not written at ${hex(at)}: ${(e as Error).message}`);
    }
    await this.refresh(`written at ${hex(at)}`);
  }

  /** Re-read the window; `grow` keeps the previous bytes as the comparison (no change marks for new pages). */
  private async refresh(status: string, grow = false): Promise<MemoryMessage | undefined> {
    const t = this.target;
    if (!t) return undefined;
    const previous = t.bytes;
    let now: Uint8Array;
    try {
      now = await readWindow(t);
    } catch {
      now = new Uint8Array(0);
    }
    t.bytes = now;
    const changed = grow ? this.last?.changed ?? [] : changedOffsets(previous, now);
    return this.render(changed, status);
  }

  private async render(changed: number[], status: string): Promise<MemoryMessage | undefined> {
    const t = this.target;
    if (!t) return undefined;
    const bytes = t.bytes ?? new Uint8Array(0);
    const vvar = this.watcher.last.get(t.session.id)?.vvarAddress;
    const msg: MemoryMessage = {
      type: 'memory', title: t.title, reference: t.reference, target: hex(t.address), start: hex(t.start),
      bytes: toHex(bytes, bytes.length),
      changed, fields: vvarFields(t.start, t.length, vvar), status,
      more: !t.ended && bytes.length === t.length && t.length < MEMORY_MAX, writable: !t.ended,
    };
    if (!bytes.length) msg.status = `${status}: nothing is readable at ${hex(t.start)}`;
    this.last = msg;
    if (this.panel) void this.panel.webview.postMessage(msg);
    return msg;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.panel?.dispose();
  }
}

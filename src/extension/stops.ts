// Follows riscv-vdso debug sessions through a DebugAdapterTracker: at every stop it asks the adapter (plain
// DAP: threads, stackTrace, scopes, variables, readMemory) for the hart's privilege mode (the `priv` row of the
// Registers scope) and the [vvar] data page (the `[vvar]` scope's memoryReference), then tells its listeners.
// No custom request is needed.
import * as vscode from 'vscode';
import { DEBUG_TYPE } from './config';
import type { Timings } from './timing';
import { VDSO_DATA_ARRAY_SIZE } from '../kernel/vdso/datapage';

export interface StopInfo {
  session: vscode.DebugSession;
  reason: string;
  /** 'U', 'S' or 'M' (undefined when the adapter did not say). */
  priv?: string;
  pc?: string;
  /** Where the [vvar] data page is, and its first VDSO_DATA_ARRAY_SIZE bytes. */
  vvarAddress?: bigint;
  vvar?: Uint8Array;
  /** Counts stops of this session from 1. */
  stop: number;
}

interface DapVariable { name: string; value: string; variablesReference: number; memoryReference?: string }
interface DapScope { name: string; variablesReference: number; memoryReference?: string }

export async function inspectStop(session: vscode.DebugSession, threadId: number | undefined): Promise<Omit<StopInfo, 'session' | 'reason' | 'stop'>> {
  const out: Omit<StopInfo, 'session' | 'reason' | 'stop'> = {};
  if (threadId === undefined) {
    const t = await session.customRequest('threads');
    threadId = t?.threads?.[0]?.id;
    if (threadId === undefined) return out;
  }
  const st = await session.customRequest('stackTrace', { threadId, startFrame: 0, levels: 1 });
  const frame = st?.stackFrames?.[0];
  if (!frame) return out;
  out.pc = frame.instructionPointerReference;
  const scopes: DapScope[] = (await session.customRequest('scopes', { frameId: frame.id }))?.scopes ?? [];
  // Each part on its own: a failure to read [vvar] must not lose the privilege mode, and the reverse.
  const regs = scopes.find((s) => s.name === 'Registers');
  if (regs) {
    try {
      const vars: DapVariable[] = (await session.customRequest('variables', { variablesReference: regs.variablesReference }))?.variables ?? [];
      const priv = vars.find((v) => v.name === 'priv');
      const m = priv && /^([USM])\b/.exec(priv.value);
      if (m) out.priv = m[1];
    } catch {
      // leave priv unknown
    }
  }
  const vvar = scopes.find((s) => s.name === '[vvar]');
  if (vvar?.memoryReference) {
    try {
      out.vvarAddress = BigInt(vvar.memoryReference);
      out.vvar = await readMemory(session, vvar.memoryReference, VDSO_DATA_ARRAY_SIZE);
    } catch {
      out.vvar = undefined;
    }
  }
  return out;
}

export async function readMemory(session: vscode.DebugSession, memoryReference: string, count: number): Promise<Uint8Array | undefined> {
  const r = await session.customRequest('readMemory', { memoryReference, offset: 0, count });
  if (!r?.data) return undefined;
  return new Uint8Array(Buffer.from(r.data as string, 'base64'));
}

export class StopWatcher implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<StopInfo | { session: vscode.DebugSession; running: true } | { session: vscode.DebugSession; ended: true }>();
  readonly onDidChange = this.emitter.event;
  private readonly stops = new Map<string, number>();
  private readonly disposables: vscode.Disposable[] = [];
  /** The last stop of each session. */
  readonly last = new Map<string, StopInfo>();
  /** The last address the Debug Console showed in each session (an `x ADDR` or an expression with a memoryReference). */
  readonly consoleReference = new Map<string, { expression: string; reference: string }>();
  private readonly replRequests = new Map<number, string>();

  constructor(private readonly timings?: Timings, private readonly log?: (line: string) => void) {
    this.disposables.push(vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (m: { type?: string; event?: string; request_seq?: number; success?: boolean; body?: { reason?: string; threadId?: number; memoryReference?: string } }) => {
          if (m.type === 'response' && m.request_seq !== undefined && this.replRequests.has(m.request_seq)) {
            const expression = this.replRequests.get(m.request_seq)!;
            this.replRequests.delete(m.request_seq);
            if (m.success && m.body?.memoryReference) this.consoleReference.set(session.id, { expression, reference: m.body.memoryReference });
            return;
          }
          if (m.type !== 'event') return;
          if (m.event === 'stopped') {
            const line = this.timings?.firstStop(session.id, session.name);
            if (line) this.log?.(line);
            void this.stopped(session, m.body?.reason ?? 'stopped', m.body?.threadId);
          }
          else if (m.event === 'continued') this.emitter.fire({ session, running: true });
        },
        onWillReceiveMessage: (m: { type?: string; command?: string; seq?: number; arguments?: { context?: string; expression?: string } }) => {
          if (m.type === 'request' && m.command === 'launch') this.timings?.launchSent(session.id);
          if (m.type === 'request' && m.command === 'evaluate' && m.arguments?.context === 'repl' && m.seq !== undefined && typeof m.arguments.expression === 'string') {
            const x = /^x(?:\/\w*)?\s+(.+)$/.exec(m.arguments.expression.trim());
            if (x) {
              this.consoleReference.set(session.id, { expression: x[1], reference: x[1] });
            } else {
              if (this.replRequests.size > 100) this.replRequests.clear();
              this.replRequests.set(m.seq, m.arguments.expression);
            }
          }
          if (m.type === 'request' && ['continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue'].includes(m.command ?? '')) {
            this.emitter.fire({ session, running: true });
          }
        },
        onWillStopSession: () => this.ended(session),
        onExit: () => this.ended(session),
      }),
    }));
  }

  private ended(session: vscode.DebugSession): void {
    this.timings?.ended(session.id);
    this.stops.delete(session.id);
    this.consoleReference.delete(session.id);
    this.last.delete(session.id);
    this.emitter.fire({ session, ended: true });
  }

  private async stopped(session: vscode.DebugSession, reason: string, threadId?: number): Promise<void> {
    const stop = (this.stops.get(session.id) ?? 0) + 1;
    this.stops.set(session.id, stop);
    let info: StopInfo = { session, reason, stop };
    try {
      info = { ...info, ...(await inspectStop(session, threadId)) };
    } catch {
      // The session may have moved on or ended meanwhile; report what we have.
    }
    this.last.set(session.id, info);
    this.emitter.fire(info);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.emitter.dispose();
  }
}

/** The status bar item: the hart's privilege mode while a riscv-vdso session is stopped. */
export class PrivilegeStatus implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  private readonly sub: vscode.Disposable;

  constructor(watcher: StopWatcher) {
    this.item = vscode.window.createStatusBarItem('riscvVdso.privilege', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'RISC-V privilege mode';
    this.sub = watcher.onDidChange((e) => {
      if ('running' in e || 'ended' in e) {
        this.item.hide();
        return;
      }
      if (!e.priv) {
        this.item.hide();
        return;
      }
      const names: Record<string, string> = { U: 'User', S: 'Supervisor', M: 'Machine' };
      this.item.text = `$(chip) ${e.priv}-mode`;
      this.item.tooltip = `The hart is stopped in ${names[e.priv] ?? e.priv} mode${e.pc ? ` at ${e.pc}` : ''} (${e.reason})`;
      this.item.show();
    });
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }
}

// The guest's console in a terminal (issue 19): a full-system session (launched with "kernel") gets an
// integrated terminal backed by a vscode.Pseudoterminal. What the guest's UART transmits arrives from the
// adapter as output events (the Debug Console keeps them too, as a searchable log); the terminal shows them,
// and what the user types there goes to the UART's receiver through the adapter's 'consoleInput' request, so
// a shell in the user's initramfs can be used from the editor.
import * as vscode from 'vscode';
import { DEBUG_TYPE } from './config';

interface ConsoleSession { readonly name: string; customRequest(command: string, args?: unknown): Thenable<unknown> }

/** One session's terminal: output before the terminal opened is kept and shown when it opens. */
export class GuestConsole implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  readonly onDidWrite = this.writeEmitter.event;
  private opened = false;
  private held: string[] = [];
  private ended = false;

  constructor(private readonly session: ConsoleSession) {}

  open(): void {
    this.opened = true;
    for (const t of this.held) this.writeEmitter.fire(t);
    this.held = [];
  }

  close(): void { this.opened = false; }

  /** Text the guest printed. A terminal needs CR LF; the guest's tty sends them, bare LFs (firmware) get a CR. */
  output(text: string): void {
    const t = text.replace(/\r?\n/g, '\r\n');
    if (this.opened) this.writeEmitter.fire(t); else this.held.push(t);
  }

  /** Keys typed in the terminal: to the guest's UART while the machine runs. */
  handleInput(data: string): void {
    if (this.ended) return;
    this.session.customRequest('consoleInput', { text: data }).then(undefined, () => undefined);
  }

  /** The session ended (the guest powered off, or the user stopped it): the terminal stays for reading. */
  end(how: string): void {
    if (this.ended) return;
    this.ended = true;
    this.output(`\n[${how}]\n`);
  }
}

/** Opens a guest-console terminal for every full-system session of ours. */
export class GuestConsoles implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  /** The console of each live session, by session id. */
  readonly consoles = new Map<string, GuestConsole>();

  constructor() {
    this.disposables.push(vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
      createDebugAdapterTracker: (session) => {
        if (session.configuration?.kernel === undefined) return undefined;
        const pty = new GuestConsole(session);
        this.consoles.set(session.id, pty);
        const terminal = vscode.window.createTerminal({ name: `Guest console: ${session.name}`, pty });
        // shown when the guest first prints: by then the Debug Console, which a session opens at its start, is
        // up, and the terminal comes to the front of the panel (the editor keeps the focus)
        let shown = false;
        const end = (how: string): void => { pty.end(how); this.consoles.delete(session.id); };
        return {
          onDidSendMessage: (m: { type?: string; event?: string; body?: { category?: string; output?: string; exitCode?: number } }) => {
            if (m.type !== 'event') return;
            if (m.event === 'output' && (m.body?.category === 'stdout' || m.body?.category === undefined) && typeof m.body?.output === 'string') {
              pty.output(m.body.output);
              if (!shown) { shown = true; terminal.show(true); }
            }
            else if (m.event === 'exited') end(`the machine powered off, status ${m.body?.exitCode ?? '?'}`);
          },
          onWillStopSession: () => end('the debug session ended'),
          onExit: () => end('the debug session ended'),
        };
      },
    }));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

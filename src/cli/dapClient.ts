// A small Debug Adapter Protocol client over a child process's stdio (Content-Length framing): what the
// `riscv-vdso debug` walk-through (src/cli/debug.ts) and scripts/bench-debug.ts use to drive the adapter
// process (dist/debugAdapter.js) the way an editor does.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface Msg { seq: number; type: string; command?: string; event?: string; request_seq?: number; success?: boolean; message?: string; body?: any } // eslint-disable-line @typescript-eslint/no-explicit-any

/** A minimal DAP client over a child process's stdio (Content-Length framing). */
export class DapClient {
  private seq = 1;
  private buf = Buffer.alloc(0);
  private pending = new Map<number, (m: Msg) => void>();
  private waiters: { event: string; resolve: (m: Msg) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }[] = [];
  private queued: Msg[] = [];
  readonly child: ChildProcess;
  onEvent?: (m: Msg) => void;

  constructor(adapter: string, nodeArgs: string[] = []) {
    this.child = spawn(process.execPath, [...nodeArgs, adapter], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child.stdout!.on('data', (d: Buffer) => this.data(d));
  }

  private data(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const h = this.buf.indexOf('\r\n\r\n');
      if (h < 0) return;
      const m = /Content-Length: (\d+)/i.exec(this.buf.subarray(0, h).toString());
      const len = Number(m?.[1] ?? 0);
      if (this.buf.length < h + 4 + len) return;
      const msg = JSON.parse(this.buf.subarray(h + 4, h + 4 + len).toString()) as Msg;
      this.buf = this.buf.subarray(h + 4 + len);
      if (msg.type === 'response') this.pending.get(msg.request_seq!)?.(msg);
      else if (msg.type === 'event') {
        this.onEvent?.(msg);
        const i = this.waiters.findIndex((w) => w.event === msg.event);
        if (i >= 0) this.waiters.splice(i, 1)[0].resolve(msg);
        else this.queued.push(msg);
      }
    }
  }

  request(command: string, args: unknown = {}): Promise<Msg> {
    const seq = this.seq++;
    const body = JSON.stringify({ seq, type: 'request', command, arguments: args });
    this.child.stdin!.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    return new Promise((res, rej) => this.pending.set(seq, (m) => (m.success ? res(m) : rej(new Error(`${command}: ${m.message}`)))));
  }

  /** The next event of that kind (one already received and not yet taken counts). */
  event(event: string, timeoutMs = 30000): Promise<Msg> {
    const i = this.queued.findIndex((m) => m.event === event);
    if (i >= 0) return Promise.resolve(this.queued.splice(i, 1)[0]);
    return new Promise((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`no '${event}' event within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ event, resolve: (m) => { clearTimeout(timer); res(m); }, reject: rej, timer });
    });
  }

  drop(event: string): void { this.queued = this.queued.filter((m) => m.event !== event); }

  /** End the adapter process; events still awaited fail with 'the session ended'. */
  close(): void {
    for (const w of this.waiters.splice(0)) { clearTimeout(w.timer); w.reject(new Error(`the session ended before a '${w.event}' event`)); }
    this.child.kill();
  }
}

export function adapterPath(): string {
  const c = [join(__dirname, 'debugAdapter.js'), join(__dirname, '..', '..', 'dist', 'debugAdapter.js'), join(__dirname, '..', 'dist', 'debugAdapter.js')];
  for (const p of c) if (existsSync(p)) return p;
  throw new Error(`the debug adapter was not found (looked in ${c.join(', ')}): run npm run build`);
}

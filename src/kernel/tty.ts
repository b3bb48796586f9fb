// models drivers/tty/ (the controlling terminal /dev/pts/0 the guest's fds 0, 1 and 2 are open on): input comes
// from LaunchOptions.stdin (bytes, or a function that returns the next chunk, null at end of input), output goes
// to onStdout/onStderr (default: the host's stdout/stderr). Whether it answers TCGETS like a terminal is the
// `tty` launch option.
import type { LaunchOptions } from './api';
import type { OpenFile } from './syscalls/fs';

export class Tty {
  private stdinBuf: Uint8Array | undefined;
  private stdinPos = 0;

  constructor(private readonly options: LaunchOptions) {}

  /** The open file of fd 0, 1 or 2 at start. */
  static openConsole(n: 0 | 1 | 2): OpenFile {
    return { kind: 'console', console: n, path: '/dev/pts/0', flags: 2, pos: 0, refs: 1 };
  }

  /** Up to `len` bytes of input; an empty array at end of input. */
  read(len: number): Uint8Array {
    const src = this.options.stdin;
    if (!src) return new Uint8Array(0);
    if (src instanceof Uint8Array) {
      const out = src.subarray(this.stdinPos, this.stdinPos + len);
      this.stdinPos += out.length;
      return out;
    }
    if (!this.stdinBuf || this.stdinPos >= this.stdinBuf.length) {
      const chunk = src();
      if (!chunk) return new Uint8Array(0);
      this.stdinBuf = chunk;
      this.stdinPos = 0;
    }
    const out = this.stdinBuf.subarray(this.stdinPos, this.stdinPos + len);
    this.stdinPos += out.length;
    return out;
  }

  /** Output of fd 1 (stdout) or 2 (stderr). */
  write(fd: number, data: Uint8Array): void {
    const copy = new Uint8Array(data);
    if (fd === 2) (this.options.onStderr ?? ((d: Uint8Array) => process.stderr.write(d)))(copy);
    else (this.options.onStdout ?? ((d: Uint8Array) => process.stdout.write(d)))(copy);
  }

  get isTerminal(): boolean { return !!this.options.tty; }
}

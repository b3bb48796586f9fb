// Start-up of the `riscv-vdso` command: the CLI's bundle is compiled through V8's code cache.
//
// Compiling the ~500 KB bundle, and then lazily each function a run calls, took 15-30 ms of a static hello's
// ~100 ms above `node -e 0` (docs/performance.md, start-up). Node 20 has no compile cache of its own
// (module.enableCompileCache is Node 22), so dist/cli.js is a small launcher (src/cli/bin.ts) that compiles the
// bundle (dist/cliMain.js) with vm.Script and V8's cached data, and after the first run of a command writes the
// code V8 compiled during that run (createCachedData after the run holds the lazily compiled functions too).
//
// The cache lives in the user's cache directory (RISCV_VDSO_CACHE_DIR, else $XDG_CACHE_HOME or ~/.cache, then
// riscv-vdso-lab/v8-code-cache; %LOCALAPPDATA% on Windows), one file per command and per key: the bundle's hash
// (taken at build time), size and modification time, node's and V8's versions, the platform and node's flags.
// A file is written to a temporary name and renamed into place, so a reader sees a whole file or none. Each file
// carries a checksum of V8's data: V8 checks the version, flags and source length of cached data but not its
// bytes (a corrupted payload made node hang), so a file whose checksum, length or magic is wrong, or that V8
// rejects, is ignored and rewritten; the run then compiles normally. Nothing here ever fails a run. Cached data
// is code: a directory or file another user could write is not used (the directory is made 0700, files 0600).
// RISCV_VDSO_CODE_CACHE=0 turns the cache off; RISCV_VDSO_CODE_CACHE=trace says on stderr what it did.
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** What happened to the cache in this run (RISCV_VDSO_CODE_CACHE=trace prints it). */
export type CacheState = 'off' | 'none' | 'accepted' | 'corrupt' | 'rejected' | 'unsafe';

const MAGIC = 0x43435652; // 'RVCC'
const HEADER = 16; // magic u32, payload length u32, checksum u32, reserved u32

/**
 * FNV-1a over the payload's little-endian 32-bit words (the last one zero-padded), in a 92-byte WebAssembly
 * function: the same loop in JavaScript runs in V8's interpreter at start-up (8-19 ms for 420 KB), and node's
 * hashes cost 3-7 ms to load (node:crypto, node:zlib). Exported for the test, which checks it against a
 * JavaScript version.
 */
export function checksum(data: Uint8Array): number {
  const exports = new WebAssembly.Instance(new WebAssembly.Module(FNV_WASM)).exports as { m: WebAssembly.Memory; h: (n: number) => number };
  const words = (data.length + 3) & ~3;
  const have = exports.m.buffer.byteLength;
  if (words > have) exports.m.grow(Math.ceil((words - have) / 65536));
  new Uint8Array(exports.m.buffer).set(data);
  return exports.h(words) >>> 0;
}

// (module (memory (export "m") 1)
//   (func (export "h") (param $n i32) (result i32) (local $i i32) (local $a i32)
//     (local.set $a (i32.const 0x811c9dc5))
//     (block (loop (br_if 1 (i32.ge_u (local.get $i) (local.get $n)))
//       (local.set $a (i32.mul (i32.xor (local.get $a) (i32.load (local.get $i))) (i32.const 0x01000193)))
//       (local.set $i (i32.add (local.get $i) (i32.const 4))) (br 0)))
//     (local.get $a)))
const FNV_WASM = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01,
  0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x09, 0x02, 0x01, 0x6d, 0x02, 0x00, 0x01, 0x68, 0x00, 0x00, 0x0a, 0x36,
  0x01, 0x34, 0x01, 0x02, 0x7f, 0x41, 0xc5, 0xbb, 0xf2, 0x88, 0x78, 0x21, 0x02, 0x02, 0x40, 0x03, 0x40, 0x20, 0x01,
  0x20, 0x00, 0x4f, 0x0d, 0x01, 0x20, 0x02, 0x20, 0x01, 0x28, 0x02, 0x00, 0x73, 0x41, 0x93, 0x83, 0x80, 0x08, 0x6c,
  0x21, 0x02, 0x20, 0x01, 0x41, 0x04, 0x6a, 0x21, 0x01, 0x0c, 0x00, 0x0b, 0x0b, 0x20, 0x02, 0x0b,
]);

/** 64-bit FNV-1a of a short string, as 16 hex digits (names the cache file; not a check of its contents). */
function keyHash(s: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < s.length; i++) h = BigInt.asUintN(64, (h ^ BigInt(s.charCodeAt(i))) * 0x100000001b3n);
  return h.toString(16).padStart(16, '0');
}

/** The directory of the code cache, or undefined when there is none to use. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.RISCV_VDSO_CACHE_DIR) return join(env.RISCV_VDSO_CACHE_DIR, 'v8-code-cache');
  const base = env.XDG_CACHE_HOME || (env.HOME ? join(env.HOME, '.cache') : env.LOCALAPPDATA);
  return base ? join(base, 'riscv-vdso-lab', 'v8-code-cache') : undefined;
}

/** A cache file's bytes: the header (magic, length, checksum) and V8's data. */
export function encodeCacheFile(data: Uint8Array): Buffer {
  const header = Buffer.alloc(HEADER);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(data.length, 4);
  header.writeUInt32LE(checksum(data), 8);
  return Buffer.concat([header, data]);
}

/**
 * Cached data is code: only a directory and files that are this user's alone are used (owned by the user, not
 * writable by group or others), so nobody else can hand the CLI its bytecode (a cache directory in a shared
 * place, RISCV_VDSO_CACHE_DIR=/tmp/...). Where there are no user ids (Windows) the file system's ACLs decide.
 */
function privateToUser(st: Stats): boolean {
  const uid = process.getuid?.();
  return uid === undefined || (st.uid === uid && (st.mode & 0o022) === 0);
}

/** Read and check a cache file: V8's data, or why not. */
function readCache(file: string): Uint8Array | 'none' | 'corrupt' | 'unsafe' {
  let bytes: Buffer;
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    if (!privateToUser(fstatSync(fd))) return 'unsafe';
    bytes = readFileSync(fd);
  } catch {
    return 'none';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (bytes.length < HEADER || bytes.readUInt32LE(0) !== MAGIC) return 'corrupt';
  const len = bytes.readUInt32LE(4);
  if (len !== bytes.length - HEADER) return 'corrupt';
  const data = bytes.subarray(HEADER);
  return checksum(data) === bytes.readUInt32LE(8) ? data : 'corrupt';
}

/** Write a cache file atomically (temporary name, then rename); any failure leaves no file and is ignored. */
function writeCache(dir: string, file: string, data: Uint8Array): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!privateToUser(statSync(dir))) return false;
    writeFileSync(tmp, encodeCacheFile(data), { flag: 'wx', mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    try { unlinkSync(tmp); } catch { /* not there */ }
    return false;
  }
  // keep the KEEP newest files of this command (other builds and node versions share the directory)
  try {
    const prefix = file.slice(dir.length + 1).replace(/-[0-9a-f]+\.bin$/, '-');
    const old = readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.bin'))
      .map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs })).sort((a, b) => b.t - a.t).slice(KEEP);
    for (const { f } of old) unlinkSync(join(dir, f));
  } catch { /* another process cleaned up first */ }
  return true;
}

/** Cache files kept per command. */
const KEEP = 8;

export interface BundleOptions {
  /** The bundle: a CommonJS file that only requires node's built-in modules. */
  bundle: string;
  /** The bundle's content hash, taken when it was built. */
  buildHash: string;
  /** Which command runs (one cache file per command: each compiles different functions). */
  command: string;
  /** `require` for the bundle (the launcher's own: it lives beside the bundle). */
  require: NodeJS.Require;
  env?: NodeJS.ProcessEnv;
}

/** Compile and run the bundle, through the code cache when there is one. Returns what the cache did. */
export function runBundle(o: BundleOptions): CacheState {
  const env = o.env ?? process.env;
  const source = readFileSync(o.bundle, 'utf8');
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const dir = env.RISCV_VDSO_CODE_CACHE === '0' ? undefined : codeCacheDir(env);
  let state: CacheState = 'off';
  let script: Script | undefined;
  let file = '';
  if (dir) {
    let st = '';
    try { const s = statSync(o.bundle); st = `${s.size}:${s.mtimeMs}`; } catch { /* compiled without a key part */ }
    const key = keyHash([o.buildHash, st, process.version, process.versions.v8, process.platform, process.arch, process.execArgv.join(' ')].join('|'));
    const command = /^[a-z][a-z0-9-]{0,15}$/.test(o.command) ? o.command : 'other';
    file = join(dir, `${command}-${key}.bin`);
    let dirOk = true;
    try { dirOk = privateToUser(statSync(dir)); } catch { /* made on the first write */ }
    const cached = dirOk ? readCache(file) : 'unsafe';
    try {
      script = new Script(wrapped, { filename: o.bundle, cachedData: typeof cached === 'string' ? undefined : cached });
      state = typeof cached === 'string' ? cached : script.cachedDataRejected ? 'rejected' : 'accepted';
    } catch {
      script = undefined;
    }
  }
  script ??= new Script(wrapped, { filename: o.bundle });
  const trace = env.RISCV_VDSO_CODE_CACHE === 'trace';
  if (dir && state !== 'accepted' && state !== 'off' && state !== 'unsafe') {
    // after the run: the data then holds what the run compiled lazily
    const s = script;
    process.on('exit', () => {
      let wrote = false;
      try { wrote = writeCache(dir, file, s.createCachedData()); } catch { /* no cache this time */ }
      if (trace) writeSync(2, `riscv-vdso: code cache ${wrote ? 'written' : 'not written'}: ${file}\n`);
    });
  }
  if (trace) writeSync(2, `riscv-vdso: code cache ${state}${file ? `: ${file}` : ''}\n`);
  const fn = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: unknown, f: string, d: string) => void;
  const module = { exports: {} };
  fn.call(module.exports, module.exports, o.require, module, o.bundle, dirname(o.bundle));
  return state;
}

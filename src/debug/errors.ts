// What an error may tell a DAP client. Errors we raise on purpose (Error, ElfError, ExprError, ... with a
// message written for the user) pass through; anything else (a JavaScript TypeError/RangeError, Node's
// ERR_* errors, a WebAssembly trap) is a bug of ours: it is logged with its stack on the adapter's stderr under
// an incident id, and the client gets "internal error" with that id only, never the exception text.
import { randomBytes } from 'node:crypto';

type ErrorClass = abstract new (...args: never[]) => unknown;
const HOST_ERRORS: ErrorClass[] = [TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError];
if (typeof AggregateError === 'function') HOST_ERRORS.push(AggregateError);
const wasmTrap = (globalThis as { WebAssembly?: { RuntimeError?: ErrorClass } }).WebAssembly?.RuntimeError;
if (wasmTrap) HOST_ERRORS.push(wasmTrap);

/** The message of an error meant for the user, or undefined when the error is an internal one. */
export function userMessage(e: unknown): string | undefined {
  if (!(e instanceof Error)) return undefined;
  if (HOST_ERRORS.some((c) => e instanceof c)) return undefined;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('ERR_')) return undefined;
  if (typeof e.message !== 'string' || !e.message) return undefined;
  return e.message;
}

export type InternalLog = (line: string) => void;
let log: InternalLog = (line) => process.stderr.write(line + '\n');

/** Where internal errors are logged (tests capture it; the default is the process's stderr). */
export function setInternalLog(fn: InternalLog): void { log = fn; }

/** Log an internal error and return the text a client may see. */
export function internalError(e: unknown, where: string): string {
  const id = randomBytes(4).toString('hex');
  const detail = e instanceof Error ? e.stack ?? `${e.name}: ${e.message}` : String(e);
  try { log(`[riscv-vdso internal error ${id}] in ${where}: ${detail}`); } catch { /* logging must not throw */ }
  return `internal error in ${where} (incident ${id}); please report it with the adapter's log`;
}

/** The text for any error: the user's message, or the internal-error text (logged). */
export function errorText(e: unknown, where: string): string {
  return userMessage(e) ?? internalError(e, where);
}

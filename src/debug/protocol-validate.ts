// Every DAP request's arguments checked against the protocol's types (@vscode/debugprotocol 1.68) before a
// handler sees them: one schema per request, written once here. A request whose arguments do not match gets
// one precise message ("stepIn: arguments.threadId is required (an integer)") with the bad-arguments error id;
// handlers can then rely on the types. Properties the protocol (or our launch configuration) does not define
// are ignored, as DAP clients add their own (VS Code's __sessionId, type, name, ...); a property set to null is
// treated as absent. Bounds on sizes (src/debug/limits.ts) are part of the schemas. docs/limits.md lists them.
// The launch request's configuration is checked by launchArgs.ts (shared with the extension), here too.
import { launchArgumentsProblem } from './launchArgs';
import {
  MAX_ARRAY_LENGTH, MAX_BREAKPOINTS_PER_REQUEST, MAX_DISASSEMBLE_INSTRUCTIONS, MAX_EXPRESSION_LENGTH,
  MAX_MEMORY_REQUEST_BYTES, MAX_STRING_LENGTH,
} from './limits';

/** Error ids of our error responses (body.error.id). */
export const ERROR_REQUEST_FAILED = 1001;
export const ERROR_BAD_ARGUMENTS = 1010;
export const ERROR_INTERNAL = 1099;

export type Schema =
  | { kind: 'string'; max: number; oneOf?: readonly string[] }
  | { kind: 'integer'; min: number; max: number }
  | { kind: 'number' }
  | { kind: 'boolean' }
  | { kind: 'array'; of: Schema; max: number }
  | { kind: 'record'; of: Schema; max: number }
  | { kind: 'object'; props: Record<string, Schema>; required: readonly string[] }
  | { kind: 'any' };

// ---- builders -----------------------------------------------------------------------------------------------

const str = (max = MAX_STRING_LENGTH): Schema => ({ kind: 'string', max });
const oneOf = (...values: string[]): Schema => ({ kind: 'string', max: 64, oneOf: values });
const int = (min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): Schema => ({ kind: 'integer', min, max });
const nat = (max = Number.MAX_SAFE_INTEGER): Schema => int(0, max);
const bool: Schema = { kind: 'boolean' };
const any: Schema = { kind: 'any' };
const arr = (of: Schema, max = MAX_ARRAY_LENGTH): Schema => ({ kind: 'array', of, max });
/** An object; names ending in '?' are optional. */
function obj(shape: Record<string, Schema>): Schema {
  const props: Record<string, Schema> = {};
  const required: string[] = [];
  for (const [k, s] of Object.entries(shape)) {
    if (k.endsWith('?')) props[k.slice(0, -1)] = s;
    else { props[k] = s; required.push(k); }
  }
  return { kind: 'object', props, required };
}

// ---- the protocol's argument types ------------------------------------------------------------------------

const checksum = obj({ algorithm: oneOf('MD5', 'SHA1', 'SHA256', 'timestamp'), checksum: str() });
const source: Schema = obj({
  'name?': str(), 'path?': str(), 'sourceReference?': int(), 'presentationHint?': str(64), 'origin?': str(),
  'sources?': arr(any, 100), 'adapterData?': any, 'checksums?': arr(checksum, 16),
});
const valueFormat = obj({ 'hex?': bool });
const stackFrameFormat = obj({
  'hex?': bool, 'parameters?': bool, 'parameterTypes?': bool, 'parameterNames?': bool, 'parameterValues?': bool,
  'line?': bool, 'module?': bool, 'includeAll?': bool,
});
const granularity = oneOf('statement', 'line', 'instruction');
const thread = { threadId: int(), 'singleThread?': bool };
const stepping = obj({ ...thread, 'granularity?': granularity });
const condition = { 'condition?': str(MAX_EXPRESSION_LENGTH), 'hitCondition?': str(MAX_EXPRESSION_LENGTH) };

const NONE = obj({});

export const REQUEST_SCHEMAS: Record<string, Schema> = {
  initialize: obj({
    'clientID?': str(), 'clientName?': str(), adapterID: str(), 'locale?': str(64),
    'linesStartAt1?': bool, 'columnsStartAt1?': bool, 'pathFormat?': str(64),
    'supportsVariableType?': bool, 'supportsVariablePaging?': bool, 'supportsRunInTerminalRequest?': bool,
    'supportsMemoryReferences?': bool, 'supportsProgressReporting?': bool, 'supportsInvalidatedEvent?': bool,
    'supportsMemoryEvent?': bool, 'supportsArgsCanBeInterpretedByShell?': bool, 'supportsStartDebuggingRequest?': bool,
    'supportsANSIStyling?': bool,
  }),
  configurationDone: NONE,
  attach: obj({ '__restart?': any }),
  restart: obj({ 'arguments?': any }),
  disconnect: obj({ 'restart?': bool, 'terminateDebuggee?': bool, 'suspendDebuggee?': bool }),
  terminate: obj({ 'restart?': bool }),
  setBreakpoints: obj({
    source,
    'breakpoints?': arr(obj({ line: int(), 'column?': int(), ...condition, 'logMessage?': str(MAX_EXPRESSION_LENGTH), 'mode?': str(64) }), MAX_BREAKPOINTS_PER_REQUEST),
    'lines?': arr(int(), MAX_BREAKPOINTS_PER_REQUEST),
    'sourceModified?': bool,
  }),
  setFunctionBreakpoints: obj({ breakpoints: arr(obj({ name: str(), ...condition }), MAX_BREAKPOINTS_PER_REQUEST) }),
  setExceptionBreakpoints: obj({
    filters: arr(str(256), 100),
    'filterOptions?': arr(obj({ filterId: str(256), 'condition?': str(MAX_EXPRESSION_LENGTH), 'mode?': str(64) }), 100),
    'exceptionOptions?': arr(any, 100),
  }),
  dataBreakpointInfo: obj({
    'variablesReference?': int(), name: str(MAX_EXPRESSION_LENGTH), 'frameId?': int(), 'bytes?': nat(), 'asAddress?': bool, 'mode?': str(64),
  }),
  setDataBreakpoints: obj({
    breakpoints: arr(obj({ dataId: str(), 'accessType?': oneOf('read', 'write', 'readWrite'), ...condition }), MAX_BREAKPOINTS_PER_REQUEST),
  }),
  setInstructionBreakpoints: obj({
    breakpoints: arr(obj({ instructionReference: str(), 'offset?': int(), ...condition, 'mode?': str(64) }), MAX_BREAKPOINTS_PER_REQUEST),
  }),
  continue: obj(thread),
  next: stepping,
  stepIn: obj({ ...thread, 'targetId?': int(), 'granularity?': granularity }),
  stepOut: stepping,
  stepBack: stepping,
  reverseContinue: obj(thread),
  pause: obj({ threadId: int() }),
  threads: NONE,
  stackTrace: obj({ threadId: int(), 'startFrame?': nat(), 'levels?': nat(), 'format?': stackFrameFormat }),
  scopes: obj({ frameId: int() }),
  variables: obj({ variablesReference: int(), 'filter?': oneOf('indexed', 'named'), 'start?': nat(), 'count?': nat(), 'format?': valueFormat }),
  setVariable: obj({ variablesReference: int(), name: str(), value: str(MAX_EXPRESSION_LENGTH), 'format?': valueFormat }),
  source: obj({ 'source?': source, sourceReference: int() }),
  evaluate: obj({
    expression: str(MAX_EXPRESSION_LENGTH), 'frameId?': int(), 'line?': int(), 'column?': int(), 'source?': source,
    'context?': str(64), 'format?': valueFormat,
  }),
  exceptionInfo: obj({ threadId: int() }),
  readMemory: obj({ memoryReference: str(MAX_EXPRESSION_LENGTH), 'offset?': int(), count: nat(MAX_MEMORY_REQUEST_BYTES) }),
  writeMemory: obj({
    memoryReference: str(MAX_EXPRESSION_LENGTH), 'offset?': int(), 'allowPartial?': bool,
    data: str(Math.ceil(MAX_MEMORY_REQUEST_BYTES / 3) * 4),
  }),
  disassemble: obj({
    memoryReference: str(MAX_EXPRESSION_LENGTH), 'offset?': int(),
    'instructionOffset?': int(-MAX_DISASSEMBLE_INSTRUCTIONS, MAX_DISASSEMBLE_INSTRUCTIONS),
    instructionCount: nat(MAX_DISASSEMBLE_INSTRUCTIONS), 'resolveSymbols?': bool,
  }),
  modules: obj({ 'startModule?': nat(), 'moduleCount?': nat() }),
  loadedSources: NONE,
};

// ---- checking ------------------------------------------------------------------------------------------------

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'string') return v.length > 40 ? `a string of ${v.length} characters` : JSON.stringify(v);
  if (typeof v === 'number') return String(v);
  if (typeof v === 'object') return 'an object';
  return typeof v;
}

function expected(s: Schema): string {
  switch (s.kind) {
    case 'string': return s.oneOf ? `one of ${s.oneOf.map((x) => JSON.stringify(x)).join(', ')}` : 'a string';
    case 'integer': return s.min === 0 ? 'a non-negative integer' : 'an integer';
    case 'number': return 'a number';
    case 'boolean': return 'a boolean';
    case 'array': return `an array of ${expected(s.of).replace(/^an? /, '')}s`.replace(/ss$/, 's');
    case 'record': return `an object of ${expected(s.of).replace(/^an? /, '')} values`;
    case 'object': return 'an object';
    case 'any': return 'a value';
  }
}

/** The first mismatch of `v` against `s` as a message about `path`, or undefined. Drops null optional props. */
function check(v: unknown, s: Schema, path: string): string | undefined {
  switch (s.kind) {
    case 'any': return undefined;
    case 'string':
      if (typeof v !== 'string') return `${path} must be ${expected(s)} (got ${describe(v)})`;
      if (s.oneOf && !s.oneOf.includes(v)) return `${path} must be ${expected(s)} (got ${describe(v)})`;
      if (v.length > s.max) return `${path} is ${v.length} characters long: at most ${s.max} (docs/limits.md)`;
      return undefined;
    case 'integer':
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) return `${path} must be ${expected(s)} (got ${describe(v)})`;
      if (v < s.min || v > s.max) return `${path} is ${v}: it must be ${s.min > Number.MIN_SAFE_INTEGER ? `at least ${s.min}` : ''}${s.min > Number.MIN_SAFE_INTEGER && s.max < Number.MAX_SAFE_INTEGER ? ' and ' : ''}${s.max < Number.MAX_SAFE_INTEGER ? `at most ${s.max}` : ''}${s.max < Number.MAX_SAFE_INTEGER ? ' (docs/limits.md)' : ''}`;
      return undefined;
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? undefined : `${path} must be a number (got ${describe(v)})`;
    case 'boolean':
      return typeof v === 'boolean' ? undefined : `${path} must be a boolean (got ${describe(v)})`;
    case 'array': {
      if (!Array.isArray(v)) return `${path} must be ${expected(s)} (got ${describe(v)})`;
      if (v.length > s.max) return `${path} has ${v.length} elements: at most ${s.max} (docs/limits.md)`;
      for (let i = 0; i < v.length; i++) {
        const e = check(v[i], s.of, `${path}[${i}]`);
        if (e) return e;
      }
      return undefined;
    }
    case 'record': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${path} must be ${expected(s)} (got ${describe(v)})`;
      const keys = Object.keys(v);
      if (keys.length > s.max) return `${path} has ${keys.length} entries: at most ${s.max} (docs/limits.md)`;
      for (const k of keys) {
        const e = check((v as Record<string, unknown>)[k], s.of, `${path}.${k}`);
        if (e) return e;
      }
      return undefined;
    }
    case 'object': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${path} must be an object (got ${describe(v)})`;
      const o = v as Record<string, unknown>;
      for (const [k, ps] of Object.entries(s.props)) {
        const has = Object.prototype.hasOwnProperty.call(o, k) && o[k] !== undefined && o[k] !== null;
        if (!has) {
          if (s.required.includes(k)) return `${path}.${k} is required (${expected(ps)})`;
          if (Object.prototype.hasOwnProperty.call(o, k)) delete o[k];
          continue;
        }
        const e = check(o[k], ps, `${path}.${k}`);
        if (e) return e;
      }
      return undefined;
    }
  }
}

/**
 * Check a request's arguments. Returns the arguments to hand on (an empty object for absent arguments of a
 * request whose fields are all optional) or the message of the bad-arguments error. Commands without a
 * schema (custom requests) pass through unchecked; their handlers check what they use.
 */
export function validateArguments(command: string, args: unknown): { ok: true; args: unknown } | { ok: false; message: string } {
  if (command === 'launch') {
    // the launch configuration has its own checker (launchArgs.ts: types, then the files it names)
    const problem = launchArgumentsProblem(args);
    return problem ? { ok: false, message: `launch: ${problem}` } : { ok: true, args };
  }
  const s = REQUEST_SCHEMAS[command];
  if (!s) return { ok: true, args };
  const value = args === undefined || args === null ? {} : args;
  const e = check(value, s, 'arguments');
  if (e) return { ok: false, message: `${command}: ${e}` };
  return { ok: true, args: value };
}


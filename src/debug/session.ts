// The DAP session: translates requests into runtime calls and runtime events into DAP events (the split of
// vscode-mock-debug's mockDebug.ts / mockRuntime.ts). Every request that fails answers with an error response
// naming what is wrong; the session lives on.
import {
  LoggingDebugSession, InitializedEvent, StoppedEvent, OutputEvent, TerminatedEvent, ExitedEvent, BreakpointEvent,
  ModuleEvent, Thread, ThreadEvent, StackFrame, Source, Scope, Handles, Module, ContinuedEvent, Response, ErrorDestination,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { basename } from 'node:path';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { DebugRuntime, EXCEPTION_FILTERS, type Frame, type LaunchConfig, type ProcessFactory } from './runtime';
import type { UserBreakpoint } from './breakpoints';
import type { DebugModule } from './modules';
import { scopesFor, type VarNode } from './variables';
import { tryEvaluateC } from './cnodes';
import { sizeOf } from '../elf/dwarfTypes';
import { withInlineFrames } from './cframe';
import { SIGNAL_FRAME_NAME } from './unwind';
import { readMemory, writeMemory } from './memory';
import { disassembleAround, decodeForward } from './disassemble';
import { runConsole, formatValue } from './console';
import { launchArgumentsProblem } from './launchArgs';
import { DATAPAGE_FIELDS } from '../kernel/vdso/datapage';
import { validateArguments, ERROR_BAD_ARGUMENTS, ERROR_INTERNAL, ERROR_REQUEST_FAILED } from './protocol-validate';
import { errorText, internalError } from './errors';
import { MAX_SOURCE_FILE_BYTES } from './limits';

export interface LaunchArguments extends DebugProtocol.LaunchRequestArguments, LaunchConfig {
  /** Log the DAP traffic to the console. */
  trace?: boolean;
}

const hex = (v: bigint) => '0x' + v.toString(16);

type Container = () => VarNode[];

export class VdsoDebugSession extends LoggingDebugSession {
  private readonly runtime: DebugRuntime;
  private configDone!: Promise<void>;
  private resolveConfigDone!: () => void;
  private vars = new Handles<Container>();
  private varNodes = new Map<number, Map<string, VarNode>>();
  private frames = new Map<number, Frame>();
  private threadFrames = new Map<number, Frame[]>();
  private framesCache?: Frame[];
  private exceptionText?: { text: string; details: string };
  private sourceRefs = new Handles<string>();

  constructor(processFactory: ProcessFactory) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    this.configDone = new Promise((r) => (this.resolveConfigDone = r));
    const rt = (this.runtime = new DebugRuntime(processFactory));
    const stopped = (reason: string, extra: Partial<DebugProtocol.StoppedEvent['body']> = {}) => {
      this.invalidate();
      this.threadEvents();
      const e = new StoppedEvent(reason, this.threadId()) as DebugProtocol.StoppedEvent;
      // one hart: when it stops, every thread is stopped
      Object.assign(e.body, { allThreadsStopped: true }, extra);
      this.sendEvent(e);
    };
    rt.on('stopOnEntry', () => stopped('entry'));
    rt.on('stopOnStep', () => stopped('step'));
    rt.on('stopOnPause', () => stopped('pause'));
    rt.on('stopOnBreakpoint', (ids: number[], kind: string) => stopped(kind === 'function' ? 'function breakpoint' : 'breakpoint', { hitBreakpointIds: ids }));
    rt.on('stopOnInstructionBreakpoint', (ids: number[]) => stopped('instruction breakpoint', { hitBreakpointIds: ids }));
    rt.on('stopOnDataBreakpoint', (ids: number[], text: string) => stopped('data breakpoint', { hitBreakpointIds: ids, description: text, text }));
    rt.on('stopOnException', (text: string, details: string) => {
      this.exceptionText = { text, details };
      stopped('exception', { description: text, text });
    });
    rt.on('breakpointValidated', (b: UserBreakpoint) => this.sendEvent(new BreakpointEvent('changed', this.toDapBreakpoint(b))));
    // a watch on a local whose frame returned: gone from the Breakpoints view too
    rt.on('dataBreakpointRemoved', (id: number) => this.sendEvent(new BreakpointEvent('removed', { id, verified: false } as DebugProtocol.Breakpoint)));
    rt.on('moduleLoaded', (m: DebugModule) => this.sendEvent(new ModuleEvent('new', this.toDapModule(m))));
    rt.on('moduleRemoved', (m: DebugModule) => this.sendEvent(new ModuleEvent('removed', this.toDapModule(m))));
    rt.on('output', (category: string, text: string) => {
      const cat = category === 'strace' ? 'console' : category;
      const e = new OutputEvent(category === 'strace' ? `[strace] ${text}` : text, cat) as DebugProtocol.OutputEvent;
      this.sendEvent(e);
    });
    rt.on('end', (code: number, message?: string) => {
      // the end announced like cppdbg: 'exited with code N', or the signal that killed the program
      const end = !message ? `exited with code ${code}` : /^killed by /.test(message) ? message : `${message} (exited with code ${code})`;
      this.sendEvent(new OutputEvent(`${end}\n`, 'console'));
      this.sendEvent(new ExitedEvent(code));
      this.sendEvent(new TerminatedEvent());
    });
  }

  private knownThreads = new Set<number>();

  /** thread events for the tasks that started or ended since the last stop (the Threads view follows them). */
  private threadEvents(): void {
    const t = this.runtime.target;
    if (!t?.threads) return;
    const now = new Set(t.threads().map((x) => x.tid));
    for (const id of now) if (!this.knownThreads.has(id)) this.sendEvent(new ThreadEvent('started', id));
    for (const id of this.knownThreads) if (!now.has(id)) this.sendEvent(new ThreadEvent('exited', id));
    this.knownThreads = now;
  }

  /** The thread the stop happened in: the task on the hart (a Linux target), else the one hart. */
  private threadId(): number { return this.runtime.target?.currentTid ?? this.runtime.target?.pid ?? 1; }

  private invalidate(): void {
    this.vars.reset();
    this.varNodes.clear();
    this.frames.clear();
    this.framesCache = undefined;
    this.threadFrames.clear();
  }

  /** Run a handler; any exception becomes an error response saying what is wrong (internal errors: an incident id). */
  private guard<R extends DebugProtocol.Response>(response: R, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.fail(response, errorText(e, response.command));
    }
  }

  private fail(response: DebugProtocol.Response, message: string, showUser = true, id = ERROR_REQUEST_FAILED): void {
    this.sendErrorResponse(response, { id, format: message.replace(/[{}]/g, (c) => (c === '{' ? '(' : ')')), showUser });
  }

  /** Every request's arguments are checked against its schema (protocol-validate.ts) before a handler runs. */
  protected override dispatchRequest(request: DebugProtocol.Request): void {
    const v = validateArguments(request.command, request.arguments);
    if (!v.ok) {
      this.fail(new Response(request), v.message, true, ERROR_BAD_ARGUMENTS);
      return;
    }
    request.arguments = v.args;
    if (request.command === 'initialize' && !request.arguments.pathFormat) request.arguments.pathFormat = 'path';
    super.dispatchRequest(request);
  }

  /** The base class answers an exception escaping a handler with its stack (id 1104): log it, answer an id. */
  protected override sendErrorResponse(response: DebugProtocol.Response, codeOrMessage: number | DebugProtocol.Message, format?: string, variables?: unknown, dest?: ErrorDestination): void {
    if (codeOrMessage === 1104) {
      const stack = (variables as { _stack?: string } | undefined)?._stack ?? 'unknown exception';
      return this.fail(response, internalError(stack, response.command), true, ERROR_INTERNAL);
    }
    super.sendErrorResponse(response, codeOrMessage as number, format, variables, dest);
  }

  private needStopped(): void {
    if (!this.runtime.target) throw new Error('no program is running');
    if (this.runtime.hasEnded) throw new Error('the program has ended');
    if (this.runtime.isRunning) throw new Error('the program is running: pause it first');
  }

  // ---- lifecycle ---------------------------------------------------------------------------------------------

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, _args: DebugProtocol.InitializeRequestArguments): void {
    response.body = {
      ...response.body,
      supportsConfigurationDoneRequest: true,
      supportsFunctionBreakpoints: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsInstructionBreakpoints: true,
      supportsDataBreakpoints: true,
      supportsEvaluateForHovers: true,
      supportsSetVariable: true,
      supportsReadMemoryRequest: true,
      supportsWriteMemoryRequest: true,
      supportsDisassembleRequest: true,
      supportsSteppingGranularity: true,
      supportsModulesRequest: true,
      supportsLoadedSourcesRequest: true,
      supportsRestartRequest: true,
      supportsTerminateRequest: true,
      supportsExceptionInfoRequest: true,
      supportsValueFormattingOptions: false,
      exceptionBreakpointFilters: EXCEPTION_FILTERS.map((f) => ({ filter: f.filter, label: f.label, description: f.description, default: false })),
    };
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse, args: DebugProtocol.ConfigurationDoneArguments): void {
    super.configurationDoneRequest(response, args);
    this.resolveConfigDone();
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: LaunchArguments): Promise<void> {
    await Promise.race([this.configDone, new Promise((r) => setTimeout(r, 2000))]);
    try {
      const problem = launchArgumentsProblem(args);
      if (problem) throw new Error(`launch: ${problem}`);
      this.runtime.start(args);
      this.sendResponse(response);
    } catch (e) {
      this.fail(response, errorText(e, 'launch'));
    }
  }

  protected override restartRequest(response: DebugProtocol.RestartResponse, _args: DebugProtocol.RestartArguments): void {
    this.guard(response, () => {
      this.invalidate();
      this.runtime.restart();
      this.sendResponse(response);
    });
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.runtime.terminate();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.runtime.terminate();
    this.sendResponse(response);
  }

  // ---- breakpoints -------------------------------------------------------------------------------------------

  private toDapBreakpoint(b: UserBreakpoint): DebugProtocol.Breakpoint {
    const bp: DebugProtocol.Breakpoint = { id: b.id, verified: b.verified };
    const where = b.verified ? `at ${this.runtime.describeBreakpoint(b)}` : undefined;
    bp.message = [b.message, where].filter((x) => x).join('; ') || undefined;
    if (b.addresses.length) bp.instructionReference = hex(b.addresses[0]);
    if (b.kind === 'source') {
      bp.source = new Source(basename(b.path!), b.path!);
      bp.line = b.line ?? b.requestedLine;
    } else if (b.verified && this.runtime.target) {
      const loc = this.runtime.locationAt(b.addresses[0]);
      if (loc) { bp.source = new Source(basename(loc.hostPath), loc.hostPath); bp.line = loc.line; }
    }
    return bp;
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    this.guard(response, () => {
      const path = args.source?.path;
      if (!path) throw new Error('setBreakpoints: source.path is required');
      const specs = (args.breakpoints ?? (args.lines ?? []).map((line) => ({ line }))).map((b) => {
        if (!Number.isInteger(b.line) || b.line < 1) throw new Error(`setBreakpoints: line ${b.line} is not a line number`);
        return b;
      });
      const bps = this.runtime.setSourceBreakpoints(path, specs);
      response.body = { breakpoints: bps.map((b) => this.toDapBreakpoint(b)) };
      this.sendResponse(response);
    });
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    this.guard(response, () => {
      for (const b of args.breakpoints ?? []) if (typeof b.name !== 'string' || !b.name.trim()) throw new Error('setFunctionBreakpoints: every breakpoint needs a name');
      const bps = this.runtime.setFunctionBreakpoints(args.breakpoints ?? []);
      response.body = { breakpoints: bps.map((b) => this.toDapBreakpoint(b)) };
      this.sendResponse(response);
    });
  }

  protected override setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): void {
    this.guard(response, () => {
      const bps = this.runtime.setInstructionBreakpoints(args.breakpoints ?? []);
      response.body = { breakpoints: bps.map((b) => this.toDapBreakpoint(b)) };
      this.sendResponse(response);
    });
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    this.guard(response, () => {
      const filters = [...(args.filters ?? []), ...(args.filterOptions ?? []).map((f) => f.filterId)];
      this.runtime.setExceptionFilters(filters);
      response.body = { breakpoints: filters.map(() => ({ verified: true })) };
      this.sendResponse(response);
    });
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const e = this.exceptionText ?? { text: 'no exception', details: '' };
    response.body = { exceptionId: e.text.split(' (')[0], description: e.text, breakMode: 'always', details: { message: e.details } };
    this.sendResponse(response);
  }

  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    this.guard(response, () => {
      const name = args.name;
      const rt = this.runtime;
      // a [vvar] field by name ('seq', 'vd[0].seq', 'vd[1].mult'), a variable of ours with a memory reference, or an address expression
      let start: bigint | undefined, size = 8, label = name;
      let notInMemory: string | undefined;
      let cObject = false; // a C object (a variable of a scope, a watch expression): scoped to its frame when on the stack
      const field = DATAPAGE_FIELDS.find((f) => f.name === name || f.name === `vd[0].${name}`);
      if (field && rt.target?.vvarBase) {
        start = rt.target.vvarBase + BigInt(field.offset); size = field.size; label = `[vvar] ${field.name}`;
      } else if (args.variablesReference) {
        const node = this.varNodes.get(args.variablesReference)?.get(name);
        if (node?.memoryReference) {
          start = BigInt(node.memoryReference);
          size = node.size || (node.type === 'u32' || node.type === 's32' ? 4 : 8);
          label = node.evaluateName ?? name;
          cObject = true;
        }
      }
      if (start === undefined && rt.target && !rt.isRunning && !/,\s*\d+$/.test(name)) {
        // a C object by expression (a watch expression, a name in scope): its address and sizeof, as gdb's watch
        let c;
        try { c = tryEvaluateC(rt, name, this.frameOf(args.frameId), true); } catch { c = undefined; }
        if (c?.value.addr !== undefined && c.value.bitSize === undefined && !c.value.optimized && sizeOf(c.value.type) > 0) {
          start = c.value.addr;
          size = sizeOf(c.value.type);
          label = name;
          cObject = true;
        } else if (c) {
          notInMemory = `it is not an object in memory (${c.value.optimized ? 'optimized out' : c.value.bitSize !== undefined ? 'a bitfield' : 'a register or computed value'})`;
        }
      }
      if (start === undefined) {
        const m = /^(.*?)(?:,\s*(\d+))?$/.exec(name)!;
        try {
          start = rt.target ? rt.evaluate(m[1]) : undefined;
        } catch (e) {
          response.body = { dataId: null, description: `cannot watch '${name}': ${notInMemory ?? errorText(e, 'dataBreakpointInfo')}` };
          this.sendResponse(response);
          return;
        }
        if (m[2]) size = Number(m[2]);
        if (args.bytes) size = args.bytes;
        label = `${hex(start ?? 0n)}+${size}`;
      } else if (args.bytes) size = args.bytes; // the range the client asks for from the variable's address
      if (start === undefined) {
        response.body = { dataId: null, description: 'no program is running' };
      } else {
        // a local's watch ends with its frame: the dataId carries the frame's end (return address, CFA, thread)
        const scope = cObject ? rt.watchScope(start) : undefined;
        const scoped = scope ? `@${hex(scope.returnPc)}@${hex(scope.cfa)}@${scope.tid ?? ''}` : '';
        response.body = { dataId: `${hex(start)}:${size}${scoped}:${label}`, description: `${label} (${size} bytes at ${hex(start)}${scope ? ', until its frame returns' : ''})`, accessTypes: ['read', 'write', 'readWrite'], canPersist: false };
      }
      this.sendResponse(response);
    });
  }

  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    this.guard(response, () => {
      const specs = (args.breakpoints ?? []).map((b) => {
        const m = /^(0x[0-9a-f]+):(\d+)(?:@(0x[0-9a-f]+)@(0x[0-9a-f]+)@(\d*))?:(.*)$/i.exec(b.dataId);
        if (!m) throw new Error(`setDataBreakpoints: '${b.dataId}' is not a dataId from dataBreakpointInfo`);
        const start = BigInt(m[1]);
        const scope = m[3] ? { returnPc: BigInt(m[3]), cfa: BigInt(m[4]), tid: m[5] ? Number(m[5]) : undefined } : undefined;
        return { dataId: b.dataId, start, end: start + BigInt(m[2]), access: b.accessType ?? 'write', condition: b.condition, hitCondition: b.hitCondition, label: m[6], scope };
      });
      const ws = this.runtime.setDataBreakpoints(specs);
      response.body = { breakpoints: ws.map((w) => ({ id: w.id, verified: true, message: `${w.access} watch on ${w.label}` })) };
      this.sendResponse(response);
    });
  }

  // ---- execution -----------------------------------------------------------------------------------------------

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    const t = this.runtime.target;
    if (t?.threads) {
      // one per task of the debugged process, named from comm (pthread_setname_np / prctl show here)
      response.body = { threads: t.threads().map((x) => new Thread(x.tid, x.label ?? `${x.name} (${x.tid === t.pid ? 'pid' : 'tid'} ${x.tid})${x.state === 'blocked' && x.waiting ? ` in ${x.waiting}` : ''}`)) };
    } else {
      response.body = { threads: t ? [new Thread(t.pid, t.capabilities.process ? `${basename(t.programPath)} (pid ${t.pid})` : 'hart 0')] : [] };
    }
    this.sendResponse(response);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    this.guard(response, () => {
      this.needStopped();
      this.invalidate();
      response.body = { allThreadsContinued: true };
      this.sendResponse(response);
      this.runtime.continue();
    });
  }

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.step(response, 'next', args.granularity, args.threadId);
  }
  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.step(response, 'stepIn', args.granularity, args.threadId);
  }
  protected override stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): void {
    this.step(response, 'stepOut', args.granularity, args.threadId);
  }
  private step(response: DebugProtocol.Response, kind: 'next' | 'stepIn' | 'stepOut', g?: DebugProtocol.SteppingGranularity, threadId?: number): void {
    this.guard(response, () => {
      this.needStopped();
      // another thread of the stopped process is put on the hart and stepped (the others stay stopped); an id
      // that is no thread (clients that send 1 for the only thread) steps the thread that stopped
      const t = this.runtime.target;
      const other = threadId !== undefined && t?.currentTid !== undefined && threadId !== t.currentTid && t.threads?.().some((x) => x.tid === threadId) ? threadId : undefined;
      this.runtime.step(kind, g === 'instruction' ? 'instruction' : 'line', other, () => { this.invalidate(); this.sendResponse(response); });
    });
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.guard(response, () => {
      if (!this.runtime.target) throw new Error('no program is running');
      this.runtime.pause();
      this.sendResponse(response);
    });
  }

  // ---- state -------------------------------------------------------------------------------------------------------

  private stack(): Frame[] {
    if (!this.framesCache) this.framesCache = withInlineFrames(this.runtime, this.runtime.stack());
    return this.framesCache;
  }

  private frameOf(frameId: number | undefined): Frame | undefined {
    if (frameId === undefined) return undefined;
    // Frame ids are index + 1 within a stop: after a writeMemory/setVariable invalidated them, the client still
    // holds them (nothing told it to fetch the stack again), so they are rebuilt from the stack as it is now.
    if (!this.frames.size && !this.runtime.isRunning && this.runtime.target) for (const f of this.stack()) this.frames.set(f.index + 1, f);
    const f = this.frames.get(frameId);
    if (!f) throw new Error(`frame ${frameId} is not a frame of the current stop`);
    return f;
  }

  /** The stack of another thread than the one on the hart (from its saved registers), cached for the stop. */
  private threadStack(tid: number): Frame[] {
    let st = this.threadFrames.get(tid);
    if (!st) { st = withInlineFrames(this.runtime, this.runtime.stack(64, tid)); this.threadFrames.set(tid, st); }
    return st;
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    this.guard(response, () => {
      this.needStopped();
      const t = this.runtime.target;
      // another thread of the debugged process: its own stack; an id that is no thread (clients that send 1
      // for the only thread) gets the stack of the thread that stopped, as before threads were modelled
      const other = t?.currentTid !== undefined && args.threadId !== t.currentTid && t.threads?.().some((x) => x.tid === args.threadId) ? args.threadId : undefined;
      const all = other !== undefined ? this.threadStack(other) : this.stack();
      const start = args.startFrame ?? 0;
      const levels = args.levels || all.length;
      const frames = all.slice(start, start + levels).map((f) => {
        // frame ids: index + 1 on the thread that stopped, tid * 1000 + index + 1 on the others
        const id = other !== undefined ? other * 1000 + f.index + 1 : f.index + 1;
        this.frames.set(id, f);
        const mod = f.module ? ` (${f.module.name})` : '';
        const sf = new StackFrame(id, `${f.name}${mod}`) as DebugProtocol.StackFrame;
        if (f.location) {
          sf.source = this.sourceFor(f.location.hostPath);
          sf.line = f.location.line;
          sf.column = Math.max(1, f.location.column);
        } else {
          // no source: 'function+offset (module)', and a disassembly document the editor can show (as CodeLLDB
          // does), so selecting the frame or stopping in it shows its code; callers without source are subtle
          sf.name = f.name === SIGNAL_FRAME_NAME ? f.name : `${f.module?.describe(f.pc) ?? f.name}${mod}`;
          const d = this.disassemblySource(f);
          sf.source = d.source;
          sf.line = d.line;
          sf.column = 1;
          if (f.index > 0) sf.presentationHint = 'subtle';
        }
        sf.instructionPointerReference = hex(f.pc);
        if (f.module) sf.moduleId = f.module.id;
        return sf;
      });
      response.body = { stackFrames: frames, totalFrames: all.length };
      this.sendResponse(response);
    });
  }

  private disasmDocs = new Map<string, { ref: number; text: string; addresses: bigint[] }>();

  /** A read-only document with the disassembly of the function around a frame's pc (sourceReference). */
  private disassemblySource(f: Frame): { source: Source; line: number } {
    const fn = f.module?.functionRange(f.pc);
    const start = fn && fn.end - fn.start > 1n ? fn.start : f.pc;
    const count = fn && fn.end - fn.start > 1n ? Math.min(4096, Number(fn.end - fn.start) / 2) : 256;
    const key = `${hex(start)}:${count}`;
    let doc = this.disasmDocs.get(key);
    if (!doc) {
      const lines = decodeForward(this.runtime, start, count).filter((l) => !fn || fn.end - fn.start <= 1n || l.address < fn.end);
      const text = lines.map((l) => `${hex(l.address)}${l.symbol ? ` <${l.symbol}>` : ''}:\t${l.bytes}\t${l.text}`).join('\n') + '\n';
      doc = { ref: this.sourceRefs.create(`disassembly:${key}`), text, addresses: lines.map((l) => l.address) };
      this.disasmDocs.set(key, doc);
    }
    const i = doc.addresses.indexOf(f.pc);
    const name = `${fn?.name ?? hex(start)} (disassembly${f.module ? `, ${f.module.name}` : ''})`;
    return { source: new Source(name, undefined, doc.ref, 'disassembly'), line: i >= 0 ? i + 1 : 1 };
  }

  private sourceFor(path: string): Source {
    if (existsSync(path)) return new Source(basename(path), path);
    return new Source(basename(path), path, this.sourceRefs.create(path), 'deemphasize');
  }

  protected override sourceRequest(response: DebugProtocol.SourceResponse, args: DebugProtocol.SourceArguments): void {
    this.guard(response, () => {
      const p = args.sourceReference ? this.sourceRefs.get(args.sourceReference) : args.source?.path;
      if (!p) throw new Error('source: unknown source reference');
      if (p.startsWith('disassembly:')) {
        const doc = [...this.disasmDocs.values()].find((d) => d.ref === args.sourceReference);
        if (!doc) throw new Error('source: this disassembly is no longer available');
        response.body = { content: doc.text, mimeType: 'text/x-riscv-asm' };
        this.sendResponse(response);
        return;
      }
      if (!existsSync(p)) throw new Error(`source ${p} is not available on this machine`);
      // a client may name any path: only a regular file of bounded size is read (/dev/zero read without end)
      const st = statSync(p);
      if (!st.isFile()) throw new Error(`source ${p}: not a regular file`);
      if (st.size > MAX_SOURCE_FILE_BYTES) throw new Error(`source ${p}: ${st.size} bytes; at most ${MAX_SOURCE_FILE_BYTES} (docs/limits.md)`);
      response.body = { content: readFileSync(p, 'utf8') };
      this.sendResponse(response);
    });
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    this.guard(response, () => {
      this.needStopped();
      if (!this.frames.size) for (const f of this.stack()) this.frames.set(f.index + 1, f);
      const frame = this.frameOf(args.frameId)!;
      response.body = {
        scopes: scopesFor(this.runtime, frame).map((s) => {
          const sc = new Scope(s.name, this.vars.create(s.children), s.expensive) as DebugProtocol.Scope & { memoryReference?: string };
          if (s.presentationHint) sc.presentationHint = s.presentationHint;
          if (s.memoryReference) sc.memoryReference = s.memoryReference;
          return sc;
        }),
      };
      this.sendResponse(response);
    });
  }

  private toDapVariable(ref: number, n: VarNode): DebugProtocol.Variable {
    let map = this.varNodes.get(ref);
    if (!map) this.varNodes.set(ref, (map = new Map()));
    map.set(n.name, n);
    const v: DebugProtocol.Variable = { name: n.name, value: n.value, variablesReference: n.children ? this.vars.create(n.children) : 0 };
    if (n.type) v.type = n.type;
    if (n.memoryReference) v.memoryReference = n.memoryReference;
    if (n.evaluateName) v.evaluateName = n.evaluateName;
    const attrs = [...(n.presentationHint?.attributes ?? [])];
    if (!n.set && !attrs.includes('readOnly') && !n.children) attrs.push('readOnly');
    if (attrs.length || n.presentationHint?.kind) v.presentationHint = { kind: n.presentationHint?.kind, attributes: attrs };
    return v;
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    this.guard(response, () => {
      this.needStopped();
      const c = this.vars.get(args.variablesReference);
      if (!c) throw new Error(`variablesReference ${args.variablesReference} is not valid at this stop`);
      let nodes = c();
      if (args.start !== undefined || args.count) nodes = nodes.slice(args.start ?? 0, args.count ? (args.start ?? 0) + args.count : undefined);
      response.body = { variables: nodes.map((n) => this.toDapVariable(args.variablesReference, n)) };
      this.sendResponse(response);
    });
  }

  protected override setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    this.guard(response, () => {
      this.needStopped();
      let node = this.varNodes.get(args.variablesReference)?.get(args.name);
      if (!node) {
        const c = this.vars.get(args.variablesReference);
        node = c?.().find((n) => n.name === args.name);
      }
      if (!node) throw new Error(`no variable '${args.name}' in this scope`);
      if (!node.set) throw new Error(`${args.name} is read-only`);
      const after = node.set(args.value);
      this.framesCache = undefined;
      response.body = { value: after.value, type: after.type, variablesReference: 0 };
      this.sendResponse(response);
    });
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    // hover, watch, variables and clipboard evaluations fail quietly (no toast, every stop); a hover on a name
    // that means nothing here shows nothing; only the console's answers are meant for the user's eyes
    const context = args?.context;
    if (context && context !== 'repl') {
      try {
        this.evaluate(response, args);
      } catch (e) {
        const hoverName = context === 'hover' && /^[A-Za-z_$][\w$.]*$/.test((args.expression ?? '').trim());
        this.fail(response, hoverName ? '' : errorText(e, 'evaluate'), false);
      }
      return;
    }
    this.guard(response, () => this.evaluate(response, args));
  }

  private evaluate(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    {
      const expr = (args.expression ?? '').trim();
      if (!expr) throw new Error('evaluate: empty expression');
      if (!this.runtime.target) throw new Error('no program is running');
      if (this.runtime.isRunning && !/^strace\b/.test(expr)) throw new Error('the program is running: pause it first');
      const frame = this.frameOf(args.frameId);
      let c: ReturnType<typeof tryEvaluateC>;
      if (args.context === 'repl' || args.context === undefined) {
        const r = runConsole(this.runtime, expr, frame);
        if (r.action) this.needStopped();
        response.body = { result: r.text, variablesReference: r.node?.children ? this.vars.create(r.node.children) : 0 };
        if (r.node) response.body.memoryReference = r.node.memoryReference;
        else if (r.value !== undefined && this.runtime.mappingAt(r.value)) response.body.memoryReference = hex(r.value);
        if (r.action) {
          // finish / step / next / continue typed in the console: answer, then run like the toolbar would
          const a = r.action;
          this.sendResponse(response);
          this.invalidate();
          this.sendEvent(new ContinuedEvent(this.threadId(), true));
          if (a.kind === 'continue') this.runtime.continue();
          else this.runtime.step(a.kind, a.granularity);
          return;
        }
      } else if ((c = tryEvaluateC(this.runtime, expr, frame, true))) {
        // C expressions (watch, hover): gdb's print text, expandable, with the value's memory reference
        response.body = { result: c.text, type: c.type, variablesReference: c.node.children ? this.vars.create(c.node.children) : 0, memoryReference: c.node.memoryReference };
      } else {
        const v = this.runtime.evaluate(expr, frame);
        response.body = { result: formatValue(expr, v).split('\n')[0], variablesReference: 0 };
        if (this.runtime.mappingAt(v)) response.body.memoryReference = hex(v);
      }
      this.sendResponse(response);
    }
  }

  protected override readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    this.guard(response, () => {
      this.needStopped();
      const r = readMemory(this.runtime, args.memoryReference, args.offset ?? 0, args.count);
      response.body = { address: hex(r.address), data: Buffer.from(r.data).toString('base64'), unreadableBytes: r.unreadable || undefined };
      this.sendResponse(response);
    });
  }

  protected override writeMemoryRequest(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): void {
    this.guard(response, () => {
      this.needStopped();
      if (typeof args.data !== 'string') throw new Error('writeMemory: data (base64) is required');
      const data = new Uint8Array(Buffer.from(args.data, 'base64'));
      const r = writeMemory(this.runtime, args.memoryReference, args.offset ?? 0, data);
      this.invalidate();
      response.body = { offset: args.offset ?? 0, bytesWritten: r.written };
      this.sendResponse(response);
    });
  }

  protected override disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): void {
    this.guard(response, () => {
      this.needStopped();
      const base = BigInt.asUintN(64, this.runtime.evaluate(args.memoryReference) + BigInt(args.offset ?? 0));
      const lines = disassembleAround(this.runtime, base, args.instructionOffset ?? 0, args.instructionCount);
      let lastPath: string | undefined;
      response.body = {
        instructions: lines.map((l) => {
          const ins: DebugProtocol.DisassembledInstruction = { address: hex(l.address), instruction: l.text, instructionBytes: l.bytes };
          if (l.symbol && args.resolveSymbols !== false) ins.symbol = l.symbol;
          if (l.invalid) ins.presentationHint = 'invalid';
          if (l.location) {
            if (l.location.hostPath !== lastPath) ins.location = this.sourceFor(l.location.hostPath);
            lastPath = l.location.hostPath;
            ins.line = l.location.line;
          }
          return ins;
        }),
      };
      this.sendResponse(response);
    });
  }

  private toDapModule(m: DebugModule): DebugProtocol.Module {
    const mod = new Module(m.id, m.name) as DebugProtocol.Module;
    if (m.hostPath) mod.path = m.hostPath;
    mod.addressRange = `${hex(m.start)}-${hex(m.end)}`;
    mod.symbolStatus = m.hasLines ? (m.debugElf ? 'symbols loaded (separate debug file)' : 'symbols loaded') : 'no line table';
    if (m.debugElf) mod.symbolFilePath = m.kind === 'vdso' ? 'vdso.so.dbg' : undefined;
    mod.isOptimized = m.kind === 'vdso';
    return mod;
  }

  private modulesRequest(response: DebugProtocol.ModulesResponse, args: DebugProtocol.ModulesArguments): void {
    const mods = this.runtime.modules();
    const start = args.startModule ?? 0;
    const slice = mods.slice(start, args.moduleCount ? start + args.moduleCount : undefined);
    response.body = { modules: slice.map((m) => this.toDapModule(m)), totalModules: mods.length };
    this.sendResponse(response);
  }

  protected override loadedSourcesRequest(response: DebugProtocol.LoadedSourcesResponse): void {
    const seen = new Set<string>();
    const sources: DebugProtocol.Source[] = [];
    for (const m of this.runtime.modules()) {
      for (const p of m.sourceFiles()) {
        if (seen.has(p)) continue;
        seen.add(p);
        sources.push(this.sourceFor(p));
      }
    }
    response.body = { sources };
    this.sendResponse(response);
  }

  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    if (command === 'modules') return this.modulesRequest(response as DebugProtocol.ModulesResponse, (args ?? {}) as DebugProtocol.ModulesArguments);
    if (command === 'consoleInput') {
      // typed at the guest's console: { text } (a full system's UART)
      const text = (args as { text?: unknown } | undefined)?.text;
      if (typeof text !== 'string') return this.fail(response, 'consoleInput needs "text", a string');
      if (!this.runtime.consoleInput(text)) return this.fail(response, 'this debug target has no console to type at (only a full system, launched with "kernel", has one)');
      return this.sendResponse(response);
    }
    this.fail(response, `unknown request '${command}'`);
  }
}

export { ContinuedEvent };

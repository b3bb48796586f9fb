// Shared helpers of the DAP tests: a DebugClient on the BUILT adapter (dist/debugAdapter.js, built by
// `npm test`'s pretest or here when missing), fixture paths, and small request wrappers.
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

export const ROOT = join(__dirname, '..', '..');
export const ADAPTER = join(ROOT, 'dist', 'debugAdapter.js');
export const BARE = join(ROOT, 'test', 'fixtures', 'bare', 'build');
export const COUNTER = join(__dirname, 'fixtures', 'counter.elf');
export const COUNTER_C = join(__dirname, 'fixtures', 'counter.c');

export function ensureBuilt(): void {
  if (existsSync(ADAPTER) && existsSync(join(ROOT, 'dist', 'hart.wasm'))) return;
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed');
}

export async function startClient(): Promise<DebugClient> {
  ensureBuilt();
  const dc = new DebugClient('node', ADAPTER, 'riscv-vdso');
  dc.defaultTimeout = 20000;
  await dc.start();
  return dc;
}

/** initialize, configurationDone, launch; resolves with the first stopped event. */
export async function launchStopped(dc: DebugClient, args: Record<string, unknown>, setup?: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  await dc.initializeRequest();
  if (setup) await setup();
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.configurationDoneRequest();
  await dc.launchRequest(args as DebugProtocol.LaunchRequestArguments);
  return stopped;
}

/** The line of a marker comment in a source file. */
export function lineOf(file: string, marker: string): number {
  const i = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(marker));
  if (i < 0) throw new Error(`no ${marker} in ${file}`);
  return i + 1;
}

export async function evaluate(dc: DebugClient, expression: string, frameId?: number): Promise<string> {
  return (await dc.evaluateRequest({ expression, context: 'repl', frameId })).body.result;
}

export async function evalNumber(dc: DebugClient, expression: string): Promise<bigint> {
  const r = await evaluate(dc, expression);
  return BigInt(r.split(' ')[0]);
}

/** The error message of a request that must fail. */
export async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('the request succeeded but should have failed');
}

export async function stopAfter(dc: DebugClient, req: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await req();
  return stopped;
}

export async function variables(dc: DebugClient, ref: number): Promise<DebugProtocol.Variable[]> {
  return (await dc.variablesRequest({ variablesReference: ref })).body.variables;
}

export async function scope(dc: DebugClient, name: string, frameId = 1): Promise<DebugProtocol.Scope> {
  const s = (await dc.scopesRequest({ frameId })).body.scopes.find((x) => x.name === name);
  if (!s) throw new Error(`no scope ${name}`);
  return s;
}

export const hex = (v: bigint) => '0x' + v.toString(16);

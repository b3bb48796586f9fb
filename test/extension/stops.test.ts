// inspectStop: what the status bar item and the [vvar] inspector get from a stopped adapter, through standard
// DAP requests only (a scripted session stands in for the adapter).
import './hooks';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VDSO_DATA_ARRAY_SIZE } from '../../src/kernel/vdso/datapage';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { inspectStop } = require('../../src/extension/stops') as typeof import('../../src/extension/stops');

function session(priv: string, opts: { vvar?: boolean; failMemory?: boolean } = {}) {
  const calls: string[] = [];
  const page = Buffer.alloc(VDSO_DATA_ARRAY_SIZE);
  page.writeUInt32LE(6, 0);
  return {
    calls,
    customRequest: async (command: string, args: Record<string, unknown>) => {
      calls.push(command);
      switch (command) {
        case 'threads': return { threads: [{ id: 4242, name: 'vdso' }] };
        case 'stackTrace': return { stackFrames: [{ id: 7, name: 'handle_exception', instructionPointerReference: '0xffffffff80000000' }] };
        case 'scopes': return { scopes: [
          { name: 'Registers', variablesReference: 11 },
          ...(opts.vvar ? [{ name: '[vvar]', variablesReference: 12, memoryReference: '0x3ff7ffd000' }] : []),
        ] };
        case 'variables':
          assert.equal(args.variablesReference, 11);
          return { variables: [{ name: 'pc', value: '0x0', variablesReference: 0 }, { name: 'priv', value: priv, variablesReference: 0 }] };
        case 'readMemory':
          if (opts.failMemory) throw new Error('unreadable');
          assert.equal(args.count, VDSO_DATA_ARRAY_SIZE);
          return { address: args.memoryReference, data: page.toString('base64') };
        default: throw new Error(`unexpected ${command}`);
      }
    },
  };
}

test('the privilege mode comes from the Registers scope, [vvar] from its scope\'s memory reference', async () => {
  const s = session('S (1)', { vvar: true });
  const r = await inspectStop(s as never, undefined);
  assert.equal(r.priv, 'S');
  assert.equal(r.pc, '0xffffffff80000000');
  assert.equal(r.vvarAddress, 0x3ff7ffd000n);
  assert.equal(r.vvar!.length, VDSO_DATA_ARRAY_SIZE);
  assert.equal(Buffer.from(r.vvar!).readUInt32LE(0), 6);
  assert.deepEqual(s.calls, ['threads', 'stackTrace', 'scopes', 'variables', 'readMemory']);
});

test('a bare-metal target (no [vvar] scope) still gives the mode; an unreadable [vvar] does not lose it', async () => {
  assert.deepEqual(await inspectStop(session('M (3)') as never, 1), { pc: '0xffffffff80000000', priv: 'M' });
  const r = await inspectStop(session('U (0)', { vvar: true, failMemory: true }) as never, 1);
  assert.equal(r.priv, 'U');
  assert.equal(r.vvar, undefined);
  assert.equal((await inspectStop(session('?') as never, 1)).priv, undefined, 'an unknown value gives no mode');
});

// The guest-console terminal of a full-system session: a Pseudoterminal fed by the session's output events,
// its keys sent to the adapter as 'consoleInput' (the adapter side: test/dap/systemconsole.test.ts).
import './hooks';
import { test } from 'node:test';
import assert from 'node:assert/strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fake = require('vscode') as typeof import('./fakeVscode');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { GuestConsoles } = require('../../src/extension/guestConsole') as typeof import('../../src/extension/guestConsole');

function session(configuration: Record<string, unknown>) {
  const requests: { command: string; args: unknown }[] = [];
  return { requests, id: `s${Math.random()}`, name: 'Linux', configuration, customRequest: async (command: string, args: unknown) => { requests.push({ command, args }); return {}; } };
}

test('a full-system session gets a guest-console terminal: output shown (held until it opens), keys typed go to consoleInput', () => {
  const consoles = new GuestConsoles();
  const factory = fake.registered.trackerFactories.get('riscv-vdso')!.at(-1);
  const before = fake.registered.terminals.length;
  assert.equal(factory.createDebugAdapterTracker(session({ program: '/bin/prog' })), undefined, 'a process session has none');
  assert.equal(fake.registered.terminals.length, before);

  const s = session({ kernel: '/k/Image' });
  const tracker = factory.createDebugAdapterTracker(s);
  const term = fake.registered.terminals.at(-1)!;
  assert.equal(term.name, 'Guest console: Linux');
  assert.equal(term.shown, false, 'shown when the guest first prints');
  const shown: string[] = [];
  term.pty.onDidWrite((t: string) => shown.push(t));
  tracker.onDidSendMessage({ type: 'event', event: 'output', body: { category: 'stdout', output: 'OpenSBI v1.1\n' } });
  tracker.onDidSendMessage({ type: 'event', event: 'output', body: { category: 'console', output: 'adapter note\n' } });
  assert.deepEqual(shown, [], 'nothing before the terminal opens');
  assert.equal(term.shown, true);
  term.pty.open(undefined);
  tracker.onDidSendMessage({ type: 'event', event: 'output', body: { category: 'stdout', output: 'init: type a line\r\n' } });
  assert.deepEqual(shown, ['OpenSBI v1.1\r\n', 'init: type a line\r\n'], 'the guest\'s output only, with CR LF');
  term.pty.handleInput('ls\r');
  assert.deepEqual(s.requests, [{ command: 'consoleInput', args: { text: 'ls\r' } }]);
  tracker.onDidSendMessage({ type: 'event', event: 'exited', body: { exitCode: 0 } });
  assert.equal(shown.at(-1), '\r\n[the machine powered off, status 0]\r\n');
  term.pty.handleInput('x');
  assert.equal(s.requests.length, 1, 'keys after power-off go nowhere');
  assert.equal(consoles.consoles.size, 0);
  consoles.dispose();
});

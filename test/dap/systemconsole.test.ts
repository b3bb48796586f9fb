// The guest's console through the debug adapter (issue 19): on a whole system the UART's output arrives as
// output events and the custom request 'consoleInput' types at it (the extension's guest-console terminal
// sends what the user types this way). /init asks for a line (initecho=1 on the kernel command line) and
// prints what it read: the receive interrupt went through the PLIC to the kernel's 8250 driver and the tty.
// Needs the cached demo kernel (scripts/build-linux.sh); skipped with the reason without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { startClient, errorOf, COUNTER, launchStopped } from './helpers';
import { artefacts } from '../hart/virt/fullsys';

const a = artefacts(false);
const skip = typeof a === 'string' ? a : false;

test('consoleInput types at the guest\'s console: init reads the line and the run powers off', { skip }, async () => {
  if (typeof a === 'string') return;
  const dc = await startClient();
  dc.defaultTimeout = 120_000;
  try {
    let output = '';
    const prompt = new Promise<void>((res) => {
      dc.on('output', (e: DebugProtocol.OutputEvent) => {
        output += e.body.output;
        if (output.includes('init: type a line')) res();
      });
    });
    const exited = dc.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await Promise.all([
      dc.configurationSequence(),
      dc.launch({ kernel: a.image, initrd: a.initramfs, firmware: 'builtin', bootargs: 'console=ttyS0 earlycon=sbi initecho=1' } as DebugProtocol.LaunchRequestArguments),
    ]);
    await prompt;
    // Enter in a terminal is CR: the tty's ICRNL makes it a newline
    await dc.customRequest('consoleInput', { text: 'typed in the editor\r' });
    assert.equal((await exited).body.exitCode, 0, output.slice(-2000));
    assert.match(output, /init: read 'typed in the editor' \(19 bytes\)/);
  } finally {
    await dc.stop();
  }
});

test('consoleInput: a clear error without text, and on a target that has no console', async () => {
  const dc = await startClient();
  try {
    await launchStopped(dc, { program: COUNTER, stopOnEntry: true });
    assert.match(await errorOf(dc.customRequest('consoleInput', {})), /consoleInput needs "text", a string/);
    assert.match(await errorOf(dc.customRequest('consoleInput', { text: 'x' })), /no console to type at/);
  } finally {
    await dc.stop();
  }
});

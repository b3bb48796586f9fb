// The stand-alone debug adapter: DAP over stdin/stdout, or over TCP with --server=PORT (one session per
// connection), like vscode-mock-debug's debugAdapter.ts.
import { createServer } from 'node:net';
import { VdsoDebugSession } from './session';
import { processFactory } from './kernelLink';

const serverArg = process.argv.slice(2).find((a) => a.startsWith('--server='));
if (serverArg) {
  const port = Number(serverArg.slice('--server='.length));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`debugAdapter: bad port in ${serverArg}\n`);
    process.exit(2);
  }
  const server = createServer((socket) => {
    const session = new VdsoDebugSession(processFactory());
    session.setRunAsServer(true);
    session.start(socket, socket);
  }).listen(port, () => {
    const a = server.address();
    process.stderr.write(`riscv-vdso debug adapter listening on port ${typeof a === 'object' && a ? a.port : port}\n`);
  });
} else {
  const session = new VdsoDebugSession(processFactory());
  process.on('SIGTERM', () => session.shutdown());
  session.start(process.stdin, process.stdout);
}

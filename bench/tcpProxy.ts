/**
 * The relay benchmark's floor: the least any relay in its own process can add. A plain TCP
 * forwarder (node:net, pipe() both ways, Nagle off), run as its own process:
 *
 *   node --import tsx bench/tcpProxy.ts TARGET_PORT
 *
 * It listens on an ephemeral loopback port, prints {"port":N} once, and forwards every connection
 * to 127.0.0.1:TARGET_PORT. No WebSocket, no policy, no logs: what is left is the extra process
 * and the two extra loopback hops per round trip that the real relay pays as well.
 */
import { createServer, connect, type Socket } from 'node:net';

const targetPort = Number(process.argv[2]);
if (!Number.isInteger(targetPort) || targetPort <= 0 || targetPort > 65535) {
  process.stderr.write('usage: bench/tcpProxy.ts TARGET_PORT\n');
  process.exit(2);
}

function join(a: Socket, b: Socket): void {
  a.setNoDelay(true);
  a.pipe(b);
  a.on('error', () => b.destroy());
  a.on('close', () => b.destroy());
}

const server = createServer((client) => {
  const target = connect({ host: '127.0.0.1', port: targetPort });
  join(client, target);
  join(target, client);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
process.on('SIGTERM', () => process.exit(0));

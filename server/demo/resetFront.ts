/**
 * A TCP front that pipes bytes to an internal TLS server and resets the client's TCP connection when
 * the client answers a HelloRequest with an alert (see recordWatch.ts for the rule).
 *
 * Why a front: Node cannot reset a TLSSocket (resetAndDestroy throws on it), and OpenSSL itself
 * answers a refused renegotiation with a fatal handshake_failure alert and a normal close. http.sys
 * instead aborts the TCP connection (RST) — that is what refusing clients report as "connection
 * reset by peer", so the demo must do the same on the raw socket.
 */
import net from 'node:net';
import { RenegotiationRefusalDetector } from './recordWatch';

export interface ResetFrontOptions {
  /** Where the internal TLS server listens. */
  inner: { host: string; port: number };
  /** Called when a connection is reset because of a refused renegotiation (for logs and tests). */
  onReset?: (client: { address?: string; port?: number }) => void;
}

export function createResetFront(opts: ResetFrontOptions): net.Server {
  return net.createServer({ allowHalfOpen: true }, (client) => {
    const detector = new RenegotiationRefusalDetector();
    const upstream = net.connect({ host: opts.inner.host, port: opts.inner.port, allowHalfOpen: true });
    let reset = false;

    client.on('data', (chunk: Buffer) => {
      if (detector.clientBytes(chunk) === 'reset') {
        reset = true;
        opts.onReset?.({ address: client.remoteAddress, port: client.remotePort });
        // The alert is not forwarded: the TLS server never learns of it, exactly as with http.sys.
        client.resetAndDestroy();
        upstream.destroy();
        return;
      }
      if (!upstream.write(chunk)) {
        client.pause();
        upstream.once('drain', () => client.resume());
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      detector.serverBytes(chunk);
      if (!client.write(chunk)) {
        upstream.pause();
        client.once('drain', () => upstream.resume());
      }
    });

    // Half-closes travel through unchanged.
    client.on('end', () => upstream.end());
    upstream.on('end', () => {
      if (!reset) client.end();
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => {
      if (!client.destroyed && !reset) client.end();
    });
    client.on('error', () => upstream.destroy());
    // The internal server failing to answer is a server-side failure: abort the client connection.
    upstream.on('error', () => {
      if (!client.destroyed) client.resetAndDestroy();
    });
  });
}

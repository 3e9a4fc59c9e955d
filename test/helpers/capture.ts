/**
 * Records a real TLS conversation as a Trace without the engine: a Node tls client talks to a TLS
 * server on loopback through a recording TCP proxy. The proxy sees exactly the bytes on the wire, in
 * order, and the transport events (connected, server FIN, server RST, client half-close and close);
 * the client's `keylog` event supplies the NSS key log. The result follows the trace contract the
 * exports rely on (lib/trace/schema.ts): every wire byte in exactly one 'record' step, split at TLS
 * record boundaries; 'tcp' steps with data.event.
 *
 * Nothing here dials outside 127.0.0.0/8.
 */
import net, { type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import { TraceRecorder } from '../../lib/trace/recorder';
import type { Direction, Outcome, RunOptions, StepContent, Trace } from '../../lib/trace/schema';
import { runOptions } from './runOptions';

export interface CaptureOptions {
  /** The TLS server to capture (loopback). */
  server: { host: string; port: number };
  /** Node tls client options (servername, ca, minVersion, maxVersion, ALPNProtocols, secureOptions…). */
  client: tls.ConnectionOptions;
  /** Bytes the client sends once the handshake is done (an HTTP request), or none. */
  request?: string;
  /** The URL the trace says it ran. */
  url: string;
  /** Gives up (and fails) after this long. Default 15 s. */
  timeoutMs?: number;
}

export interface Capture {
  trace: Trace;
  /** Everything the client application received (decrypted). */
  received: string;
  /** The error the client saw (ECONNRESET, a certificate error…), if any. */
  clientError?: NodeJS.ErrnoException;
  /** The TLS version the client negotiated ('TLSv1.3', 'TLSv1.2'), when the handshake completed. */
  protocol?: string;
}

const CONTENT_TYPES: Record<number, string> = { 20: 'change_cipher_spec', 21: 'alert', 22: 'handshake', 23: 'application_data', 24: 'heartbeat' };
/** RFC 8446 §5.1 / RFC 5246 §6.2: a record carries at most 2^14 plaintext bytes plus expansion. */
const MAX_RECORD_LENGTH = (1 << 14) + 2048;

/**
 * Splits one direction's byte stream into TLS records (RFC 8446 §5.1: 5-byte header, then `length`
 * bytes). Incomplete records wait for more bytes; bytes that are not a record header are given out
 * as they are, so no byte is ever lost or duplicated.
 */
class RecordSplitter {
  private buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const records: Buffer[] = [];
    while (this.buffer.length >= 5) {
      const type = this.buffer[0];
      const length = this.buffer.readUInt16BE(3);
      if (!(type in CONTENT_TYPES) || this.buffer[1] !== 3 || length > MAX_RECORD_LENGTH) {
        records.push(this.buffer);
        this.buffer = Buffer.alloc(0);
        break;
      }
      if (this.buffer.length < 5 + length) break;
      records.push(this.buffer.subarray(0, 5 + length));
      this.buffer = this.buffer.subarray(5 + length);
    }
    return records;
  }

  /** Whatever is left when the stream ends (an incomplete record). */
  flush(): Buffer | undefined {
    const rest = this.buffer;
    this.buffer = Buffer.alloc(0);
    return rest.length > 0 ? rest : undefined;
  }
}

/** A record as seen on the wire by the proxy (it holds no keys: it cannot tell what a protected record is). */
function recordStep(direction: Direction, record: Buffer): StepContent {
  const type = CONTENT_TYPES[record[0]];
  const bytes = { hex: record.toString('hex') };
  if (!type || record.length < 5 || record.length !== 5 + record.readUInt16BE(3)) {
    return { direction, layer: 'record', kind: 'unparseable', data: { length: record.length, error: 'not a complete TLS record' }, bytes };
  }
  return { direction, layer: 'record', kind: 'record', data: { contentType: type, outerContentType: record[0], protectedBy: null, encrypted: false, contentLength: record.length - 5 }, bytes };
}


/** Runs one client connection through the recording proxy and returns what happened as a Trace. */
export async function captureTls(opts: CaptureOptions): Promise<Capture> {
  const versions: RunOptions['versions'] = opts.client.minVersion === 'TLSv1.3' ? ['TLSv1.3'] : opts.client.maxVersion === 'TLSv1.2' ? ['TLSv1.2'] : ['TLSv1.3', 'TLSv1.2'];
  const recorder = new TraceRecorder(
    runOptions({ url: opts.url, versions, personality: 'node-openssl', alpn: (opts.client.ALPNProtocols as string[] | undefined) ?? [], clientCertificate: Boolean(opts.client.cert) }),
    { name: 'node-tls-capture', version: process.version, crypto: `openssl ${process.versions.openssl}` },
    () => performance.now(),
  );
  const trace = recorder.trace;
  const add = (step: StepContent) => recorder.add(step);

  let transportEnd: 'fin' | 'reset' | undefined;
  const proxyDone = new Promise<void>((resolve, reject) => {
    const proxy = net.createServer({ allowHalfOpen: true }, (downstream) => {
      proxy.close();
      downstream.pause();
      const connectStarted = performance.now();
      const upstream = net.connect({ host: opts.server.host, port: opts.server.port, allowHalfOpen: true });
      const splitters = { 'client->server': new RecordSplitter(), 'server->client': new RecordSplitter() } as const;
      const recordBytes = (direction: keyof typeof splitters, records: Buffer[]) => {
        for (const record of records) add(recordStep(direction, record));
      };
      const flush = (direction: keyof typeof splitters) => {
        const rest = splitters[direction].flush();
        if (rest) recordBytes(direction, [rest]);
      };
      let closed = 0;
      const onClosed = () => {
        if (++closed === 2) resolve();
      };

      upstream.on('connect', () => {
        const connectMs = performance.now() - connectStarted;
        add({ direction: 'local', layer: 'tcp', kind: 'transport', data: { event: 'connected', remoteAddress: upstream.remoteAddress ?? '', remotePort: upstream.remotePort ?? 0, connectMs } });
        downstream.resume();
      });
      downstream.on('data', (chunk: Buffer) => {
        recordBytes('client->server', splitters['client->server'].push(chunk));
        upstream.write(chunk);
      });
      upstream.on('data', (chunk: Buffer) => {
        recordBytes('server->client', splitters['server->client'].push(chunk));
        downstream.write(chunk);
      });
      upstream.on('end', () => {
        flush('server->client');
        transportEnd ??= 'fin';
        add({ direction: 'server->client', layer: 'tcp', kind: 'transport', data: { event: 'fin' } });
        downstream.end();
      });
      upstream.on('error', (err: NodeJS.ErrnoException) => {
        flush('server->client');
        if (err.code === 'ECONNRESET') {
          transportEnd = 'reset';
          add({ direction: 'server->client', layer: 'tcp', kind: 'transport', data: { event: 'reset' } });
          // Pass the reset on, so the client sees what a direct connection would have seen.
          if (!downstream.destroyed) downstream.resetAndDestroy();
        } else {
          add({ direction: 'local', layer: 'tcp', kind: 'transport', data: { event: 'error', code: err.code ?? 'ERROR', message: err.message } });
          downstream.destroy();
        }
      });
      downstream.on('end', () => {
        flush('client->server');
        add({ direction: 'client->server', layer: 'tcp', kind: 'transport', data: { event: 'shutdown' } });
        upstream.end();
      });
      downstream.on('error', () => upstream.destroy());
      downstream.on('close', () => {
        if (transportEnd !== 'reset') add({ direction: 'client->server', layer: 'tcp', kind: 'transport', data: { event: 'close' } });
        upstream.destroy();
        onClosed();
      });
      upstream.on('close', () => {
        if (!downstream.destroyed && transportEnd !== 'reset') downstream.end();
        onClosed();
      });
    });
    proxy.on('error', reject);
    proxy.listen(0, '127.0.0.1', () => {
      const port = (proxy.address() as AddressInfo).port;
      add({ direction: 'local', layer: 'tcp', kind: 'transport', data: { event: 'connecting', host: opts.server.host, port: opts.server.port } });
      startClient(port);
    });
  });

  let received = '';
  let clientError: NodeJS.ErrnoException | undefined;
  let protocol: string | undefined;
  let clientClosed!: () => void;
  const clientDone = new Promise<void>((resolve) => (clientClosed = resolve));

  function startClient(proxyPort: number): void {
    const socket = tls.connect({ ...opts.client, host: '127.0.0.1', port: proxyPort });
    socket.on('keylog', (line: Buffer) => trace.keyLog.push(line.toString('latin1').trim()));
    // once: after a refused renegotiation (HelloRequest answered with no_renegotiation) Node emits
    // secureConnect a second time; the request must still go out only once.
    socket.once('secureConnect', () => {
      protocol = socket.getProtocol() ?? undefined;
      if (opts.request !== undefined) {
        const [method = 'GET', path = '/'] = opts.request.split(' ', 2);
        add({ direction: 'client->server', layer: 'http', kind: 'http', data: { message: 'request', method, path }, bytes: { hex: Buffer.from(opts.request).toString('hex') } });
        socket.write(opts.request);
      }
    });
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', (err: NodeJS.ErrnoException) => (clientError ??= err));
    socket.on('close', () => clientClosed());
  }

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`capture of ${opts.url} did not finish in ${opts.timeoutMs ?? 15000} ms`)), opts.timeoutMs ?? 15000);
  });
  try {
    await Promise.race([Promise.all([proxyDone, clientDone]), timeout]);
  } finally {
    clearTimeout(timer);
  }

  const status = /^HTTP\/1\.[01] (\d{3}) ?([^\r\n]*)/.exec(received);
  if (received) {
    const data = status ? ({ message: 'response', status: Number(status[1]), reason: status[2] } as const) : ({ message: 'invalid-response', error: 'no HTTP status line' } as const);
    add({ direction: 'server->client', layer: 'http', kind: 'http', data, bytes: { hex: Buffer.from(received, 'latin1').toString('hex') } });
  }
  const outcome: Outcome = status ? 'ok' : transportEnd === 'reset' ? 'reset' : clientError ? 'error' : 'closed';
  trace.outcome = outcome;
  trace.outcomeCause = status
    ? { cause: 'http', status: Number(status[1]), reason: status[2] }
    : transportEnd === 'reset'
      ? { cause: 'reset' }
      : clientError
        ? { cause: 'client-error', message: clientError.code ?? clientError.message }
        : { cause: 'closed', closeNotify: false };
  if (status) trace.http = { status: Number(status[1]), reason: status[2], headers: [], bodyBytes: 0, chunked: false };
  if (protocol === 'TLSv1.3' || protocol === 'TLSv1.2') trace.version = protocol;
  trace.timings.totalMs = recorder.elapsed();
  return { trace, received, clientError, protocol };
}

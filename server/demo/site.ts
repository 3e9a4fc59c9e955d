/**
 * The HTTP side of the Node-based demo targets: what each target answers, over Node's http machinery
 * running on the TLS socket (keep-alive, Content-Length and chunked bodies).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { type DemoTarget, LARGE_BODY_BYTES, LARGE_BODY_PATH, PROTECTED_PATH_PREFIX, UPLOAD_READ_AHEAD_BYTES } from './catalog';

/** Bodies on unprotected paths are read up to this size (a demo, not a file store). */
export const MAX_BODY_BYTES = 1 << 20;

export function isProtectedPath(url: string | undefined): boolean {
  const path = (url ?? '/').split('?')[0];
  return path === PROTECTED_PATH_PREFIX || path.startsWith(`${PROTECTED_PATH_PREFIX}/`);
}

class BodyTooLarge extends Error {}

/** Reads the request body, failing as soon as it exceeds `maxBytes` (declared or actual). */
async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, lines: string[], opts: { close?: boolean } = {}): void {
  const body = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
  const headers: Record<string, string | number> = {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': body.length,
    'cache-control': 'no-store',
  };
  if (opts.close) headers.connection = 'close';
  res.writeHead(status, headers);
  res.end(body);
}

function hasCertificate(cert: PeerCertificate | undefined): cert is PeerCertificate {
  return cert !== undefined && cert !== null && Object.keys(cert).length > 0 && cert.raw !== undefined;
}

function nameOf(dn: PeerCertificate['subject'] | undefined): string {
  if (!dn) return '(none)';
  return Object.entries(dn)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

function describeCertificate(cert: PeerCertificate): string[] {
  return [
    `subject: ${nameOf(cert.subject)}`,
    `issuer: ${nameOf(cert.issuer)}`,
    `serial: ${cert.serialNumber}`,
    `valid: ${cert.valid_from} … ${cert.valid_to}`,
    `sha256 fingerprint: ${cert.fingerprint256}`,
  ];
}

function connectionLines(socket: TLSSocket): string[] {
  const cipher = socket.getCipher();
  return [`tls: ${socket.getProtocol() ?? '?'} ${cipher?.standardName ?? cipher?.name ?? '?'}`];
}

/** The answer for a protected path once the certificate question is settled (IIS 403.x wording). */
function answerForClientCertificate(target: DemoTarget, req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const socket = req.socket as TLSSocket;
  const cert = socket.getPeerCertificate();
  if (!hasCertificate(cert)) {
    send(res, 403, ['403.7 Forbidden: client certificate required', `target: ${target.name}`, ...connectionLines(socket)]);
    return;
  }
  if (!socket.authorized) {
    send(res, 403, [
      '403.16 Forbidden: client certificate is untrusted or invalid',
      `verification: ${String(socket.authorizationError)}`,
      ...describeCertificate(cert),
      ...connectionLines(socket),
    ]);
    return;
  }
  send(res, 200, [
    `200 OK: hello ${cert.subject?.CN ?? 'client'}, your client certificate was accepted`,
    `target: ${target.name}`,
    `${req.method} ${req.url} (${body.length} body bytes)`,
    ...describeCertificate(cert),
    ...connectionLines(socket),
  ]);
}

/** A readable text body of exactly LARGE_BODY_BYTES bytes, numbered line by line. */
function largeBody(): Buffer {
  const lines: string[] = [];
  let size = 0;
  for (let n = 1; size < LARGE_BODY_BYTES; n++) {
    const line = `line ${String(n).padStart(4, '0')}: part of a ${LARGE_BODY_BYTES} byte body, more than one TLS record can carry\n`;
    lines.push(line);
    size += line.length;
  }
  return Buffer.from(lines.join(''), 'ascii').subarray(0, LARGE_BODY_BYTES);
}

function answerUnprotected(target: DemoTarget, req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const socket = req.socket as TLSSocket;
  if (new URL(req.url ?? '/', 'https://demo.test').pathname === LARGE_BODY_PATH && target.paths.some((p) => p.path === LARGE_BODY_PATH)) {
    const large = largeBody();
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': large.length, 'cache-control': 'no-store' });
    res.end(large);
    return;
  }
  send(res, 200, [
    `200 OK: ${target.title}`,
    `target: ${target.name}`,
    `${req.method} ${req.url} (${body.length} body bytes)`,
    ...connectionLines(socket),
    '',
    target.description,
    '',
    'paths:',
    ...target.paths.map((p) => `  ${p.path}  ${p.note}`),
  ]);
}

/** Requests at most once per connection: an IIS site does not ask the same connection twice. */
const renegotiated = new WeakSet<TLSSocket>();

/** RFC 5246 §7.4.1.1: send HelloRequest; the new handshake carries a CertificateRequest. */
function renegotiateForCertificate(socket: TLSSocket, timeoutMs: number): Promise<void> {
  renegotiated.add(socket);
  return new Promise((resolve, reject) => {
    const onClose = () => finish(new Error('connection closed during renegotiation'));
    const timer = setTimeout(() => finish(new Error(`no renegotiation within ${timeoutMs} ms`)), timeoutMs);
    function finish(err: Error | null) {
      clearTimeout(timer);
      socket.off('close', onClose);
      if (err) reject(err);
      else resolve();
    }
    socket.once('close', onClose);
    const started = socket.renegotiate({ requestCert: true, rejectUnauthorized: false }, (err) => finish(err ?? null));
    if (!started) finish(new Error('renegotiation could not be started'));
  });
}

export interface IisSiteOptions {
  /** 'renegotiate': ask by HelloRequest on protected paths; 'initial': the certificate was requested in the handshake. */
  certificateRequest: 'renegotiate' | 'initial';
  renegotiationTimeoutMs: number;
}

/** The IIS-like site of iis-renegotiation and iis-fixed. */
export function iisSite(target: DemoTarget, opts: IisSiteOptions) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const socket = req.socket as TLSSocket;
    const protectedPath = isProtectedPath(req.url);
    const mustRenegotiate =
      protectedPath && opts.certificateRequest === 'renegotiate' && !hasCertificate(socket.getPeerCertificate()) && !renegotiated.has(socket);
    // IIS buffers the body before it renegotiates (uploadReadAheadSize); a larger body cannot wait.
    const maxBodyBytes = mustRenegotiate ? UPLOAD_READ_AHEAD_BYTES : MAX_BODY_BYTES;
    void (async () => {
      const body = await readBody(req, maxBodyBytes);
      if (!protectedPath) {
        answerUnprotected(target, req, res, body);
        return;
      }
      if (mustRenegotiate) {
        try {
          await renegotiateForCertificate(socket, opts.renegotiationTimeoutMs);
        } catch {
          socket.destroy();
          return;
        }
      }
      answerForClientCertificate(target, req, res, body);
    })().catch((err: unknown) => {
      if (err instanceof BodyTooLarge) {
        send(res, 413, ['413 Request Entity Too Large', `the body must be at most ${maxBodyBytes} bytes on this path`], { close: true });
      } else if (!res.headersSent) {
        res.destroy();
      }
    });
  };
}

/** A site that answers 200 on every path (tls13, legacy-tls12, the certificate failures). */
export function plainSite(target: DemoTarget) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    readBody(req, MAX_BODY_BYTES).then(
      (body) => answerUnprotected(target, req, res, body),
      () => send(res, 413, ['413 Request Entity Too Large'], { close: true }),
    );
  };
}

/**
 * The app as the public meets it, over plain HTTP to `next start` (production build): what a
 * request can and cannot change. Links come from PUBLIC_URL whatever the headers say; pages carry
 * a nonce CSP; the results API refuses simple cross-site posts, measures the compact form against
 * the cap, and closes a connection whose body it left unread; oEmbed thumbnails respect the bounds.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { canonicalTraceJson } from '../../lib/export/json';
import { compactTrace } from '../../lib/trace/compact';
import type { Trace } from '../../lib/trace/schema';
import { sharedTestPki } from '../helpers/pki';
import { runAgainst, startNodeHttpsServer } from '../helpers/tlsServers';
import { tls13OkTrace } from '../view/fixtures/traces';
import { appServerArgs, freePort, ROOT, startServers, type Servers } from './harness';

/** Small, so a few hundred KB of upload cross it; uploads are read up to four times this. */
const CAP = 256 * 1024;
const FORGED = { 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Port': '443' };

let servers: Servers;

before(async () => {
  servers = await startServers({ env: { RESULTS_MAX_BYTES: String(CAP) } });
});

after(async () => {
  await servers?.close();
});

function save(body: string, headers: Record<string, string> = { 'Content-Type': 'application/json' }): Promise<Response> {
  return fetch(`${servers.baseUrl}/api/results`, { method: 'POST', headers, body });
}

/** One HTTP/1.1 exchange after another on a single connection; resolves each raw response head and the socket's end. */
class RawConnection {
  private readonly socket: Socket;
  private received = '';
  ended = false;
  reset = false;

  constructor(port: number) {
    this.socket = connect({ host: '127.0.0.1', port });
    this.socket.on('data', (d) => (this.received += d.toString('latin1')));
    this.socket.on('end', () => (this.ended = true));
    this.socket.on('close', () => (this.ended = true));
    this.socket.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNRESET') this.reset = true;
    });
  }

  write(text: string): void {
    if (!this.socket.destroyed) this.socket.write(text);
  }

  /** Waits for a complete response (head, and a Content-Length or chunked body) and removes it from the buffer. */
  async response(timeoutMs = 10_000): Promise<{ head: string; status: number; body: string }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = this.parse();
      if (parsed) return parsed;
      if (Date.now() > deadline) throw new Error(`no complete response; have ${JSON.stringify(this.received.slice(0, 200))}, ended ${this.ended}, reset ${this.reset}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private parse(): { head: string; status: number; body: string } | undefined {
    const end = this.received.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const head = this.received.slice(0, end);
    let at = end + 4;
    let body = '';
    if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
      for (;;) {
        const line = this.received.indexOf('\r\n', at);
        if (line < 0) return undefined;
        const size = parseInt(this.received.slice(at, line), 16);
        if (this.received.length < line + 2 + size + 2) return undefined;
        body += this.received.slice(line + 2, line + 2 + size);
        at = line + 2 + size + 2;
        if (size === 0) break;
      }
    } else {
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (this.received.length < at + length) return undefined;
      body = this.received.slice(at, at + length);
      at += length;
    }
    this.received = this.received.slice(at);
    return { head, status: Number(head.split(' ')[1]), body };
  }

  async closedByServer(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.ended;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

function chunked(text: string, chunkSize = 16 * 1024): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += chunkSize) {
    const part = text.slice(i, i + chunkSize);
    chunks.push(`${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`);
  }
  return chunks;
}

describe('links come from PUBLIC_URL only (a forged X-Forwarded-Host changes nothing)', () => {
  it('in the results API’s url and Location, the saved page, its embed and oEmbed', async () => {
    const origin = servers.baseUrl;
    const trace = JSON.stringify(tls13OkTrace());
    const plain = await save(trace);
    const forged = await save(trace, { 'Content-Type': 'application/json', ...FORGED, Host: 'evil.example' });
    const { id, url } = (await plain.json()) as { id: string; url: string };
    assert.equal(url, `${origin}/r/${id}`);
    assert.equal(((await forged.json()) as { url: string }).url, url);
    assert.equal(forged.headers.get('location'), url);

    for (const path of [`/r/${id}`, `/embed/r/${id}`, `/api/oembed?url=${encodeURIComponent(url)}&format=json`, `/api/oembed?url=${encodeURIComponent(`https://evil.example/r/${id}`)}`]) {
      const honest = await (await fetch(`${origin}${path}`)).text();
      const response = await fetch(`${origin}${path}`, { headers: FORGED });
      const text = await response.text();
      assert.doesNotMatch(text, /evil\.example(?!\/r\/)/, path);
      assert.doesNotMatch(response.headers.get('content-security-policy') ?? '', /evil/, path);
      assert.doesNotMatch(response.headers.get('location') ?? '', /evil/, path);
      if (path.startsWith('/api/oembed')) assert.equal(text, honest, `${path}: the same answer with or without the forged headers`);
    }
    const page = await (await fetch(`${origin}/r/${id}`, { headers: FORGED })).text();
    assert.match(page, new RegExp(`<meta property="og:url" content="${origin.replace(/[.]/g, '\\.')}/r/${id}"`));
  });
});

describe('Content-Security-Policy of pages: a nonce per response, the relay in connect-src', () => {
  it('puts the response’s nonce on every script and allows no other inline script', async () => {
    const nonces = new Set<string>();
    for (const path of ['/', '/embed?url=https://tls13.test/', '/renegotiation']) {
      const response = await fetch(`${servers.baseUrl}${path}`);
      assert.equal(response.status, 200, path);
      const policy = response.headers.get('content-security-policy') ?? '';
      const scriptSrc = /script-src ([^;]+)/.exec(policy)?.[1] ?? '';
      const nonce = /'nonce-([^']+)'/.exec(scriptSrc)?.[1];
      assert.ok(nonce, `${path}: ${policy}`);
      assert.doesNotMatch(scriptSrc, /unsafe-inline|unsafe-eval/, path);
      nonces.add(nonce);
      const html = await response.text();
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      assert.ok(scripts.length > 0, path);
      for (const tag of scripts) assert.ok(tag.includes(`nonce="${nonce}"`), `${path}: ${tag}`);
      const connect = /connect-src ([^;]+)/.exec(policy)?.[1].split(' ');
      assert.deepEqual(connect, ["'self'", new URL(servers.relay.url).origin.replace('http', 'ws')], path);
      assert.match(policy, path.startsWith('/embed') ? /frame-ancestors \*/ : /frame-ancestors 'self'/, path);
    }
    assert.equal(nonces.size, 3, 'a fresh nonce for every response');
  });
});

describe('POST /api/results', () => {
  it('takes only application/json, so no site can make a visitor save without a preflight (L5)', async () => {
    const trace = JSON.stringify(tls13OkTrace());
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const refused = await save(trace, { 'Content-Type': type });
      assert.equal(refused.status, 415, type);
      assert.deepEqual(await refused.json(), { error: 'Send the trace with Content-Type: application/json.', code: 'UNSUPPORTED_MEDIA_TYPE' });
    }
    const untyped = await fetch(`${servers.baseUrl}/api/results`, { method: 'POST', body: new Blob([trace]) });
    assert.equal(untyped.status, 415);
    assert.ok([200, 201].includes((await save(trace, { 'Content-Type': 'application/json; charset=utf-8' })).status));
  });

  it('measures the compact form against RESULTS_MAX_BYTES: a CLI --json trace over the cap whose compact form fits is saved', async () => {
    const pki = await sharedTestPki();
    const server = await startNodeHttpsServer({ key: pki.leaves.p256.keyPem, cert: pki.leaves.p256.certPem + pki.intermediate.certPem }, (_req, res) => res.end('y'.repeat(20_000)));
    let trace: Trace;
    try {
      trace = await runAgainst(server.port, { setup: { caFiles: [pki.root.certPath] } });
    } finally {
      await server.close();
    }
    assert.equal(trace.outcome, 'ok');
    const asCliPrintsIt = JSON.stringify(trace, null, 2);
    const compactBytes = Buffer.byteLength(canonicalTraceJson(compactTrace(trace)));
    assert.ok(compactBytes < CAP && Buffer.byteLength(asCliPrintsIt) > CAP, `compact ${compactBytes}, upload ${Buffer.byteLength(asCliPrintsIt)}, cap ${CAP}`);
    const saved = await save(asCliPrintsIt);
    assert.equal(saved.status, 201, await saved.clone().text());
    const { id } = (await saved.json()) as { id: string };
    assert.deepEqual(await (await fetch(`${servers.baseUrl}/api/results/${id}`)).json(), JSON.parse(JSON.stringify(trace)));

    const tooBig = { ...trace, padding: 'z'.repeat(CAP) };
    const refused = await save(JSON.stringify(tooBig));
    assert.equal(refused.status, 413);
    assert.match(((await refused.json()) as { error: string }).error, /^The trace is .* KiB; saved results are limited to 256\.0 KiB\. A large response body makes a large trace/);
  });

  it('after a chunked upload over the limit, answers 413 with Connection: close and closes; a fitting chunked upload keeps the connection', async () => {
    const small = JSON.stringify(tls13OkTrace());
    const keep = new RawConnection(Number(new URL(servers.baseUrl).port));
    try {
      keep.write(`POST /api/results HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunked(small).join('')}0\r\n\r\n`);
      const first = await keep.response();
      assert.ok([200, 201].includes(first.status), first.head);
      assert.doesNotMatch(first.head, /connection: close/i);
      keep.write('GET /api/results/AAAAAAAAAAAAAAAAAAAAAA HTTP/1.1\r\nHost: x\r\n\r\n');
      assert.equal((await keep.response()).status, 404, 'the next request on the same connection is answered');
    } finally {
      keep.destroy();
    }

    const over = new RawConnection(Number(new URL(servers.baseUrl).port));
    try {
      over.write('POST /api/results HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
      // Four times the cap and a little more, in 16 KiB chunks, without waiting for an answer.
      for (const chunk of chunked(`{"padding":"${'p'.repeat(4 * CAP + 64 * 1024)}"}`)) over.write(chunk);
      over.write('0\r\n\r\n');
      const refused = await over.response();
      assert.equal(refused.status, 413, refused.head);
      assert.match(refused.head, /\r\nconnection: close/i);
      assert.match(JSON.parse(refused.body).error, /larger than 1\.0 MiB, the most this server reads/);
      assert.ok(await over.closedByServer(), 'the server closes the connection it said it would close');
    } finally {
      over.destroy();
    }
  });
});

describe('GET /api/oembed thumbnail', () => {
  it('is left out when maxwidth/maxheight are smaller than the preview image, and given when they are not', async () => {
    const { url } = (await (await save(JSON.stringify(tls13OkTrace()))).json()) as { url: string };
    const ask = async (query: string) => (await (await fetch(`${servers.baseUrl}/api/oembed?url=${encodeURIComponent(url)}${query}`)).json()) as Record<string, unknown>;
    const small = await ask('&maxwidth=400&maxheight=300');
    assert.deepEqual([small.width, small.height, small.thumbnail_url], [400, 300, undefined]);
    const full = await ask('');
    assert.deepEqual([full.thumbnail_width, full.thumbnail_height], [1200, 630]);
  });
});

describe('the app in production', () => {
  const commands: [string, (port: number) => string[]][] = [
    ['the app process (server/app/main.ts)', appServerArgs],
    ['next start', (port) => [join(ROOT, 'node_modules/next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(port)]],
  ];
  for (const [name, args] of commands) it(`refuses to start without PUBLIC_URL, saying why and what to set: ${name}`, async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' };
    delete env.PUBLIC_URL;
    const next = spawn(process.execPath, args(await freePort()), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    next.stdout.on('data', (d: Buffer) => (output += d.toString()));
    next.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => (next.kill('SIGKILL'), resolve(null)), 30_000);
      next.once('exit', (c) => (clearTimeout(timer), resolve(c)));
    });
    assert.equal(code, 1, output);
    assert.match(output, /TLS Playground will not start in production: PUBLIC_URL is not set\./);
    assert.match(output, /PUBLIC_URL=https:\/\/tls\.example/);
  });
});

/**
 * The web app's production process: the Next.js production build (.next, made by `npm run build`)
 * behind the fast path for cached saved-run views (./cachedViews.ts), on one HTTP server.
 *
 *   node --import tsx server/app/main.ts [-H HOST] [-p PORT]      (npm run serve -- …)
 *
 * It takes `next start`'s -H/--hostname and -p/--port (defaults: every address, $PORT or 3000)
 * and, like it, refuses to start without PUBLIC_URL (next.config.js). Everything that is not a
 * cache hit is Next's, unchanged; `next start` still works and serves the same answers, only
 * slower for the cached views.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

function option(names: string[], fallback: string | undefined): string | undefined {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split('=', 2);
    if (names.includes(flag)) return inline ?? args[i + 1];
  }
  return fallback;
}

const port = Number(option(['-p', '--port'], process.env.PORT ?? '3000'));
const hostname = option(['-H', '--hostname'], undefined);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`server/app/main.ts: not a port: ${option(['-p', '--port'], '')}\n`);
  process.exit(2);
}

// As `next start` does, before Next (or anything that reads it) is loaded.
(process.env as Record<string, string>).NODE_ENV = 'production';
process.env.NEXT_TELEMETRY_DISABLED ??= '1';

const { default: next } = await import('next');
const { answerCachedView } = await import('./cachedViews');

const app = next({ dev: false, dir: ROOT, hostname, port });
const handle = app.getRequestHandler();
const prepared = app.prepare();

const server = createServer((request, response) => {
  if (answerCachedView(request, response)) return;
  prepared
    .then(() => handle(request, response))
    .catch((error: unknown) => {
      console.error('request failed:', error);
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('Internal Server Error');
    });
});

/** How this process reaches itself over loopback: the render cache fetches its internal pages so (server/share/renderPage.ts). */
function selfOrigin(address: AddressInfo): string {
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const host = wildcard ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

server.listen(port, hostname, () => {
  const origin = selfOrigin(server.address() as AddressInfo);
  // What `next start` records when it listens (renderPage.ts reads the origin).
  process.env.__NEXT_PRIVATE_ORIGIN = origin;
  process.env.PORT = String((server.address() as AddressInfo).port);
  void prepared.then(() => process.stdout.write(`TLS Playground app ready on ${origin}\n`));
});

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  server.close();
  server.closeIdleConnections();
  void app.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 3000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

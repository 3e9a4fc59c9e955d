/* global process, URL, console */
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import createNextIntlPlugin from 'next-intl/plugin';

const root = dirname(fileURLToPath(import.meta.url));

/**
 * `next start` refuses to serve without PUBLIC_URL: links (share, Location, embeds, oEmbed, Open
 * Graph) are written with it, and the request's Host and X-Forwarded-* headers are never trusted
 * (lib/share/origin.ts, whose publicUrlProblem() says the same in the app's own words).
 */
function requirePublicUrl() {
  const value = process.env.PUBLIC_URL;
  let problem;
  if (!value) problem = 'PUBLIC_URL is not set';
  else {
    try {
      if (!/^https?:$/.test(new URL(value).protocol)) problem = `PUBLIC_URL=${JSON.stringify(value)} is not an http(s) URL`;
    } catch {
      problem = `PUBLIC_URL=${JSON.stringify(value)} is not a URL`;
    }
  }
  if (!problem) return;
  console.error(
    `\nTLS Playground will not start in production: ${problem}.\n` +
      'Share links, embed snippets and oEmbed answers are written with PUBLIC_URL, and the app never trusts a\n' +
      "request's Host or X-Forwarded-* headers. Set it to the origin visitors use, e.g. PUBLIC_URL=https://tls.example\n" +
      '(npm start sets http://localhost:<PORT>; see docs/deploy.md).\n',
  );
  process.exit(1);
}

/**
 * The headers every answer carries, by path (server/app/headers.json). The app's fast path for cached
 * saved-run views (server/app/cachedViews.ts) answers before Next's router and adds the same ones.
 * The pages' Content-Security-Policy (with a script nonce per response) is set by proxy.ts.
 */
const headerRules = JSON.parse(readFileSync(join(root, 'server/app/headers.json'), 'utf8'));
/** @param {Record<string, string>} headers */
const headerList = (headers) => Object.entries(headers).map(([key, value]) => ({ key, value }));
const securityHeaders = headerList(headerRules.everywhere);

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  turbopack: { root },
  // tsconfig.next.json extends tsconfig.json, which keeps next build from rewriting the latter.
  typescript: { tsconfigPath: 'tsconfig.next.json' },
  outputFileTracingRoot: root,
  async headers() {
    return [
      {
        // Everything except /embed/…: only our own origin may frame the pages.
        source: '/((?!embed(?:/|$)).*)',
        headers: [...securityHeaders, ...headerList(headerRules.outsideEmbeds)],
      },
      {
        // Embeds are meant to be framed by other sites.
        source: '/embed/:path*',
        headers: securityHeaders,
      },
      {
        // API answers are data: nothing in them may run, load or be framed.
        source: '/api/:path*',
        headers: headerList(headerRules.api),
      },
    ];
  },
};

// next-intl reads each request's locale and catalog from app/i18n/request.ts (no locale in the URL).
const withNextIntl = createNextIntlPlugin('./app/i18n/request.ts');

/** @param {string} phase */
export default function config(phase) {
  if (phase === 'phase-production-server') requirePublicUrl();
  return withNextIntl(nextConfig);
}

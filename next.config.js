/* global process, URL */
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import createNextIntlPlugin from 'next-intl/plugin';

const root = dirname(fileURLToPath(import.meta.url));
const isDev = process.env.NODE_ENV === 'development';

/**
 * Where the page may open WebSockets: the relay. Its public URL is NEXT_PUBLIC_RELAY_URL when set
 * at build time; otherwise the page derives ws(s)://<page host>:8090/relay at run time, whose
 * origin differs from the page's (other port), so any ws:/wss: origin must be allowed.
 */
function relayConnectSources() {
  const configured = process.env.NEXT_PUBLIC_RELAY_URL;
  if (configured) {
    try {
      return new URL(configured).origin.replace(/^http/, 'ws');
    } catch {
      // An unparsable value is reported by the page itself; fall back to the permissive default.
    }
  }
  return 'ws: wss:';
}

/**
 * @param {string} frameAncestors
 */
function contentSecurityPolicy(frameAncestors) {
  return [
    "default-src 'self'",
    // Next.js inlines its flight data and our theme bootstrap as inline scripts (no nonces: the
    // pages stay static). Dev mode needs eval for React's debugging stacks.
    `script-src 'self' 'unsafe-inline'${isDev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    `connect-src 'self' ${relayConnectSources()}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

/** Headers every page gets besides its Content-Security-Policy. */
const securityHeaders = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()' },
];

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
        headers: [...securityHeaders, { key: 'X-Frame-Options', value: 'SAMEORIGIN' }],
      },
      {
        // Embeds are meant to be framed by other sites.
        source: '/embed/:path*',
        headers: securityHeaders,
      },
      // The policy, except on the saved-run views served from the render cache (/r/{id},
      // /embed/r/{id}, /embed/r/{id}/steps): they send their own, which allows their inline scripts
      // by hash (server/share/pagePolicy.ts). A header set here would replace theirs.
      {
        source: '/((?!embed(?:/|$)|r/[^/]+/?$).*)',
        headers: [{ key: 'Content-Security-Policy', value: contentSecurityPolicy("'self'") }],
      },
      {
        source: '/embed((?!/r/).*)',
        headers: [{ key: 'Content-Security-Policy', value: contentSecurityPolicy('*') }],
      },
    ];
  },
};

// next-intl reads each request's locale and catalog from app/i18n/request.ts (no locale in the URL).
const withNextIntl = createNextIntlPlugin('./app/i18n/request.ts');

export default withNextIntl(nextConfig);

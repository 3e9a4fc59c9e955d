/**
 * The origin links are written with (share links, Location, embed snippets, oEmbed, Open Graph).
 *
 * It comes from PUBLIC_URL, the one answer a deployment configures. X-Forwarded-Host and
 * X-Forwarded-Proto are never read, whoever sends them: a forged host would end up in links, in
 * Location and in oEmbed answers that shared caches keep, and with the origin configured no proxy
 * needs to be believed (Next.js itself fills those headers in only when they are absent, so what
 * reaches a route may come from any client).
 * That is why production refuses to start without PUBLIC_URL (publicUrlProblem()). In development
 * the Host header stands in, so `next dev` works on any address.
 */

const HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

type Env = Record<string, string | undefined>;

/** PUBLIC_URL's origin, or undefined when it is unset or not an http(s) URL. */
export function configuredOrigin(env: Env): string | undefined {
  if (!env.PUBLIC_URL) return undefined;
  try {
    const url = new URL(env.PUBLIC_URL);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

export function publicOrigin(headers: Pick<Headers, 'get'>, env: Env = {}): string {
  const configured = configuredOrigin(env);
  if (configured) return configured;
  // Development only (production does not start without PUBLIC_URL): the address the browser used.
  const host = headers.get('host')?.trim();
  return `http://${host && HOST.test(host) ? host.toLowerCase() : 'localhost'}`;
}

/**
 * The origin the browser asked for (Host, with PUBLIC_URL's scheme): for what concerns this one
 * response alone, e.g. the relay host in its connect-src — never for links others will see.
 */
export function requestedOrigin(headers: Pick<Headers, 'get'>, env: Env = {}): string {
  const scheme = configuredOrigin(env)?.startsWith('https:') ? 'https' : 'http';
  const host = headers.get('host')?.trim();
  return `${scheme}://${host && HOST.test(host) ? host.toLowerCase() : 'localhost'}`;
}

/** Why this environment cannot serve the app in production, or undefined when it can. */
export function publicUrlProblem(env: Env): string | undefined {
  if (env.PUBLIC_URL && !configuredOrigin(env)) {
    return `PUBLIC_URL=${JSON.stringify(env.PUBLIC_URL)} is not an http(s) URL; set it to the origin visitors use, e.g. PUBLIC_URL=https://tls.example`;
  }
  if (env.NODE_ENV === 'production' && !env.PUBLIC_URL) {
    return 'PUBLIC_URL is not set. In production the app writes share links, embed snippets and oEmbed answers with it and never trusts a request\'s Host or X-Forwarded-* headers: set it to the origin visitors use, e.g. PUBLIC_URL=https://tls.example (npm start sets http://localhost:<PORT>).';
  }
  return undefined;
}

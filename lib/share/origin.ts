/**
 * The origin links are written with (share links, embed snippets, oEmbed, Open Graph image URLs).
 * PUBLIC_URL wins when set: behind a load balancer or TLS terminator it is the only reliable answer.
 * Otherwise the request says where it was sent: X-Forwarded-Proto / X-Forwarded-Host from a proxy,
 * then Host. Values that are not a plain host[:port] are ignored, so a forged header cannot put
 * markup or a path into a link.
 */

const HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

function first(value: string | null): string | undefined {
  const item = value?.split(',')[0]?.trim();
  return item ? item : undefined;
}

export function publicOrigin(headers: Pick<Headers, 'get'>, env: Record<string, string | undefined> = {}): string {
  if (env.PUBLIC_URL) {
    try {
      return new URL(env.PUBLIC_URL).origin;
    } catch {
      // An unparsable PUBLIC_URL falls back to what the request says.
    }
  }
  const forwardedHost = first(headers.get('x-forwarded-host'));
  const host = [forwardedHost, first(headers.get('host'))].find((h) => h !== undefined && HOST.test(h)) ?? 'localhost';
  const forwardedProto = first(headers.get('x-forwarded-proto'))?.toLowerCase();
  const proto = forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : 'http';
  return `${proto}://${host.toLowerCase()}`;
}

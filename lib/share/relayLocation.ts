/**
 * Where a page finds the relay, as this server is configured (read at request time, so one build
 * serves any deployment): RELAY_PUBLIC_URL (or NEXT_PUBLIC_RELAY_URL) when set, else the page's own
 * host on RELAY_PORT (default 8090; lib/view/runOptions relayUrl() builds the URL in the page).
 */
export interface RelayLocation {
  relayUrl?: string;
  relayPort: number;
}

export function relayLocation(env: Record<string, string | undefined>): RelayLocation {
  const port = Number(env.RELAY_PORT ?? 8090);
  return {
    relayUrl: env.RELAY_PUBLIC_URL || env.NEXT_PUBLIC_RELAY_URL || undefined,
    relayPort: Number.isInteger(port) && port > 0 && port < 65536 ? port : 8090,
  };
}

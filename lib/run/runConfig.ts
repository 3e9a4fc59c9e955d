/**
 * What a run in the browser needs from this server, read at request time (so one build serves
 * any deployment):
 * - where the relay is: RELAY_PUBLIC_URL (or NEXT_PUBLIC_RELAY_URL) when set, else the page's host
 *   on RELAY_PORT (default 8090);
 * - the demo trust anchor and demo client certificate (PEM): the demo targets' certificates chain
 *   to the demo root CA, which no real trust store contains, and the IIS-like targets accept the
 *   demo client certificate. Both are generated when the demo targets first start and are
 *   worthless outside this playground — which is why the key may be handed out.
 */
export interface RunConfig {
  relayUrl?: string;
  relayPort: number;
  demo?: { rootCaPem: string; clientCertPem: string; clientKeyPem: string };
  demoUnavailable?: string;
}

/**
 * Why the page could not start a run at all (components/run: the engine's code did not load, the
 * page's server did not give the run's configuration, the demo client certificate it serves is
 * missing), in English (see ./index.ts). A run that never started has no handshake to show; the
 * trace's 'start' outcome carries one of these so the page says it in the reader's language.
 */
export const startSaid = {
  engineNotLoaded: 'the TLS engine could not be loaded: {error}',
  serverSilent: 'this page’s server did not answer (is it still running?)',
  configStatus: 'this page’s server answered {status} when asked where the relay is',
  demoCertificateUnavailable: 'the demo client certificate is not available: {why}',
  demoCertificateUnknown: 'the demo client certificate is not available',
  demoCertificateFormat: 'the demo client certificate on the server is not in PEM (CERTIFICATE + PRIVATE KEY)',
} as const;

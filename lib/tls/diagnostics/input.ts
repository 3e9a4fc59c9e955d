/**
 * A run's request that cannot run (lib/run/run.ts RunInputError), in English (see ./index.ts): an
 * option value the engine does not know, a --connect it cannot read. The values are the names as
 * given and the valid ones (protocol tokens); a bad URL is said by the URL's own reading
 * (lib/run/target.ts), which the views word from the catalog's `target` namespace.
 */
export const inputSaid = {
  unknownVersion: 'unknown TLS version {names}; valid: {valid}',
  unknownSuite: 'unknown cipher suite {names}; valid: {valid}',
  unknownGroup: 'unknown group {names}; valid: {valid}',
  unknownScheme: 'unknown signature scheme {names}; valid: {valid}',
  unknownTls12Extension: 'unknown TLS 1.2 extension {names}; valid: {valid}',
  unknownPskMode: 'unknown PSK key exchange mode {names}; valid: {valid}',
  unknownPersonality: 'unknown client personality "{name}"; valid: {valid}',
  connectFormat: '--connect "{connect}" must be HOST or HOST:PORT',
  connectPort: '--connect port {port} is out of range',
  noClientCertificate: 'a client certificate was requested but none is configured',
} as const;

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
  // The CLI's files and demo targets (server/runtime/nodeRun.ts): a file is named by its path, or by what it is.
  cannotRead: 'cannot read {file} {path}: {code}',
  clientCertificateFile: 'client certificate',
  clientKeyFile: 'client key',
  caFile: 'CA file',
  demoCa: 'demo CA',
  noPemCertificate: '{file} contains no PEM certificate',
  unusableKey: '{path} is not a usable private key: {error}',
  keyMismatch: 'the key in {key} does not belong to the certificate in {certificate}',
  demoPort: '{host} is a demo target; it answers on port 443 only (https://{host}/), not {port}',
  noDemoTarget: 'no demo target named "{name}" (see: tls-playground demo list)',
} as const;

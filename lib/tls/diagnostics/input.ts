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
  // {clone} is said as a shell placeholder (<clone>): a template cannot write angle brackets (ICU tags).
  // No final period, as no sentence here has one (the views punctuate).
  demoTargetsNotRunning: '{host} is a demo target, but the demo targets are not running in {dataDir}. The demo targets run from a clone of the TLS Playground repository: start them there with npm start, then run this from that directory or set DEMO_DATA_DIR={clone}/data/demo',
  demoNotStarted: '{host} is a built-in demo target that is not running on this server: {why}',
  demoProgramMissing: 'it needs {program}, which is not installed',
  demoProgramFailed: '{program} did not start ({error})',
} as const;

import type { RunOptions } from '../../lib/trace/schema';

/** A run's options for hand-built traces: the defaults a plain TLS 1.3 GET would record. */
export function runOptions(overrides: Partial<RunOptions> & { url: string }): RunOptions {
  return {
    versions: ['TLSv1.3'],
    cipherSuites: [],
    groups: [],
    signatureSchemes: [],
    personality: 'rustls',
    insecure: false,
    postHandshakeAuth: false,
    clientCertificate: false,
    alpn: [],
    method: 'GET',
    ...overrides,
  };
}

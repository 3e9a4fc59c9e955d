/**
 * `tls-playground/engine`: the TLS client engine and the run driver, for any JavaScript runtime.
 *
 * The engine is sans-IO: TlsClient takes bytes in and hands bytes and steps out; runTls drives one
 * experiment (connect → handshake → one HTTP request → close) over whatever Transport it is given
 * and returns its trace. Nothing here opens a socket or reads a file: `tls-playground/node` supplies
 * the TCP transport, the root store and PEM files on Node.
 */
export { runTls, parseTarget, buildClientOptions, RunInputError, type RunRequest, type RunDeps, type ParsedTarget } from '../lib/run/run';
export { ENGINE_VERSION } from '../lib/run/version';
export { createCertificateVerifier, annotateCertificate, schemesForCertificate } from '../lib/run/certificates';
export { diagnose, describeResult, type Diagnosis, type ProbeResult, type Fix, type DepsFor } from '../lib/doctor/diagnose';

export { TlsClient } from '../lib/tls/client/client';
export {
  defaultClientOptions,
  defaultSignatureSchemes,
  type ClientOptions,
  type ClientDeps,
  type ClientSink,
  type ClientCertificate,
  type CertificateVerdict,
  type TlsVersionName,
} from '../lib/tls/client/options';
export { personalities, personalityNames, isPersonalityName, type Personality, type PersonalityName, type HelloRequestReaction } from '../lib/tls/client/personalities';
export { TlsAlertError } from '../lib/tls/errors';
export { cipherSuites, groups, signatureSchemes, type CipherSuiteName } from '../lib/tls/registry/crypto';

export { defaultCrypto, cryptoFor, nobleCrypto, createWebCrypto, type WebCryptoOptions } from '../lib/tls/crypto/index';
export type { CryptoProvider, GroupName, RandomSource, SignatureSchemeName } from '../lib/tls/crypto/provider';

export { RootStore, mozillaRoots, type TrustAnchor, type AnchorSource } from '../lib/tls/x509/roots';
export { parseCertificate, type Certificate } from '../lib/tls/x509/parse';
export { verifyServerCertificates, type VerifyServerCertificatesOptions, type ChainResult } from '../lib/tls/x509/chain';

export type { Transport, Connection, TransportEvent, TransportTarget, TransportErrorCode } from '../lib/transport/types';

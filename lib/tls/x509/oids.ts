/**
 * The OBJECT IDENTIFIERs a TLS client meets in server certificates, with the names OpenSSL and the
 * RFCs use for them. One table for the parser, the annotations and the checks.
 */

export interface OidInfo {
  name: string;
  /** Short form in distinguished names ("CN"); only for attribute types. */
  short?: string;
  meaning?: string;
  rfc?: string;
}

const RFC5280 = 'RFC 5280';

export const OIDS: Record<string, OidInfo> = {
  // Attribute types in names (RFC 5280 Appendix A, X.520).
  '2.5.4.3': { name: 'commonName', short: 'CN' },
  '2.5.4.4': { name: 'surname', short: 'SN' },
  '2.5.4.5': { name: 'serialNumber', short: 'serialNumber' },
  '2.5.4.6': { name: 'countryName', short: 'C' },
  '2.5.4.7': { name: 'localityName', short: 'L' },
  '2.5.4.8': { name: 'stateOrProvinceName', short: 'ST' },
  '2.5.4.9': { name: 'streetAddress', short: 'street' },
  '2.5.4.10': { name: 'organizationName', short: 'O' },
  '2.5.4.11': { name: 'organizationalUnitName', short: 'OU' },
  '2.5.4.12': { name: 'title', short: 'title' },
  '2.5.4.15': { name: 'businessCategory', short: 'businessCategory' },
  '2.5.4.17': { name: 'postalCode', short: 'postalCode' },
  '2.5.4.42': { name: 'givenName', short: 'GN' },
  '2.5.4.43': { name: 'initials', short: 'initials' },
  '2.5.4.46': { name: 'dnQualifier', short: 'dnQualifier' },
  '2.5.4.65': { name: 'pseudonym', short: 'pseudonym' },
  '2.5.4.97': { name: 'organizationIdentifier', short: 'organizationIdentifier' },
  '1.2.840.113549.1.9.1': { name: 'emailAddress', short: 'emailAddress' },
  '0.9.2342.19200300.100.1.1': { name: 'userId', short: 'UID' },
  '0.9.2342.19200300.100.1.25': { name: 'domainComponent', short: 'DC' },
  '1.3.6.1.4.1.311.60.2.1.1': { name: 'jurisdictionLocalityName', short: 'jurisdictionL' },
  '1.3.6.1.4.1.311.60.2.1.2': { name: 'jurisdictionStateOrProvinceName', short: 'jurisdictionST' },
  '1.3.6.1.4.1.311.60.2.1.3': { name: 'jurisdictionCountryName', short: 'jurisdictionC' },

  // Public key algorithms and curves.
  '1.2.840.113549.1.1.1': { name: 'rsaEncryption', meaning: 'RSA public key', rfc: 'RFC 3279 §2.3.1' },
  '1.2.840.113549.1.1.10': { name: 'RSASSA-PSS', meaning: 'RSA probabilistic signature scheme', rfc: 'RFC 4055 §3.1' },
  '1.2.840.10045.2.1': { name: 'id-ecPublicKey', meaning: 'elliptic-curve public key', rfc: 'RFC 5480 §2.1.1' },
  '1.3.101.112': { name: 'Ed25519', meaning: 'Edwards-curve signature key over Curve25519', rfc: 'RFC 8410 §3' },
  '1.3.101.113': { name: 'Ed448', meaning: 'Edwards-curve signature key over Curve448', rfc: 'RFC 8410 §3' },
  '1.2.840.10045.3.1.7': { name: 'secp256r1', meaning: 'NIST P-256 curve', rfc: 'RFC 5480 §2.1.1.1' },
  '1.3.132.0.34': { name: 'secp384r1', meaning: 'NIST P-384 curve', rfc: 'RFC 5480 §2.1.1.1' },
  '1.3.132.0.35': { name: 'secp521r1', meaning: 'NIST P-521 curve', rfc: 'RFC 5480 §2.1.1.1' },

  // Signature algorithms and hashes.
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', rfc: 'RFC 3279 §2.2.1' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', rfc: 'RFC 3279 §2.2.1' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', rfc: 'RFC 4055 §5' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', rfc: 'RFC 4055 §5' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', rfc: 'RFC 4055 §5' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', rfc: 'RFC 4055 §5' },
  '1.2.840.113549.1.1.8': { name: 'id-mgf1', rfc: 'RFC 4055 §2.2' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', rfc: 'RFC 3279 §2.2.3' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', rfc: 'RFC 5758 §3.2' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', rfc: 'RFC 5758 §3.2' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', rfc: 'RFC 5758 §3.2' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', rfc: 'RFC 5758 §3.2' },
  '1.3.14.3.2.26': { name: 'sha1' },
  '2.16.840.1.101.3.4.2.1': { name: 'sha256' },
  '2.16.840.1.101.3.4.2.2': { name: 'sha384' },
  '2.16.840.1.101.3.4.2.3': { name: 'sha512' },
  '2.16.840.1.101.3.4.2.4': { name: 'sha224' },

  // Certificate extensions.
  '2.5.29.14': { name: 'subjectKeyIdentifier', meaning: 'identifies this certificate’s public key', rfc: `${RFC5280} §4.2.1.2` },
  '2.5.29.15': { name: 'keyUsage', meaning: 'what the key may be used for', rfc: `${RFC5280} §4.2.1.3` },
  '2.5.29.17': { name: 'subjectAltName', meaning: 'the names (DNS, IP, …) this certificate is valid for', rfc: `${RFC5280} §4.2.1.6` },
  '2.5.29.18': { name: 'issuerAltName', meaning: 'alternative names of the issuer', rfc: `${RFC5280} §4.2.1.7` },
  '2.5.29.19': { name: 'basicConstraints', meaning: 'whether the subject is a CA, and how many CAs may follow it', rfc: `${RFC5280} §4.2.1.9` },
  '2.5.29.30': { name: 'nameConstraints', meaning: 'the name space certificates below this CA must stay within', rfc: `${RFC5280} §4.2.1.10` },
  '2.5.29.31': { name: 'cRLDistributionPoints', meaning: 'where to fetch the revocation list', rfc: `${RFC5280} §4.2.1.13` },
  '2.5.29.32': { name: 'certificatePolicies', meaning: 'policies the certificate was issued under', rfc: `${RFC5280} §4.2.1.4` },
  '2.5.29.33': { name: 'policyMappings', meaning: 'equivalences between issuer and subject policies', rfc: `${RFC5280} §4.2.1.5` },
  '2.5.29.35': { name: 'authorityKeyIdentifier', meaning: 'identifies the issuer’s key that signed this certificate', rfc: `${RFC5280} §4.2.1.1` },
  '2.5.29.36': { name: 'policyConstraints', meaning: 'limits on policy mapping and explicit policies', rfc: `${RFC5280} §4.2.1.11` },
  '2.5.29.37': { name: 'extKeyUsage', meaning: 'purposes the key may be used for (server, client, code signing, …)', rfc: `${RFC5280} §4.2.1.12` },
  '2.5.29.46': { name: 'freshestCRL', meaning: 'where to fetch delta revocation lists', rfc: `${RFC5280} §4.2.1.15` },
  '2.5.29.54': { name: 'inhibitAnyPolicy', meaning: 'whether anyPolicy stays acceptable below this CA', rfc: `${RFC5280} §4.2.1.14` },
  '1.3.6.1.5.5.7.1.1': { name: 'authorityInfoAccess', meaning: 'where to reach the issuer’s OCSP responder and certificate', rfc: `${RFC5280} §4.2.2.1` },
  '1.3.6.1.5.5.7.1.11': { name: 'subjectInfoAccess', meaning: 'services offered by the subject', rfc: `${RFC5280} §4.2.2.2` },
  '1.3.6.1.5.5.7.1.24': { name: 'tlsFeature', meaning: 'TLS features the server promises (OCSP must-staple)', rfc: 'RFC 7633 §4' },
  '1.3.6.1.4.1.11129.2.4.2': { name: 'signedCertificateTimestampList', meaning: 'proofs that the certificate was logged in Certificate Transparency', rfc: 'RFC 6962 §3.3' },
  '1.3.6.1.4.1.11129.2.4.3': { name: 'precertificatePoison', meaning: 'marks a precertificate, which must never be used as a certificate', rfc: 'RFC 6962 §3.1' },
  '2.16.840.1.113730.1.1': { name: 'netscapeCertType', meaning: 'obsolete Netscape usage bits' },
  '2.16.840.1.113730.1.13': { name: 'netscapeComment', meaning: 'obsolete Netscape comment' },
  '1.3.6.1.4.1.311.20.2': { name: 'msCertificateTemplateName', meaning: 'Microsoft certificate template name' },
  '1.3.6.1.4.1.311.21.1': { name: 'msCaVersion', meaning: 'Microsoft CA key renewal counter' },
  '1.3.6.1.4.1.311.21.7': { name: 'msCertificateTemplate', meaning: 'Microsoft certificate template' },
  '1.3.6.1.4.1.311.21.10': { name: 'msApplicationPolicies', meaning: 'Microsoft application policies' },

  // Extended key usages (RFC 5280 §4.2.1.12).
  '2.5.29.37.0': { name: 'anyExtendedKeyUsage' },
  '1.3.6.1.5.5.7.3.1': { name: 'serverAuth' },
  '1.3.6.1.5.5.7.3.2': { name: 'clientAuth' },
  '1.3.6.1.5.5.7.3.3': { name: 'codeSigning' },
  '1.3.6.1.5.5.7.3.4': { name: 'emailProtection' },
  '1.3.6.1.5.5.7.3.8': { name: 'timeStamping' },
  '1.3.6.1.5.5.7.3.9': { name: 'OCSPSigning' },
  '1.3.6.1.4.1.311.10.3.3': { name: 'msServerGatedCrypto' },
  '2.16.840.1.113730.4.1': { name: 'nsServerGatedCrypto' },

  // Access methods, policies and qualifiers.
  '1.3.6.1.5.5.7.48.1': { name: 'ocsp' },
  '1.3.6.1.5.5.7.48.2': { name: 'caIssuers' },
  '1.3.6.1.5.5.7.2.1': { name: 'cps' },
  '1.3.6.1.5.5.7.2.2': { name: 'unotice' },
  '2.5.29.32.0': { name: 'anyPolicy' },
  '2.23.140.1.1': { name: 'CA/B extended-validation' },
  '2.23.140.1.2.1': { name: 'CA/B domain-validated' },
  '2.23.140.1.2.2': { name: 'CA/B organization-validated' },
  '2.23.140.1.2.3': { name: 'CA/B individual-validated' },
};

/** "serverAuth", or the dotted OID when we have no name for it. */
export function oidName(oid: string): string {
  return OIDS[oid]?.name ?? oid;
}

/** "1.3.6.1.5.5.7.3.1 (serverAuth)" for annotation values. */
export function describeOid(oid: string): string {
  const info = OIDS[oid];
  return info ? `${oid} (${info.name})` : oid;
}

/**
 * The OBJECT IDENTIFIERs a TLS client meets in server certificates, with the names OpenSSL and the
 * RFCs use for them. One table for the parser, the annotations and the checks.
 */

export interface OidInfo {
  name: string;
  /** Short form in distinguished names ("CN"); only for attribute types. */
  short?: string;
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
  '1.2.840.113549.1.1.1': { name: 'rsaEncryption', rfc: 'RFC 3279 §2.3.1' },
  '1.2.840.113549.1.1.10': { name: 'RSASSA-PSS', rfc: 'RFC 4055 §3.1' },
  '1.2.840.10045.2.1': { name: 'id-ecPublicKey', rfc: 'RFC 5480 §2.1.1' },
  '1.3.101.112': { name: 'Ed25519', rfc: 'RFC 8410 §3' },
  '1.3.101.113': { name: 'Ed448', rfc: 'RFC 8410 §3' },
  '1.2.840.10045.3.1.7': { name: 'secp256r1', rfc: 'RFC 5480 §2.1.1.1' },
  '1.3.132.0.34': { name: 'secp384r1', rfc: 'RFC 5480 §2.1.1.1' },
  '1.3.132.0.35': { name: 'secp521r1', rfc: 'RFC 5480 §2.1.1.1' },

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
  '2.5.29.14': { name: 'subjectKeyIdentifier', rfc: `${RFC5280} §4.2.1.2` },
  '2.5.29.15': { name: 'keyUsage', rfc: `${RFC5280} §4.2.1.3` },
  '2.5.29.17': { name: 'subjectAltName', rfc: `${RFC5280} §4.2.1.6` },
  '2.5.29.18': { name: 'issuerAltName', rfc: `${RFC5280} §4.2.1.7` },
  '2.5.29.19': { name: 'basicConstraints', rfc: `${RFC5280} §4.2.1.9` },
  '2.5.29.30': { name: 'nameConstraints', rfc: `${RFC5280} §4.2.1.10` },
  '2.5.29.31': { name: 'cRLDistributionPoints', rfc: `${RFC5280} §4.2.1.13` },
  '2.5.29.32': { name: 'certificatePolicies', rfc: `${RFC5280} §4.2.1.4` },
  '2.5.29.33': { name: 'policyMappings', rfc: `${RFC5280} §4.2.1.5` },
  '2.5.29.35': { name: 'authorityKeyIdentifier', rfc: `${RFC5280} §4.2.1.1` },
  '2.5.29.36': { name: 'policyConstraints', rfc: `${RFC5280} §4.2.1.11` },
  '2.5.29.37': { name: 'extKeyUsage', rfc: `${RFC5280} §4.2.1.12` },
  '2.5.29.46': { name: 'freshestCRL', rfc: `${RFC5280} §4.2.1.15` },
  '2.5.29.54': { name: 'inhibitAnyPolicy', rfc: `${RFC5280} §4.2.1.14` },
  '1.3.6.1.5.5.7.1.1': { name: 'authorityInfoAccess', rfc: `${RFC5280} §4.2.2.1` },
  '1.3.6.1.5.5.7.1.11': { name: 'subjectInfoAccess', rfc: `${RFC5280} §4.2.2.2` },
  '1.3.6.1.5.5.7.1.24': { name: 'tlsFeature', rfc: 'RFC 7633 §4' },
  '1.3.6.1.4.1.11129.2.4.2': { name: 'signedCertificateTimestampList', rfc: 'RFC 6962 §3.3' },
  '1.3.6.1.4.1.11129.2.4.3': { name: 'precertificatePoison', rfc: 'RFC 6962 §3.1' },
  '2.16.840.1.113730.1.1': { name: 'netscapeCertType' },
  '2.16.840.1.113730.1.13': { name: 'netscapeComment' },
  '1.3.6.1.4.1.311.20.2': { name: 'msCertificateTemplateName' },
  '1.3.6.1.4.1.311.21.1': { name: 'msCaVersion' },
  '1.3.6.1.4.1.311.21.7': { name: 'msCertificateTemplate' },
  '1.3.6.1.4.1.311.21.10': { name: 'msApplicationPolicies' },

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

import { messageTitle } from '../../tls/handshake/messages';
import { alertDescriptions, alertLevels } from '../../tls/registry/alerts';
import { groups } from '../../tls/registry/crypto';
import { contentTypes, extensionTypes, handshakeTypes } from '../../tls/registry/protocol';
import { OIDS } from '../../tls/x509/oids';
import type { MessageKey, MessageValues } from '../../i18n/translator';
import type { Field } from '../../trace/schema';
import { describedName, runFacts, type FieldContext, type RunFacts } from './facts';

/**
 * Which words explain a field of the annotation tree: a catalog key (namespace `fields`), the
 * values the words interpolate, and the RFC section the rule lives in. A pure function of the
 * field's name, value and place (the fields around it, outermost first), of the step it belongs to
 * and of the run's facts — never of stored prose. lib/view/fieldText.ts turns these into a language.
 */
export interface FieldWords {
  key: MessageKey;
  values?: MessageValues;
  rfc?: string;
  /** A second sentence: what the named registry entry is (a group, a content type). */
  also?: { key: MessageKey; values?: MessageValues };
}

type Values = Record<string, string | number>;

/** Everything a rule looks at, computed once per field. */
interface At {
  field: Field;
  name: string;
  value: string;
  /** The registry name in the value ("0x001d (x25519)" → x25519), or the value itself. */
  named: string;
  ancestors: readonly Field[];
  parent?: Field;
  pname: string;
  gname: string;
  /** Registry name of the handshake message this field belongs to (or is). */
  message?: string;
  /** Name of the TLS extension this field sits in (or is). */
  extension?: string;
  /** Inside an X.509 certificate. */
  x509: boolean;
  from: 'client' | 'server';
  ctx: FieldContext;
  facts: RunFacts;
}

const MESSAGE_BY_TITLE = new Map(handshakeTypes.entries.map((e) => [messageTitle(e.name), e.name as string]));
/** Where a handshake message sits when a record carries it. */
const CARRIERS = new Set(['fragment', 'content']);

function isMessageNode(field: Field, parent: Field | undefined): boolean {
  return MESSAGE_BY_TITLE.has(field.name) && (!parent || CARRIERS.has(parent.name));
}

function isX509(field: Field): boolean {
  return (field.name === 'Certificate' || field.name === 'cert_data') && (field.children ?? []).some((c) => c.name === 'tbsCertificate');
}

function bytesOf(value: string): number | undefined {
  const m = /^(\d+) bytes?\b/.exec(value);
  return m ? Number(m[1]) : undefined;
}

function key(k: string, values?: Values, rfc?: string): FieldWords {
  return { key: k as MessageKey, values, rfc };
}

/** The words for a key-exchange group, added after a field that names one. */
function withGroup(words: FieldWords, group: string): FieldWords {
  return groups.has(group) ? { ...words, also: { key: `fields.group.${group}` as MessageKey } } : words;
}

const RFC8446 = 'RFC 8446';
const RFC5246 = 'RFC 5246';
const RFC5280 = 'RFC 5280';

/** RFC sections of the extensions, for the link beside their words. */
const EXTENSION_RFC: Record<string, string> = {
  server_name: 'RFC 6066 §3',
  max_fragment_length: 'RFC 6066 §4',
  status_request: 'RFC 6066 §8',
  supported_groups: `${RFC8446} §4.2.7`,
  ec_point_formats: 'RFC 8422 §5.1.2',
  signature_algorithms: `${RFC8446} §4.2.3`,
  use_srtp: 'RFC 5764 §4.1.1',
  heartbeat: 'RFC 6520 §2',
  application_layer_protocol_negotiation: 'RFC 7301 §3.1',
  signed_certificate_timestamp: 'RFC 6962 §3.3.1',
  client_certificate_type: 'RFC 7250 §3',
  server_certificate_type: 'RFC 7250 §3',
  padding: 'RFC 7685 §3',
  encrypt_then_mac: 'RFC 7366 §2',
  extended_master_secret: 'RFC 7627 §5.1',
  record_size_limit: 'RFC 8449 §4',
  session_ticket: 'RFC 5077 §3.2',
  pre_shared_key: `${RFC8446} §4.2.11`,
  early_data: `${RFC8446} §4.2.10`,
  supported_versions: `${RFC8446} §4.2.1`,
  cookie: `${RFC8446} §4.2.2`,
  psk_key_exchange_modes: `${RFC8446} §4.2.9`,
  certificate_authorities: `${RFC8446} §4.2.4`,
  post_handshake_auth: `${RFC8446} §4.2.6`,
  signature_algorithms_cert: `${RFC8446} §4.2.3`,
  key_share: `${RFC8446} §4.2.8`,
  renegotiation_info: 'RFC 5746 §3.2',
};

const MESSAGE_RFC: Record<string, string> = {
  hello_request: `${RFC5246} §7.4.1.1`,
  client_hello: `${RFC8446} §4.1.2`,
  server_hello: `${RFC8446} §4.1.3`,
  new_session_ticket: `${RFC8446} §4.6.1`,
  end_of_early_data: `${RFC8446} §4.5`,
  encrypted_extensions: `${RFC8446} §4.3.1`,
  certificate: `${RFC8446} §4.4.2`,
  server_key_exchange: 'RFC 8422 §5.4',
  certificate_request: `${RFC8446} §4.3.2`,
  server_hello_done: `${RFC5246} §7.4.5`,
  certificate_verify: `${RFC8446} §4.4.3`,
  client_key_exchange: `${RFC5246} §7.4.7`,
  finished: `${RFC8446} §4.4.4`,
  key_update: `${RFC8446} §4.6.3`,
  message_hash: `${RFC8446} §4.4.1`,
};

const TLS12_MESSAGE_RFC: Record<string, string> = {
  client_hello: `${RFC5246} §7.4.1.2`,
  server_hello: `${RFC5246} §7.4.1.3`,
  certificate: `${RFC5246} §7.4.2`,
  certificate_request: `${RFC5246} §7.4.4`,
  certificate_verify: `${RFC5246} §7.4.8`,
  finished: `${RFC5246} §7.4.9`,
  new_session_ticket: 'RFC 5077 §3.3',
};

/** The X.509 extensions the catalog words (fields.x509ext.*); others get the generic words. */
export const X509_EXTENSIONS = [
  'subjectKeyIdentifier', 'keyUsage', 'subjectAltName', 'issuerAltName', 'basicConstraints', 'nameConstraints',
  'cRLDistributionPoints', 'certificatePolicies', 'policyMappings', 'authorityKeyIdentifier', 'policyConstraints',
  'extKeyUsage', 'freshestCRL', 'inhibitAnyPolicy', 'authorityInfoAccess', 'subjectInfoAccess', 'tlsFeature',
  'signedCertificateTimestampList', 'precertificatePoison', 'netscapeCertType', 'netscapeComment',
  'msCertificateTemplateName', 'msCaVersion', 'msCertificateTemplate', 'msApplicationPolicies',
] as const;
const X509_EXTENSION_SET = new Set<string>(X509_EXTENSIONS);

/** Name attributes (RFC 5280 Appendix A) the catalog words (fields.attribute.*). */
export const NAME_ATTRIBUTES = [
  'commonName', 'surname', 'serialNumber', 'countryName', 'localityName', 'stateOrProvinceName', 'streetAddress',
  'organizationName', 'organizationalUnitName', 'title', 'businessCategory', 'postalCode', 'givenName', 'initials',
  'dnQualifier', 'pseudonym', 'organizationIdentifier', 'emailAddress', 'userId', 'domainComponent',
  'jurisdictionLocalityName', 'jurisdictionStateOrProvinceName', 'jurisdictionCountryName',
] as const;
const NAME_ATTRIBUTE_SET = new Set<string>(NAME_ATTRIBUTES);

/** HTTP header fields the catalog words (fields.http.header.*), by lower-case name. */
export const HTTP_HEADERS = ['host', 'user-agent', 'accept', 'connection', 'content-length', 'content-type', 'date', 'cache-control', 'server', 'transfer-encoding', 'location', 'keep-alive', 'set-cookie', 'strict-transport-security', 'vary', 'etag', 'last-modified', 'www-authenticate'] as const;
const HTTP_HEADER_SET = new Set<string>(HTTP_HEADERS);

/** DER string tags (X.680): a name attribute's value says which one it is in its first byte. */
const STRING_TAGS: Record<number, string> = { 0x0c: 'UTF8String', 0x13: 'PrintableString', 0x14: 'TeletexString', 0x16: 'IA5String', 0x1e: 'BMPString', 0x1c: 'UniversalString' };

function tagAt(ctx: FieldContext, offset: number): number | undefined {
  if (!ctx.hex || offset < 0 || offset * 2 + 2 > ctx.hex.length) return undefined;
  return parseInt(ctx.hex.slice(offset * 2, offset * 2 + 2), 16);
}

function sibling(at: At, name: string): Field | undefined {
  return at.parent?.children?.find((c) => c.name === name);
}

function place(field: Field, ancestors: readonly Field[], ctx: FieldContext): At {
  const parent = ancestors[ancestors.length - 1];
  let message: string | undefined;
  let extension: string | undefined;
  let x509 = false;
  const chain = [...ancestors, field];
  chain.forEach((f, i) => {
    const up = chain[i - 1];
    if (isMessageNode(f, up)) message = MESSAGE_BY_TITLE.get(f.name);
    if (up?.name === 'extensions' && extensionTypes.has(f.name) && !x509) extension = f.name;
    if (isX509(f)) x509 = true;
  });
  const step = ctx.step;
  const from: 'client' | 'server' =
    step?.kind === 'handshake' || step?.kind === 'alert' ? step.data.from : step?.direction === 'server->client' ? 'server' : 'client';
  const value = field.value ?? '';
  return {
    field,
    name: field.name,
    value,
    named: describedName(value) ?? '',
    ancestors,
    parent,
    pname: parent?.name ?? '',
    gname: ancestors[ancestors.length - 2]?.name ?? '',
    message,
    extension,
    x509,
    from,
    ctx,
    facts: runFacts(ctx.trace),
  };
}

function tls12(at: At): boolean {
  const version = at.ctx.trace?.version;
  if (at.ctx.step?.kind === 'handshake' && at.ctx.step.data.version) return at.ctx.step.data.version === 'TLSv1.2';
  return version === 'TLSv1.2';
}

function messageRfc(at: At, message: string): string | undefined {
  return (tls12(at) ? TLS12_MESSAGE_RFC[message] : undefined) ?? MESSAGE_RFC[message];
}

/** The words for one field, or undefined when no rule knows it (counted by test/view/fieldCoverage). */
export function fieldWords(field: Field, ancestors: readonly Field[] = [], ctx: FieldContext = {}): FieldWords | undefined {
  const at = place(field, ancestors, ctx);
  return (
    message(at) ??
    record(at) ??
    alert(at) ??
    http(at) ??
    (at.x509 ? x509(at) : undefined) ??
    extension(at) ??
    handshake(at) ??
    generic(at)
  );
}

// ——— Handshake messages as a whole, and their 4-byte header (RFC 8446 §4, RFC 5246 §7.4) ———

function message(at: At): FieldWords | undefined {
  const { field, name, parent } = at;
  if (name === 'handshake message (continued)') return key('fields.message.continued', { bytes: bytesOf(at.value) ?? field.length }, `${RFC8446} §5.1`);
  if (isX509(field)) return undefined;
  if (!isMessageNode(field, parent)) {
    if (/^handshake type \d+$/.test(name)) return key('fields.message.unknown', { type: name.slice(15) }, `${RFC8446} §4`);
    return undefined;
  }
  const m = MESSAGE_BY_TITLE.get(name)!;
  const rfc = messageRfc(at, m);
  const split = /^(\d+) of (\d+) bytes$/.exec(at.value);
  if (split) return key('fields.message.split', { message: name, here: Number(split[1]), total: Number(split[2]) }, `${RFC8446} §5.1`);
  const step = at.ctx.step;
  const data = step?.kind === 'handshake' ? step.data : undefined;
  const trace = at.ctx.trace;
  switch (m) {
    case 'client_hello':
      if (data?.renegotiation) return key('fields.message.client_hello_renegotiation', {}, 'RFC 5746 §3.5');
      return key('fields.message.client_hello', { suites: at.facts.offeredSuites.length, groups: at.facts.keyShareGroups.join(', ') || '-', host: at.facts.host ?? '-' }, rfc);
    case 'server_hello': {
      const hrr = field.children?.find((c) => c.name === 'random')?.value === HRR_RANDOM_HEX;
      if (hrr) return key('fields.message.hello_retry_request', {}, `${RFC8446} §4.1.4`);
      return key('fields.message.server_hello', { version: trace?.version ?? '-', suite: trace?.cipherSuite ?? '-' }, rfc);
    }
    case 'hello_request':
      return key(data?.ignored ? 'fields.message.hello_request_ignored' : 'fields.message.hello_request', { personality: trace?.personality ?? '-' }, rfc);
    case 'certificate': {
      // A Certificate split over records carries no tree of its own here.
      if (!field.children?.length) return key('fields.message.certificate_bare', { from: at.from }, rfc);
      const list = field.children?.find((c) => c.name === 'certificate_list');
      const count = (list?.children ?? []).filter((c) => c.name.startsWith('CertificateEntry') || c.name === 'ASN.1Cert' || c.name === 'Certificate').length;
      return key('fields.message.certificate', { from: at.from, count }, rfc);
    }
    case 'finished':
      return key('fields.message.finished', { from: at.from, version: tls12(at) ? 'tls12' : 'tls13' }, rfc);
    default:
      return key(`fields.message.${m}`, { from: at.from }, rfc);
  }
}

/** SHA-256("HelloRetryRequest"), RFC 8446 §4.1.3: the random of a ServerHello that is really a HelloRetryRequest. */
const HRR_RANDOM_HEX = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

function handshake(at: At): FieldWords | undefined {
  const { name, pname, message: m, value, named, facts } = at;
  if (!m) return undefined;
  const rfc = messageRfc(at, m);
  const isRoot = MESSAGE_BY_TITLE.get(pname) === m;
  if (isRoot && name === 'msg_type') return key('fields.header.msg_type', { code: value.split(' ')[0], message: named }, `${RFC8446} §4`);
  if (isRoot && name === 'length') return key('fields.header.length', { bytes: bytesOf(value) ?? 0, message: pname }, `${RFC8446} §4`);

  switch (name) {
    case 'legacy_version':
      return m === 'client_hello'
        ? key(offersVersions(at) ? 'fields.hello.legacy_version' : 'fields.hello.client_version12', {}, rfc)
        : key(tls12(at) ? 'fields.hello.server_version12' : 'fields.hello.server_legacy_version', { version: named }, rfc);
    case 'random': {
      if (m === 'client_hello') return key('fields.hello.client_random', {}, rfc);
      if (value === HRR_RANDOM_HEX) return key('fields.hello.hrr_random', {}, `${RFC8446} §4.1.3`);
      const sentinel = value.endsWith('444f574e47524401') ? 'tls12' : value.endsWith('444f574e47524400') ? 'tls11' : tls12(at) ? 'none' : 'tls13';
      return key('fields.hello.server_random', { sentinel, version: at.ctx.trace?.version ?? '-' }, `${RFC8446} §4.1.3`);
    }
    case 'legacy_session_id':
      return key(value === 'empty' || value === '0 bytes' ? 'fields.hello.session_id_empty' : 'fields.hello.session_id', { bytes: bytesOf(value) ?? 0, tls13: facts.offeredVersions.includes('TLSv1.3') ? 'yes' : 'no' }, `${RFC8446} §4.1.2`);
    case 'legacy_session_id_echo':
      return key(value === 'empty' || value === '0 bytes' ? 'fields.hello.session_id_echo_empty' : 'fields.hello.session_id_echo', { bytes: bytesOf(value) ?? 0, version: at.ctx.trace?.version ?? '-' }, rfc);
    case 'cipher_suites':
      return key('fields.hello.cipher_suites', { count: facts.offeredSuites.length }, rfc);
    case 'cipher_suite': {
      if (m === 'client_hello') {
        if (named === 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV') return key('fields.hello.scsv', {}, 'RFC 5746 §3.3');
        const index = facts.offeredSuites.indexOf(named) + 1;
        return key('fields.hello.offered_suite', { suite: named, index, count: facts.offeredSuites.length, tls13: named.startsWith('TLS_AES') || named.startsWith('TLS_CHACHA20') ? 'yes' : 'no' }, rfc);
      }
      const index = facts.offeredSuites.indexOf(named) + 1;
      return key('fields.hello.chosen_suite', { suite: named, index, count: facts.offeredSuites.length }, rfc);
    }
    case 'legacy_compression_methods':
      return key('fields.hello.compression_methods', {}, rfc);
    case 'compression_method':
    case 'legacy_compression_method':
      return key(m === 'client_hello' ? 'fields.hello.compression_method' : 'fields.hello.compression_chosen', {}, rfc);
    case 'extensions':
      if (pname === MESSAGE_TITLE_OF(m)) {
        const role = m === 'client_hello' ? 'offer' : m === 'server_hello' || m === 'encrypted_extensions' ? 'answer' : 'other';
        return key('fields.hello.extensions', { message: pname, count: (at.field.children ?? []).filter((c) => c.name !== 'length').length, role }, rfc);
      }
      if (pname.startsWith('CertificateEntry')) return key('fields.certificate.entry_extensions', {}, `${RFC8446} §4.4.2`);
      return undefined;
    // Certificate (RFC 8446 §4.4.2, RFC 5246 §7.4.2)
    case 'certificate_request_context':
      if (m === 'certificate_request') return key('fields.certreq.context', { empty: value === 'empty' ? 'yes' : 'no' }, `${RFC8446} §4.3.2`);
      return key('fields.certificate.context', { empty: value === 'empty' ? 'yes' : 'no', from: at.from }, rfc);
    case 'certificate_list': {
      const count = (at.field.children ?? []).filter((c) => c.name !== 'length').length;
      return key(count ? 'fields.certificate.list' : 'fields.certificate.list_empty', { count, from: at.from }, rfc);
    }
    case 'cert_data':
      return key('fields.certificate.cert_data', { bytes: bytesOf(value) ?? 0 }, rfc);
    case 'cert_data_length':
      return key('fields.certificate.cert_data_length', { bytes: bytesOf(value) ?? 0 }, rfc);
    // CertificateRequest (RFC 8446 §4.3.2, RFC 5246 §7.4.4)
    case 'certificate_types':
      return key('fields.certreq.types', {}, rfc);
    case 'certificate_type':
      return key('fields.certreq.type', { type: named }, rfc);
    case 'certificate_authorities':
      return key('fields.certreq.authorities', { count: (at.field.children ?? []).filter((c) => c.name !== 'length').length }, rfc);
    case 'authorities':
      return key('fields.certreq.authorities', { count: (at.field.children ?? []).filter((c) => c.name !== 'length').length }, rfc);
    case 'DistinguishedName':
      return key('fields.certreq.distinguished_name', {}, rfc);
    case 'supported_signature_algorithms':
      return key(m === 'certificate_request' ? 'fields.certreq.schemes' : 'fields.ext.signature_algorithms.list', { count: (at.field.children ?? []).filter((c) => c.name !== 'length').length, from: at.from }, rfc);
    case 'signature_scheme':
      return key(m === 'certificate_request' ? 'fields.certreq.scheme' : 'fields.ext.signature_algorithms.scheme', { scheme: named, from: at.from }, rfc);
    // CertificateVerify (RFC 8446 §4.4.3, RFC 5246 §7.4.8)
    case 'algorithm':
      if (m === 'certificate_verify') return key('fields.verify.algorithm', { scheme: named, from: at.from }, rfc);
      return undefined;
    case 'signature':
      if (m === 'certificate_verify') return key('fields.verify.signature', { bytes: bytesOf(value) ?? 0, from: at.from, version: tls12(at) ? 'tls12' : 'tls13' }, rfc);
      if (m === 'server_key_exchange') return key('fields.ske.signature', { bytes: bytesOf(value) ?? 0 }, rfc);
      return undefined;
    // Finished (RFC 8446 §4.4.4, RFC 5246 §7.4.9)
    case 'verify_data':
      return key('fields.finished.verify_data', { from: at.from, version: tls12(at) ? 'tls12' : 'tls13', bytes: value.length / 2 }, rfc);
    // NewSessionTicket (RFC 8446 §4.6.1, RFC 5077 §3.3)
    case 'ticket_lifetime': {
      const seconds = Number(/^(\d+)/.exec(value)?.[1] ?? 0);
      return key('fields.ticket.lifetime', { seconds, hours: Math.round((seconds / 3600) * 10) / 10 }, rfc);
    }
    case 'ticket_age_add':
      return key('fields.ticket.age_add', {}, rfc);
    case 'ticket_nonce':
      return key('fields.ticket.nonce', {}, rfc);
    case 'ticket':
      return key('fields.ticket.ticket', { bytes: bytesOf(value) ?? 0 }, rfc);
    // ServerKeyExchange / ClientKeyExchange (RFC 8422 §5.4, §5.7; RFC 5246 §7.4.7.1)
    case 'params':
      return key('fields.ske.params', { group: at.ctx.trace?.group ?? '-' }, 'RFC 8422 §5.4');
    case 'curve_type':
      return key('fields.ske.curve_type', {}, 'RFC 8422 §5.4');
    case 'named_curve':
      return withGroup(key('fields.ske.named_curve', { group: named, offered: facts.offeredGroups.indexOf(named) + 1 }, 'RFC 8422 §5.4'), named);
    case 'public':
      return key('fields.ske.public', { bytes: bytesOf(value) ?? 0, group: at.ctx.trace?.group ?? '-' }, 'RFC 8422 §5.4');
    case 'signature_algorithm':
      return key('fields.ske.signature_algorithm', { scheme: named }, `${RFC5246} §7.4.1.4.1`);
    case 'EncryptedPreMasterSecret':
      return key('fields.cke.rsa', { bytes: bytesOf(value) ?? 0 }, `${RFC5246} §7.4.7.1`);
    case 'ecdh_Yc':
      return key('fields.cke.ecdh', { bytes: bytesOf(value) ?? 0, group: at.ctx.trace?.group ?? '-' }, 'RFC 8422 §5.7');
    // KeyUpdate (RFC 8446 §4.6.3)
    case 'request_update':
      return key('fields.key_update.request_update', { requested: value.startsWith('update_requested') ? 'yes' : 'no', from: at.from }, `${RFC8446} §4.6.3`);
  }
  if (name.startsWith('CertificateEntry') || name === 'ASN.1Cert') {
    const index = Number(/(\d+)$/.exec(name)?.[1] ?? 0);
    return key('fields.certificate.entry', { index, leaf: index === 0 ? 'yes' : 'no', from: at.from }, rfc);
  }
  return undefined;
}

/** Whether the ClientHello this field is in offers supported_versions (a renegotiation ClientHello may not). */
function offersVersions(at: At): boolean {
  const hello = at.ancestors.find((a, i) => isMessageNode(a, at.ancestors[i - 1]));
  const extensions = hello?.children?.find((c) => c.name === 'extensions');
  if (extensions) return (extensions.children ?? []).some((c) => c.name === 'supported_versions');
  return at.facts.offeredVersions.includes('TLSv1.3');
}

function MESSAGE_TITLE_OF(m: string): string {
  return messageTitle(m as Parameters<typeof messageTitle>[0]);
}

// ——— Extensions (RFC 8446 §4.2 and the RFCs that define each) ———

function extension(at: At): FieldWords | undefined {
  const { name, pname, value, named, facts, from } = at;
  const ext = at.extension;
  if (!ext) return undefined;
  const rfc = EXTENSION_RFC[ext];
  if (name === ext && pname === 'extensions') return key(`fields.extension.${ext}`, { from, message: at.message ?? '-' }, rfc);
  if (name === 'extension_type') return key('fields.ext.type', { code: value.split(' ')[0], name: ext }, `${RFC8446} §4.2`);
  if (name === 'extension_data') return key(bytesOf(sibling(at, 'length')?.value ?? '') === 0 || (at.field.children ?? []).every((c) => c.name === 'length') ? 'fields.ext.data_empty' : 'fields.ext.data', { name: ext }, `${RFC8446} §4.2`);
  const count = (at.field.children ?? []).filter((c) => c.name !== 'length').length;
  switch (name) {
    // server_name (RFC 6066 §3)
    case 'server_name_list':
      return key('fields.ext.server_name.list', {}, rfc);
    case 'ServerName':
      return key('fields.ext.server_name.entry', {}, rfc);
    case 'name_type':
      return key('fields.ext.server_name.name_type', {}, rfc);
    case 'HostName':
      return key('fields.ext.server_name.host', { host: value }, rfc);
    // supported_groups (RFC 8446 §4.2.7)
    case 'named_group_list':
      return key('fields.ext.supported_groups.list', { count }, rfc);
    case 'named_group': {
      const index = facts.offeredGroups.indexOf(named) + 1;
      return withGroup(key('fields.ext.supported_groups.group', { group: named, index, share: facts.keyShareGroups.includes(named) ? 'yes' : 'no', chosen: at.ctx.trace?.group === named ? 'yes' : 'no' }, rfc), named);
    }
    // key_share (RFC 8446 §4.2.8)
    case 'client_shares':
      return key('fields.ext.key_share.client_shares', { count, groups: facts.keyShareGroups.join(', ') || '-' }, rfc);
    case 'KeyShareEntry':
      return key('fields.ext.key_share.entry', { group: describedName(at.field.children?.find((c) => c.name === 'group')?.value) ?? '-' }, rfc);
    case 'server_share':
      return key('fields.ext.key_share.server_share', {}, rfc);
    case 'group':
      if (pname === 'server_share') {
        const index = facts.keyShareGroups.indexOf(named) + 1;
        const skipped = facts.keyShareGroups.slice(0, Math.max(index - 1, 0)).join(', ') || '-';
        return withGroup(key('fields.ext.key_share.server_group', { group: named, index, shares: facts.keyShareGroups.length, skipped }, rfc), named);
      }
      return withGroup(key('fields.ext.key_share.client_group', { group: named, index: facts.keyShareGroups.indexOf(named) + 1 }, rfc), named);
    case 'key_exchange':
      return key(from === 'server' ? 'fields.ext.key_share.server_key' : 'fields.ext.key_share.client_key', { bytes: bytesOf(value) ?? 0, group: describedName(sibling(at, 'group')?.value) ?? '-' }, rfc);
    case 'selected_group':
      return key('fields.ext.key_share.selected_group', { group: named }, `${RFC8446} §4.2.8`);
    // supported_versions (RFC 8446 §4.2.1)
    case 'versions':
      return key('fields.ext.supported_versions.list', { count }, rfc);
    case 'version':
      return key('fields.ext.supported_versions.version', { version: named, index: facts.offeredVersions.indexOf(named) + 1 }, rfc);
    case 'selected_version':
      return key('fields.ext.supported_versions.selected', { version: named }, rfc);
    // signature_algorithms (RFC 8446 §4.2.3)
    case 'supported_signature_algorithms':
      return key('fields.ext.signature_algorithms.list', { count, from, message: at.message ?? '-' }, rfc);
    case 'signature_scheme':
      return key(at.message === 'certificate_request' ? 'fields.certreq.scheme' : 'fields.ext.signature_algorithms.scheme', { scheme: named, from }, rfc);
    // ALPN (RFC 7301 §3.1)
    case 'protocol_name_list':
      return key('fields.ext.alpn.list', { count, from }, rfc);
    case 'protocol_name':
      return key(from === 'server' ? 'fields.ext.alpn.selected' : 'fields.ext.alpn.offered', { protocol: value }, rfc);
    // ec_point_formats (RFC 8422 §5.1.2)
    case 'ec_point_format_list':
      return key('fields.ext.ec_point_formats.list', { count }, rfc);
    case 'ec_point_format':
      return key('fields.ext.ec_point_formats.format', { format: named }, rfc);
    // renegotiation_info (RFC 5746 §3.2)
    case 'renegotiated_connection': {
      const empty = value.startsWith('empty') || value === '0 bytes';
      if (empty) return key(from === 'server' ? 'fields.ext.renegotiation_info.server_empty' : 'fields.ext.renegotiation_info.client_empty', {}, 'RFC 5746 §3.4');
      return key(from === 'server' ? 'fields.ext.renegotiation_info.server_verify' : 'fields.ext.renegotiation_info.client_verify', { bytes: value.length / 2 }, 'RFC 5746 §3.5');
    }
    // psk_key_exchange_modes (RFC 8446 §4.2.9)
    case 'ke_modes':
      return key('fields.ext.psk_modes.list', {}, rfc);
    case 'ke_mode':
      return key('fields.ext.psk_modes.mode', { mode: value.split(' ')[0] }, rfc);
    // cookie (RFC 8446 §4.2.2)
    case 'cookie':
      return key(from === 'server' ? 'fields.ext.cookie.server' : 'fields.ext.cookie.client', { bytes: bytesOf(value) ?? 0 }, rfc);
    case 'record_size_limit':
      return key('fields.ext.record_size_limit.limit', { bytes: bytesOf(value) ?? 0 }, rfc);
    case 'max_early_data_size':
      return key('fields.ext.early_data.max', {}, rfc);
    case 'selected_identity':
      return key('fields.ext.pre_shared_key.selected', {}, rfc);
    // pre_shared_key in the ClientHello (RFC 8446 §4.2.11)
    case 'identities':
      return key('fields.ext.pre_shared_key.identities', {}, rfc);
    case 'PskIdentity':
    case 'identity':
      return key('fields.ext.pre_shared_key.identity', { bytes: bytesOf(value) ?? 0 }, rfc);
    case 'obfuscated_ticket_age':
      return key('fields.ext.pre_shared_key.obfuscated_age', {}, 'RFC 8446 §4.2.11.1');
    case 'binders':
      return key('fields.ext.pre_shared_key.binders', {}, 'RFC 8446 §4.2.11.2');
    case 'PskBinderEntry':
      return key('fields.ext.pre_shared_key.binder', { bytes: value.length / 2 }, 'RFC 8446 §4.2.11.2');
    case 'DistinguishedName':
      return key('fields.certreq.distinguished_name', {}, rfc);
    case 'authorities':
    case 'certificate_authorities':
      return key('fields.certreq.authorities', { count }, rfc);
  }
  return undefined;
}

// ——— Records (RFC 8446 §5, RFC 5246 §6.2) ———

function record(at: At): FieldWords | undefined {
  const { name, pname, value, named, ancestors } = at;
  const root = ancestors[0]?.name ?? name;
  const step = at.ctx.step;
  const data = step?.kind === 'record' ? step.data : undefined;
  const keys = keysOf(data?.protectedBy ?? null);
  const suite = at.ctx.trace?.cipherSuite ?? '-';
  if (ancestors.length === 0 && name === 'application_data') return key('fields.record.application_data', { from: at.from, bytes: at.field.length }, field12(at, 'RFC 8446 §5.2', 'RFC 5246 §6.2'));
  if (root !== 'TLSPlaintext' && root !== 'TLSCiphertext' && root !== 'TLSInnerPlaintext' && !(ancestors.length === 0 && name === 'content')) return undefined;
  // Inside a message carried by the record: the message's own rules.
  if (at.message && !isMessageNode(at.field, at.parent)) return undefined;
  if (ancestors.some((a) => a.name === 'Alert')) return undefined;
  if (ancestors.length === 0) {
    if (name === 'TLSPlaintext') return key('fields.record.plaintext', { type: data?.contentType ?? '-', from: at.from }, field12(at, 'RFC 8446 §5.1', 'RFC 5246 §6.2.1'));
    if (name === 'TLSCiphertext') return key('fields.record.ciphertext', { type: data?.contentType ?? '-', keys, from: at.from }, field12(at, 'RFC 8446 §5.2', 'RFC 5246 §6.2.3'));
    if (name === 'TLSInnerPlaintext') return key('fields.record.inner', { type: data?.contentType ?? '-' }, 'RFC 8446 §5.2');
    if (name === 'content') return key('fields.record.decrypted', { type: data?.contentType ?? '-', bytes: bytesOf(value) ?? 0 }, 'RFC 5246 §6.2.3');
  }
  if (pname === 'TLSPlaintext' || pname === 'TLSCiphertext') {
    switch (name) {
      case 'type':
        return { ...key('fields.record.type', { type: named, encrypted: pname === 'TLSCiphertext' ? 'yes' : 'no' }, at.field.rfc), also: contentTypes.has(named) ? { key: `fields.contentType.${named}` as MessageKey } : undefined };
      case 'opaque_type':
        return key('fields.record.opaque_type', { type: data?.contentType ?? '-' }, 'RFC 8446 §5.2');
      case 'legacy_record_version':
        return key('fields.record.legacy_record_version', { version: named, first: value.startsWith('0x0301') ? 'yes' : 'no' }, at.field.rfc);
      case 'version':
        return key('fields.record.version', { version: named }, at.field.rfc);
      case 'length':
        return key('fields.record.length', { bytes: bytesOf(value) ?? 0 }, at.field.rfc);
      case 'fragment':
        if (data?.encrypted) return key('fields.record.fragment_encrypted', { keys, type: data.contentType }, at.field.rfc);
        return key(data?.contentType === 'change_cipher_spec' ? 'fields.record.fragment_ccs' : 'fields.record.fragment', { type: data?.contentType ?? '-' }, at.field.rfc);
    }
  }
  if (pname === 'fragment') {
    switch (name) {
      case 'encrypted_record':
        return key('fields.record.encrypted_record', { bytes: bytesOf(value) ?? 0, suite, keys }, 'RFC 8446 §5.2');
      case 'authentication_tag':
        return key('fields.record.tag', { bytes: bytesOf(value) ?? 16, suite }, at.field.rfc ?? 'RFC 5116 §2.1');
      case 'nonce_explicit':
        return key('fields.record.nonce_explicit', {}, 'RFC 5288 §3');
      case 'encrypted content':
        return key('fields.record.encrypted_content', { suite, keys, bytes: bytesOf(value) ?? 0 }, 'RFC 5246 §6.2.3.3');
      case 'IV':
        return key('fields.record.iv', {}, 'RFC 5246 §6.2.3.2');
      case 'encrypted content + padding':
        return key('fields.record.cbc_etm', { keys }, 'RFC 7366 §3');
      case 'MAC':
        return key('fields.record.mac', { mac: value || '-' }, 'RFC 7366 §3');
      case 'encrypted content + MAC + padding':
        return key('fields.record.cbc_mte', { keys }, 'RFC 5246 §6.2.3.2');
    }
  }
  if (pname === 'TLSInnerPlaintext') {
    switch (name) {
      case 'content':
        return key('fields.record.inner_content', { type: data?.contentType ?? '-', bytes: bytesOf(value) ?? 0 }, 'RFC 8446 §5.2');
      case 'type':
        return { ...key('fields.record.inner_type', { type: named }, 'RFC 8446 §5.2'), also: contentTypes.has(named) ? { key: `fields.contentType.${named}` as MessageKey } : undefined };
      case 'zeros':
        return key('fields.record.zeros', { bytes: bytesOf(value) ?? 0 }, 'RFC 8446 §5.4');
    }
  }
  return undefined;
}

function field12(at: At, tls13Rfc: string, tls12Rfc: string): string {
  return at.field.rfc ?? (tls12(at) ? tls12Rfc : tls13Rfc);
}

/** The keys that protect a record, as a word the catalog knows (fields.keys.*). */
function keysOf(protectedBy: string | null): string {
  if (!protectedBy) return 'none';
  const m = /^(client|server) (handshake traffic|application traffic|write) keys/.exec(protectedBy);
  if (!m) return 'other';
  return `${m[1]}_${m[2].split(' ')[0]}`;
}

// ——— Alerts (RFC 8446 §6, RFC 5246 §7.2) ———

function alert(at: At): FieldWords | undefined {
  const { name, pname, named } = at;
  if (name === 'Alert' && (at.ancestors.length === 0 || CARRIERS.has(pname))) {
    const step = at.ctx.step;
    const description = step?.kind === 'alert' ? step.data.description : describedName(at.field.children?.find((c) => c.name === 'description')?.value) ?? '-';
    return key('fields.alert.alert', { from: at.from, description }, `${RFC8446} §6`);
  }
  if (pname !== 'Alert') return undefined;
  if (name === 'level') return key(alertLevels.has(named) ? `fields.alertLevel.${named}` : 'fields.alertLevel.unknown', { from: at.from }, `${RFC8446} §6`);
  if (name === 'description') {
    const rfc = named === 'no_renegotiation' ? `${RFC5246} §7.2.2` : `${RFC8446} §6.2`;
    return key(alertDescriptions.has(named) ? `fields.alert.${named}` : 'fields.alert.unknown', { from: at.from }, rfc);
  }
  return undefined;
}

// ——— HTTP/1.1 framing (RFC 9112) ———

function http(at: At): FieldWords | undefined {
  const { name, pname, value, ancestors } = at;
  const root = ancestors[0]?.name ?? name;
  if (root !== 'HTTP request' && root !== 'HTTP response') return undefined;
  const request = root === 'HTTP request';
  if (ancestors.length === 0) return key(request ? 'fields.http.request' : 'fields.http.response', { status: at.ctx.trace?.http?.status ?? '-' }, request ? 'RFC 9112 §3' : 'RFC 9112 §4');
  if (ancestors.length > 1 || !pname.startsWith('HTTP')) return undefined;
  if (name === 'request-line') {
    const [method, target] = value.split(' ');
    return key('fields.http.request_line', { method: method ?? '-', target: target ?? '-' }, 'RFC 9112 §3');
  }
  if (name === 'status-line') {
    const status = value.split(' ')[0] ?? '-';
    return key('fields.http.status_line', { status, cls: status.slice(0, 1) }, 'RFC 9112 §4');
  }
  if (name === 'end of headers') return key('fields.http.end_of_headers', {}, 'RFC 9112 §2.1');
  if (name === 'body') return key(request ? 'fields.http.request_body' : 'fields.http.body', { bytes: bytesOf(value) ?? 0 }, 'RFC 9112 §6');
  if (name === 'chunked body') return key('fields.http.chunked_body', { bytes: bytesOf(value) ?? 0 }, 'RFC 9112 §7.1');
  if (name.startsWith('header ')) {
    const header = name.slice(7).toLowerCase();
    if (HTTP_HEADER_SET.has(header)) return key(`fields.http.header.${header}`, { value, from: request ? 'client' : 'server' }, 'RFC 9110 §5');
    return key('fields.http.header_other', { name: name.slice(7) }, 'RFC 9110 §5');
  }
  return undefined;
}

// ——— X.509 certificates down to DER (RFC 5280 §4.1, §4.2) ———

function x509(at: At): FieldWords | undefined {
  const { field, name, pname, value, named, ancestors } = at;
  if (isX509(field)) {
    const index = Number(/(\d+)$/.exec(ancestors[ancestors.length - 1]?.name ?? '')?.[1] ?? 0);
    return key('fields.x509.certificate', { index, leaf: index === 0 ? 'yes' : 'no' }, `${RFC5280} §4.1`);
  }
  // The TLS opaque vector the certificate sits in (cert_data's length and data).
  if (pname === 'cert_data' && name === 'length') return key('fields.certificate.cert_data_length', { bytes: bytesOf(value) ?? 0 }, `${RFC8446} §4.4.2`);
  if (pname === 'cert_data' && name === 'data') return key('fields.certificate.cert_data', { bytes: bytesOf(value) ?? 0 }, `${RFC8446} §4.4.2`);
  const parentIsCert = at.parent ? isX509(at.parent) : false;
  const now = at.ctx.trace?.startedAt;
  const host = at.facts.host ?? hostOf(at.ctx.trace?.options?.url);
  switch (name) {
    case 'tbsCertificate':
      return key('fields.x509.tbs', {}, `${RFC5280} §4.1.1.1`);
    case 'signatureAlgorithm':
      if (parentIsCert) return key('fields.x509.signature_algorithm', { algorithm: named }, `${RFC5280} §4.1.1.2`);
      break;
    case 'signatureValue':
      return key('fields.x509.signature_value', { bytes: bytesOf(value) ?? 0 }, `${RFC5280} §4.1.1.3`);
    case 'version':
      if (pname === 'tbsCertificate') return key('fields.x509.version', { version: value.split(' ')[0] }, `${RFC5280} §4.1.2.1`);
      break;
    case 'serialNumber':
      if (pname === 'tbsCertificate') return key('fields.x509.serial', { bytes: value.length / 2 }, `${RFC5280} §4.1.2.2`);
      break;
    case 'signature':
      if (pname === 'tbsCertificate') return key('fields.x509.tbs_signature', { algorithm: named }, `${RFC5280} §4.1.2.3`);
      if (pname === 'signatureValue') return key('fields.x509.signature_bits', { bytes: bytesOf(value) ?? 0 }, `${RFC5280} §4.1.1.3`);
      break;
    case 'issuer':
      if (pname === 'tbsCertificate') {
        const subject = sibling(at, 'subject')?.value;
        return key(subject !== undefined && subject === value ? 'fields.x509.issuer_self' : 'fields.x509.issuer', { issuer: value }, `${RFC5280} §4.1.2.4`);
      }
      break;
    case 'subject':
      if (pname === 'tbsCertificate') return key('fields.x509.subject', { subject: value }, `${RFC5280} §4.1.2.6`);
      break;
    case 'validity':
      return key('fields.x509.validity', {}, `${RFC5280} §4.1.2.5`);
    case 'notBefore':
    case 'notAfter': {
      const instant = Date.parse(value.split(' ')[0]);
      const at_ = now ? Date.parse(now) : NaN;
      const state = Number.isNaN(instant) || Number.isNaN(at_) ? 'unknown' : name === 'notBefore' ? (instant > at_ ? 'future' : 'ok') : instant < at_ ? 'past' : 'ok';
      const form = /\((UTCTime|GeneralizedTime)\)/.exec(value)?.[1] ?? '-';
      return key(name === 'notBefore' ? 'fields.x509.not_before' : 'fields.x509.not_after', { state, form }, `${RFC5280} §4.1.2.5`);
    }
    case 'subjectPublicKeyInfo':
      return key('fields.x509.spki', { key: value }, `${RFC5280} §4.1.2.7`);
    case 'subjectPublicKey':
      return key('fields.x509.subject_public_key', { bytes: bytesOf(value) ?? 0 }, `${RFC5280} §4.1.2.7`);
    case 'unusedBits':
      return key('fields.x509.unused_bits', { bits: value }, 'X.690 §8.6.2');
    case 'RSAPublicKey':
      return key('fields.x509.rsa_public_key', { key: value }, 'RFC 3279 §2.3.1');
    case 'modulus':
      return key('fields.x509.modulus', { bits: Number(/^(\d+)/.exec(value)?.[1] ?? 0) }, 'RFC 3279 §2.3.1');
    case 'publicExponent':
      return key('fields.x509.exponent', { e: value }, 'RFC 3279 §2.3.1');
    case 'ecPoint':
      return key('fields.x509.ec_point', { form: value.split(' ')[0] }, 'RFC 5480 §2.2');
    case 'publicKey':
      return key('fields.x509.public_key', { bytes: bytesOf(value) ?? 0 }, 'RFC 8410 §4');
    case 'namedCurve':
      return key('fields.x509.named_curve', { curve: named }, 'RFC 5480 §2.1.1.1');
    case 'algorithm':
      if (pname === 'subjectPublicKeyInfo') return key('fields.x509.spki_algorithm', { algorithm: named }, 'RFC 5280 §4.1.2.7');
      return key('fields.x509.oid', { oid: value.split(' ')[0], name: named }, field.rfc ?? 'RFC 5280 §4.1.1.2');
    case 'parameters':
      if (value.startsWith('NULL')) return key('fields.x509.parameters_null', {}, 'RFC 4055 §5');
      return key('fields.x509.parameters', {}, 'RFC 5280 §4.1.1.2');
    case 'hashAlgorithm':
      return key('fields.x509.pss_hash', { hash: named }, 'RFC 4055 §3.1');
    case 'maskGenAlgorithm':
      return key('fields.x509.pss_mgf', {}, 'RFC 4055 §3.1');
    case 'saltLength':
      return key('fields.x509.pss_salt', { bytes: bytesOf(value) ?? 0 }, 'RFC 4055 §3.1');
    case 'trailerField':
      return key('fields.x509.pss_trailer', {}, 'RFC 4055 §3.1');
    case 'Ecdsa-Sig-Value':
      return key('fields.x509.ecdsa_sig', {}, 'RFC 3279 §2.2.3');
    case 'r':
    case 's':
      if (pname === 'Ecdsa-Sig-Value') return key(name === 'r' ? 'fields.x509.ecdsa_r' : 'fields.x509.ecdsa_s', { bytes: bytesOf(value) ?? 0 }, 'RFC 3279 §2.2.3');
      break;
    case 'RelativeDistinguishedName':
      return key('fields.x509.rdn', {}, `${RFC5280} §4.1.2.4`);
    case 'type':
      if (NAME_ATTRIBUTE_SET.has(pname) || /^\d+(\.\d+)+$/.test(pname)) return key('fields.x509.attribute_type', { oid: value.split(' ')[0], attribute: pname }, `${RFC5280} §4.1.2.4`);
      break;
    case 'value':
      if (NAME_ATTRIBUTE_SET.has(pname) || /^\d+(\.\d+)+$/.test(pname)) {
        const type = STRING_TAGS[tagAt(at.ctx, field.offset) ?? -1] ?? 'string';
        return key('fields.x509.attribute_value', { type, attribute: pname }, `${RFC5280} §4.1.2.4`);
      }
      break;
    case 'extensions':
      if (pname === 'tbsCertificate') return key('fields.x509.extensions', { count: Number(/^(\d+)/.exec(value)?.[1] ?? 0) }, `${RFC5280} §4.1.2.9`);
      break;
    case 'Extensions':
      return key('fields.x509.extensions_seq', {}, `${RFC5280} §4.1`);
    case 'extnID':
      return key('fields.x509.extn_id', { oid: value.split(' ')[0], name: named }, `${RFC5280} §4.1`);
    case 'critical':
      return key(value === 'TRUE' ? (OIDS_UNDERSTOOD(pname) ? 'fields.x509.critical' : 'fields.x509.critical_unknown') : 'fields.x509.not_critical', {}, `${RFC5280} §4.2`);
    case 'extnValue':
      return key('fields.x509.extn_value', { bytes: bytesOf(value) ?? 0, name: pname }, `${RFC5280} §4.1`);
    // Inside the extensions (RFC 5280 §4.2.1)
    case 'BasicConstraints':
      return key('fields.x509.basic_constraints', { value }, `${RFC5280} §4.2.1.9`);
    case 'cA':
      return key(value === 'TRUE' ? 'fields.x509.ca_true' : 'fields.x509.ca_false', {}, `${RFC5280} §4.2.1.9`);
    case 'pathLenConstraint':
      return key('fields.x509.path_len', { n: value }, `${RFC5280} §4.2.1.9`);
    case 'KeyUsage':
      return key('fields.x509.key_usage', { usages: value }, `${RFC5280} §4.2.1.3`);
    case 'ExtKeyUsageSyntax':
      return key('fields.x509.ext_key_usage', { usages: value }, `${RFC5280} §4.2.1.12`);
    case 'KeyPurposeId':
      return key('fields.x509.key_purpose', { purpose: named, server: named === 'serverAuth' ? 'yes' : named === 'clientAuth' ? 'client' : 'no' }, `${RFC5280} §4.2.1.12`);
    case 'GeneralNames':
      return key('fields.x509.general_names', { names: value }, `${RFC5280} §4.2.1.6`);
    case 'GeneralName': {
      const kind = /^(DNS|IP|email|URI|DirName):/.exec(value)?.[1] ?? 'other';
      const matches = host !== undefined && kind === 'DNS' ? (dnsMatches(value.slice(4), host) ? 'yes' : 'no') : 'unknown';
      return key('fields.x509.general_name', { kind, name: value.replace(/^[A-Za-z]+:/, ''), host: host ?? '-', matches }, `${RFC5280} §4.2.1.6`);
    }
    case 'AuthorityKeyIdentifier':
      return key('fields.x509.aki', {}, `${RFC5280} §4.2.1.1`);
    case 'keyIdentifier':
      return key('fields.x509.aki_key_id', {}, `${RFC5280} §4.2.1.1`);
    case 'KeyIdentifier':
      return key('fields.x509.ski_key_id', {}, `${RFC5280} §4.2.1.2`);
    case 'authorityCertSerialNumber':
      return key('fields.x509.aki_serial', {}, `${RFC5280} §4.2.1.1`);
    case 'AuthorityInfoAccessSyntax':
      return key('fields.x509.aia', {}, `${RFC5280} §4.2.2.1`);
    case 'AccessDescription':
      return key('fields.x509.access_description', {}, `${RFC5280} §4.2.2.1`);
    case 'accessMethod':
      return key('fields.x509.access_method', { method: named }, `${RFC5280} §4.2.2.1`);
    case 'CRLDistributionPoints':
    case 'DistributionPoint':
    case 'distributionPoint':
      return key('fields.x509.crl_dp', {}, `${RFC5280} §4.2.1.13`);
    case 'CertificatePolicies':
    case 'PolicyInformation':
    case 'policyIdentifier':
      return key('fields.x509.policy', { policy: named }, `${RFC5280} §4.2.1.4`);
    case 'policyQualifiers':
    case 'PolicyQualifierInfo':
    case 'policyQualifierId':
    case 'qualifier':
      return key('fields.x509.policy_qualifier', {}, `${RFC5280} §4.2.1.4`);
    case 'NameConstraints':
    case 'GeneralSubtree':
      return key('fields.x509.name_constraints', {}, `${RFC5280} §4.2.1.10`);
    case 'PolicyConstraints':
    case 'SkipCerts':
      return key('fields.x509.policy_constraints', {}, `${RFC5280} §4.2.1.11`);
    case 'Features':
    case 'feature':
      return key('fields.x509.tls_feature', {}, 'RFC 7633 §4');
    case 'SignedCertificateTimestampList':
      return key('fields.x509.sct_list', {}, 'RFC 6962 §3.3');
  }
  // An extension of the certificate, by its name (RFC 5280 §4.2), or an unknown one by its OID.
  if (pname === 'Extensions') {
    if (X509_EXTENSION_SET.has(name)) return key(`fields.x509ext.${name}`, { value }, field.rfc ?? OID_RFC(name));
    const critical = field.children?.find((c) => c.name === 'critical')?.value === 'TRUE';
    return key(critical ? 'fields.x509.critical_unknown' : 'fields.x509.extension_other', { oid: name }, `${RFC5280} §4.2`);
  }
  // A name attribute (commonName, organizationName…), one per AttributeTypeAndValue.
  if (pname === 'RelativeDistinguishedName') {
    const inSubject = ancestors.some((a) => a.name === 'subject');
    if (name === 'commonName' && inSubject && host !== undefined) {
      return key('fields.x509.subject_cn', { cn: value, host, matches: dnsMatches(value, host) ? 'yes' : 'no' }, `${RFC5280} §4.1.2.6`);
    }
    if (NAME_ATTRIBUTE_SET.has(name)) return key(`fields.attribute.${name}`, { value }, `${RFC5280} §4.1.2.4`);
    return key('fields.attribute.other', { oid: name }, `${RFC5280} §4.1.2.4`);
  }
  return undefined;
}

function OID_RFC(name: string): string | undefined {
  return Object.values(OIDS).find((o) => o.name === name)?.rfc;
}

/** The extensions the certificate checker understands (lib/tls/x509/extensions.ts decodes these). */
const UNDERSTOOD = new Set(['basicConstraints', 'keyUsage', 'extKeyUsage', 'subjectAltName', 'nameConstraints', 'certificatePolicies', 'policyConstraints', 'inhibitAnyPolicy', 'policyMappings', 'subjectKeyIdentifier', 'authorityKeyIdentifier']);
function OIDS_UNDERSTOOD(name: string): boolean {
  return UNDERSTOOD.has(name) || X509_EXTENSION_SET.has(name);
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/** RFC 6125 §6.4.3: a wildcard matches exactly one left-most label. */
function dnsMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === h) return true;
  if (!p.startsWith('*.')) return false;
  const rest = h.indexOf('.');
  return rest > 0 && h.slice(rest + 1) === p.slice(2);
}

// ——— Vector plumbing every codec shares: lengths and opaque bodies (RFC 8446 §3.4) ———

function generic(at: At): FieldWords | undefined {
  const { name, pname, value } = at;
  if (name === 'length' && pname) return key('fields.vector.length', { bytes: bytesOf(value) ?? 0, of: pname }, `${RFC8446} §3.4`);
  if (name === 'data' && pname) return key('fields.vector.data', { of: pname }, `${RFC8446} §3.4`);
  if (name === 'content_type') return key(contentTypes.has(at.named) ? `fields.contentType.${at.named}` : 'fields.contentType.unknown', {}, `${RFC8446} §5.1`);
  return undefined;
}

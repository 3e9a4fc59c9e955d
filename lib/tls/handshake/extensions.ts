import type { GroupName, SignatureSchemeName } from '../crypto/provider';
import { said } from '../diagnostics';
import { refusal, TlsAlertError } from '../errors';
import { groups, signatureSchemes } from '../registry/crypto';
import { extensionTypes, protocolVersions, type ExtensionType, type ProtocolVersion } from '../registry/protocol';
import { fromUtf8, toHex, utf8 } from '../wire/bytes';
import type { Reader } from '../wire/reader';
import type { Writer } from '../wire/writer';
import { sizeValue, type FieldInfo } from '../wire/field';

/** renegotiation_info's renegotiated_connection is empty in a connection's first handshake (RFC 5746 §3.2). */
const INITIAL_HANDSHAKE_VALUE: FieldInfo = { value: 'empty (initial handshake)', words: { say: 'empty-initial-handshake' } };

/** Where an extension appears: its body format depends on the message (RFC 8446 §4.2 table). */
export type ExtensionContext =
  | 'client_hello'
  | 'server_hello'
  | 'hello_retry_request'
  | 'encrypted_extensions'
  | 'certificate_request'
  | 'certificate'
  | 'new_session_ticket';

/** Extensions as decoded from a server message. Unknown ones are kept by codepoint. */
export interface ServerExtensions {
  /** Every extension type seen, in order (to detect duplicates and unsolicited ones). */
  seen: number[];
  supportedVersion?: ProtocolVersion;
  keyShare?: { group: number; keyExchange: Uint8Array };
  selectedGroup?: number;
  cookie?: Uint8Array;
  alpn?: string;
  serverNameAck?: boolean;
  renegotiationInfo?: Uint8Array;
  extendedMasterSecret?: boolean;
  encryptThenMac?: boolean;
  sessionTicket?: boolean;
  ecPointFormats?: number[];
  signatureAlgorithms?: number[];
  signatureAlgorithmsCert?: number[];
  certificateAuthorities?: Uint8Array[];
  supportedGroups?: number[];
  earlyData?: boolean;
  /** NewSessionTicket: how many bytes of 0-RTT data the server takes with this ticket (RFC 8446 §4.2.10). */
  maxEarlyDataSize?: number;
  /** ServerHello: the index of the PSK identity the server accepted (RFC 8446 §4.2.11). */
  preSharedKey?: number;
}

function describeVersion(v: number) {
  return { value: protocolVersions.describe(v) };
}

function describeGroup(g: number) {
  return { value: groups.describe(g) };
}

function describeScheme(s: number) {
  return { value: signatureSchemes.describe(s) };
}

/** Reads an extensions block (RFC 8446 §4.2): a 2-byte length, then type/data pairs. */
export function readExtensions(r: Reader, context: ExtensionContext): ServerExtensions {
  const out: ServerExtensions = { seen: [] };
  if (r.atEnd && context === 'server_hello') return out; // TLS 1.2 ServerHello may omit the block (RFC 5246 §7.4.1.3)
  r.vector('extensions', 2, () => {
    while (!r.atEnd) {
      const type = r.peekU16();
      const name = extensionTypes.name(type) ?? `unknown_${type}`;
      r.struct(name, () => {
        r.u16('extension_type', (v) => ({ value: extensionTypes.describe(v) }));
        if (out.seen.includes(type)) {
          throw new TlsAlertError('illegal_parameter', said('wire.twice', { extension: name }));
        }
        out.seen.push(type);
        r.vector('extension_data', 2, () => readExtensionBody(r, type, context, out));
      });
    }
  });
  return out;
}

function readExtensionBody(r: Reader, type: number, context: ExtensionContext, out: ServerExtensions): void {
  const name = extensionTypes.name(type);
  switch (name) {
    case 'supported_versions': {
      const selected = r.u16('selected_version', describeVersion);
      out.supportedVersion = protocolVersions.name(selected);
      if (!out.supportedVersion) throw new TlsAlertError('illegal_parameter', said('wire.unknownVersion', { version: `0x${selected.toString(16).padStart(4, '0')}` }));
      return;
    }
    case 'key_share':
      if (context === 'hello_retry_request') {
        out.selectedGroup = r.u16('selected_group', describeGroup);
      } else {
        r.struct('server_share', () => {
          const group = r.u16('group', describeGroup);
          const keyExchange = r.opaque('key_exchange', 2, (b) => ({ ...sizeValue(b.length)}), 1);
          out.keyShare = { group, keyExchange };
        });
      }
      return;
    case 'cookie':
      out.cookie = r.opaque('cookie', 2, (b) => ({ ...sizeValue(b.length)}), 1);
      return;
    case 'application_layer_protocol_negotiation': {
      const names: string[] = [];
      r.vector('protocol_name_list', 2, () => {
        while (!r.atEnd) names.push(fromUtf8(r.opaque('protocol_name', 1, (b) => ({ value: fromUtf8(b) }), 1)));
      });
      // RFC 7301 §3.1: the server's answer names exactly the one protocol it selected.
      if (names.length !== 1) {
        const words = names.length ? said('wire.alpnMany', { count: names.length, names: names.join(', ') }) : said('wire.alpnNone');
        throw refusal('decode_error', words, {
          check: 'alpn-single-protocol',
          rule: 'RFC 7301 §3.1',
          facts: { count: names.length },
        });
      }
      out.alpn = names[0];
      return;
    }
    case 'server_name':
      out.serverNameAck = true; // RFC 6066 §3: the server's extension_data is empty
      return;
    case 'renegotiation_info':
      out.renegotiationInfo = r.opaque('renegotiated_connection', 1, (b) => (b.length ? { value: toHex(b) } : INITIAL_HANDSHAKE_VALUE));
      return;
    case 'extended_master_secret':
      out.extendedMasterSecret = true;
      return;
    case 'encrypt_then_mac':
      out.encryptThenMac = true;
      return;
    case 'session_ticket':
      out.sessionTicket = true;
      if (!r.atEnd) r.rest('ticket');
      return;
    case 'ec_point_formats':
      out.ecPointFormats = [];
      r.vector('ec_point_format_list', 1, () => {
        while (!r.atEnd) out.ecPointFormats!.push(r.u8('ec_point_format', (v) => ({ value: v === 0 ? 'uncompressed' : String(v) })));
      });
      return;
    case 'signature_algorithms':
    case 'signature_algorithms_cert': {
      const list: number[] = [];
      r.vector('supported_signature_algorithms', 2, () => {
        while (!r.atEnd) list.push(r.u16('signature_scheme', describeScheme));
      });
      if (name === 'signature_algorithms') out.signatureAlgorithms = list;
      else out.signatureAlgorithmsCert = list;
      return;
    }
    case 'certificate_authorities':
      out.certificateAuthorities = [];
      r.vector('authorities', 2, () => {
        while (!r.atEnd) out.certificateAuthorities!.push(r.opaque('DistinguishedName', 2, undefined, 1));
      });
      return;
    case 'supported_groups':
      out.supportedGroups = [];
      r.vector('named_group_list', 2, () => {
        while (!r.atEnd) out.supportedGroups!.push(r.u16('named_group', describeGroup));
      });
      return;
    case 'early_data':
      out.earlyData = true;
      if (context === 'new_session_ticket') out.maxEarlyDataSize = r.u32('max_early_data_size', (v) => ({ ...sizeValue(v) }));
      return;
    case 'pre_shared_key':
      out.preSharedKey = r.u16('selected_identity');
      return;
    default:
      if (!r.atEnd) r.rest('data', (b) => ({ ...sizeValue(b.length) }));
  }
}

/** The server_name for a host: none for an IP literal (RFC 6066 §3: literal addresses are not permitted in HostName). */
export function sniHostName(host: string): string | undefined {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':') ? undefined : host;
}

/** What the client puts in a ClientHello. */
export interface ClientHelloExtensions {
  serverName?: string;
  /** Offered in supported_versions when TLS 1.3 is among them (RFC 8446 §4.2.1). */
  versions: ProtocolVersion[];
  groups: GroupName[];
  keyShares: { group: GroupName; publicKey: Uint8Array }[];
  signatureSchemes: SignatureSchemeName[];
  signatureSchemesCert?: SignatureSchemeName[];
  alpn: string[];
  cookie?: Uint8Array;
  postHandshakeAuth: boolean;
  /** RFC 5746: empty for an initial handshake, client_verify_data when renegotiating; absent = not sent. */
  renegotiationInfo?: Uint8Array;
  extendedMasterSecret: boolean;
  encryptThenMac: boolean;
  sessionTicket: boolean;
  /** TLS 1.2 (RFC 5077 §3.1): the ticket to resume with, sent in session_ticket. */
  sessionTicketToResume?: Uint8Array;
  /** RFC 8446 §4.2.9: the PSK modes offered (default psk_dhe_ke). */
  pskModes?: PskMode[];
  /** RFC 8446 §4.2.10: the client sends 0-RTT data after this ClientHello. */
  earlyData?: boolean;
  /** RFC 8446 §4.2.11: the PSK offered; its binder is filled in once the rest is encoded. */
  preSharedKey?: PskOffer;
}

/** RFC 8446 §4.2.9: with psk_ke the PSK alone keys the connection; psk_dhe_ke adds an (EC)DHE exchange. */
export type PskMode = 'psk_ke' | 'psk_dhe_ke';
export const pskModeCodes: Record<PskMode, number> = { psk_ke: 0, psk_dhe_ke: 1 };

/** One PSK identity (a ticket) with its obfuscated age and its binder (RFC 8446 §4.2.11). */
export interface PskOffer {
  identity: Uint8Array;
  obfuscatedTicketAge: number;
  binder: Uint8Array;
}

/** The bytes at the end of a ClientHello that the binders take (RFC 8446 §4.2.11.2: the truncated hello stops before them). */
export function bindersLength(binders: Uint8Array[]): number {
  return 2 + binders.reduce((n, b) => n + 1 + b.length, 0);
}

/** One extension to write: its codepoint and a body writer. */
export interface ExtensionWriter {
  type: number;
  body: (w: Writer) => void;
}

function ext(name: ExtensionType, body: (w: Writer) => void = () => {}): ExtensionWriter {
  return { type: extensionTypes.code(name), body };
}

/**
 * Builders for client extensions. They take raw codepoints where the RFC allows values this client
 * does not implement (so a test can reproduce another client's ClientHello byte for byte).
 */
export const clientExtensions = {
  serverName: (host: string) =>
    ext('server_name', (w) =>
      w.vector('server_name_list', 2, () =>
        w.struct('ServerName', () => {
          w.u8('name_type', 0, { value: 'host_name (0)' });
          w.opaque('HostName', 2, utf8(host), { value: host });
        }),
      ),
    ),
  renegotiationInfo: (previous: Uint8Array) =>
    ext('renegotiation_info', (w) =>
      w.opaque('renegotiated_connection', 1, previous, previous.length ? { value: toHex(previous) } : INITIAL_HANDSHAKE_VALUE),
    ),
  supportedGroups: (codes: number[]) =>
    ext('supported_groups', (w) =>
      w.vector('named_group_list', 2, () => {
        for (const g of codes) w.u16('named_group', g, describeGroup(g));
      }),
    ),
  ecPointFormats: () => ext('ec_point_formats', (w) => w.vector('ec_point_format_list', 1, () => w.u8('ec_point_format', 0, { value: 'uncompressed' }))),
  sessionTicket: () => ext('session_ticket'),
  /** RFC 5077 §3.2: the ticket the server gave, sent back to resume. */
  sessionTicketWith: (ticket: Uint8Array) => ext('session_ticket', (w) => w.bytes('ticket', ticket, { ...sizeValue(ticket.length) })),
  extendedMasterSecret: () => ext('extended_master_secret'),
  encryptThenMac: () => ext('encrypt_then_mac'),
  alpn: (protocols: string[]) =>
    ext('application_layer_protocol_negotiation', (w) =>
      w.vector('protocol_name_list', 2, () => {
        for (const p of protocols) w.opaque('protocol_name', 1, utf8(p), { value: p });
      }),
    ),
  signatureAlgorithms: (codes: number[], name: 'signature_algorithms' | 'signature_algorithms_cert' = 'signature_algorithms') =>
    ext(name, (w) =>
      w.vector('supported_signature_algorithms', 2, () => {
        for (const c of codes) w.u16('signature_scheme', c, describeScheme(c));
      }),
    ),
  supportedVersions: (codes: number[]) =>
    ext('supported_versions', (w) =>
      w.vector('versions', 1, () => {
        for (const v of codes) w.u16('version', v, describeVersion(v));
      }),
    ),
  cookie: (cookie: Uint8Array) => ext('cookie', (w) => w.opaque('cookie', 2, cookie, { ...sizeValue(cookie.length) })),
  pskKeyExchangeModes: (modes: PskMode[] = ['psk_dhe_ke']) =>
    ext('psk_key_exchange_modes', (w) =>
      w.vector('ke_modes', 1, () => {
        for (const mode of modes) w.u8('ke_mode', pskModeCodes[mode], { value: `${mode} (${pskModeCodes[mode]})` });
      }),
    ),
  earlyData: () => ext('early_data'),
  /** RFC 8446 §4.2.11: must be the last extension of the ClientHello. */
  preSharedKey: (offers: PskOffer[]) =>
    ext('pre_shared_key', (w) => {
      w.vector('identities', 2, () => {
        for (const o of offers) {
          w.struct('PskIdentity', () => {
            w.opaque('identity', 2, o.identity, { ...sizeValue(o.identity.length) });
            w.u32('obfuscated_ticket_age', o.obfuscatedTicketAge);
          });
        }
      });
      w.vector('binders', 2, () => {
        for (const o of offers) w.opaque('PskBinderEntry', 1, o.binder, { value: toHex(o.binder) });
      });
    }),
  postHandshakeAuth: () => ext('post_handshake_auth'),
  keyShare: (shares: { group: number; publicKey: Uint8Array }[]) =>
    ext('key_share', (w) =>
      w.vector('client_shares', 2, () => {
        for (const share of shares) {
          w.struct('KeyShareEntry', () => {
            w.u16('group', share.group, describeGroup(share.group));
            w.opaque('key_exchange', 2, share.publicKey, { ...sizeValue(share.publicKey.length) });
          });
        }
      }),
    ),
  recordSizeLimit: (limit: number) => ext('record_size_limit', (w) => w.u16('record_size_limit', limit, { ...sizeValue(limit) })),
};

/** Writes an extensions block from a list of extension writers. */
export function writeExtensionList(w: Writer, list: ExtensionWriter[]): void {
  w.vector('extensions', 2, () => {
    for (const e of list) {
      const name = extensionTypes.name(e.type) ?? `unknown_${e.type}`;
      w.struct(
        name,
        () => {
          w.u16('extension_type', e.type, { value: extensionTypes.describe(e.type) });
          w.vector('extension_data', 2, e.body);
        },
      );
    }
  });
}

/** This client's extension list, in its own order. */
export function clientHelloExtensionList(e: ClientHelloExtensions): ExtensionWriter[] {
  const tls13 = e.versions.includes('TLSv1.3');
  const tls12 = e.versions.includes('TLSv1.2');
  const x = clientExtensions;
  const list: ExtensionWriter[] = [];
  if (e.serverName) list.push(x.serverName(e.serverName));
  if (tls12 && e.extendedMasterSecret) list.push(x.extendedMasterSecret());
  if (e.renegotiationInfo) list.push(x.renegotiationInfo(e.renegotiationInfo));
  list.push(x.supportedGroups(e.groups.map((g) => groups.code(g))));
  if (tls12) {
    list.push(x.ecPointFormats());
    if (e.sessionTicket) list.push(e.sessionTicketToResume ? x.sessionTicketWith(e.sessionTicketToResume) : x.sessionTicket());
    if (e.encryptThenMac) list.push(x.encryptThenMac());
  }
  if (e.alpn.length) list.push(x.alpn(e.alpn));
  list.push(x.signatureAlgorithms(e.signatureSchemes.map((s) => signatureSchemes.code(s))));
  if (e.signatureSchemesCert) list.push(x.signatureAlgorithms(e.signatureSchemesCert.map((s) => signatureSchemes.code(s)), 'signature_algorithms_cert'));
  if (tls13) {
    list.push(x.supportedVersions(e.versions.map((v) => protocolVersions.code(v))));
    if (e.cookie) list.push(x.cookie(e.cookie));
    list.push(x.pskKeyExchangeModes(e.pskModes));
    if (e.postHandshakeAuth) list.push(x.postHandshakeAuth());
    list.push(x.keyShare(e.keyShares.map((s) => ({ group: groups.code(s.group), publicKey: s.publicKey }))));
    if (e.earlyData) list.push(x.earlyData());
    if (e.preSharedKey) list.push(x.preSharedKey([e.preSharedKey]));
  }
  return list;
}

import type { Catalog } from '../../translator';

/** 引擎诊断：TLS 1.3 握手（英文见 lib/tls/diagnostics/tls13.ts）。与 TLS 1.2 共用的句子见 tls12.zh-CN.ts。 */
export const tls13ZhCN: Catalog['engine']['tls13'] = {
  noKeyShare: 'TLS 1.3 的 ServerHello 没有 key_share，也没有接受 PSK：连接无法生成密钥',
  shareNotSent: '服务器回应了 {group} 的密钥共享，但客户端没有发送这个组的密钥共享',
  badKeyShare: '服务器的 {group} 密钥共享无效：“{error}”',
  earlyDataWithoutPsk: '服务器接受了早期数据，却没有接受发送这些数据所用的票据',
  requestContext: '握手期间，服务器的 CertificateRequest 带有非空的 certificate_request_context',
  certificateContext: '服务器的 Certificate 带有非空的 certificate_request_context',
  emptyCertificate: '服务器发来的 Certificate 消息是空的（RFC 8446 §4.4.2.4）',
  schemeNotOffered: 'CertificateVerify 使用签名算法 {scheme}，但客户端没有提供它',
  schemeNotAllowed: 'TLS 1.3 的 CertificateVerify 不允许使用 {scheme}',
  schemeNotKey: 'CertificateVerify 使用 {scheme}，但证书的密钥是 {key}',
  postHandshakeAuth: '服务器在握手后发来 CertificateRequest，但本客户端没有提供 post_handshake_auth',
  postHandshakeContext: '握手后的 CertificateRequest 带有空的 certificate_request_context（RFC 8446 §4.3.2）',
};

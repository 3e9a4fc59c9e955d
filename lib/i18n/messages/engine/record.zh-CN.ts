import type { Catalog } from '../../translator';

/** 引擎诊断：记录层（英文见 lib/tls/diagnostics/record.ts）。 */
export const recordZhCN: Catalog['engine']['record'] = {
  plainHttp: '服务器用明文 HTTP 回答，不是 TLS（“{line}”）：这个端口上的服务不使用 TLS',
  text: '服务器发来的是文本，不是 TLS 记录（“{line}”）：这个端口上的服务不使用 TLS',
  notRecord: '服务器发来的字节不是 TLS 记录（第一个字节是 {byte}）',
  badVersion: '记录头的版本是 {version}：{why}',
  tooLong: '记录长度 {length} 超过上限 {max}',
  plaintextTooLong: '明文记录有 {length} 字节，超过 2^14',
  unprotected: '加密开始后收到未加保护的 {type} 记录',
  empty: '服务器发来了一条空的 {contentType} 记录',
  sequenceWraps: '记录序列号即将回绕',
  noRoomForTag: '受保护的记录太短，放不下认证标签',
  noRoomForNonce: '受保护的记录太短，放不下显式 nonce 和认证标签',
  protectedTooLong: '受保护的记录有 {length} 字节，超过 2^14 + 256',
  allPadding: '受保护的记录里只有填充，找不到非零的内容类型',
  notAuthentic: '序列号为 {seq} 的记录用{keys}解密时认证失败（密钥不对，或者字节被改动过）',
  badMac: '序列号为 {seq} 的记录用{keys}校验时没有通过完整性检查',
  serverHandshakeKeys: '服务器握手流量密钥',
  serverApplicationKeys: '服务器应用流量密钥',
  serverUpdatedKeys: '第 {n} 代服务器应用流量密钥',
  serverWriteKeys: '服务器写密钥',
  serverRenegotiatedKeys: '服务器写密钥（重协商后）',
};

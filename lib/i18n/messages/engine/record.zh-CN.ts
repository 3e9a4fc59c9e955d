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
};

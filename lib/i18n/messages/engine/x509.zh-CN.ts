import type { Catalog } from '../../translator';

/** 引擎诊断：证书解析（英文见 lib/tls/diagnostics/x509.ts）。证书检查的结论另有类型化的 CheckFinding。 */
export const x509ZhCN: Catalog['engine']['x509'] = {
  emptyList: '服务器发送的证书列表为空',
  sent: '服务器发送的证书 #{index}：{why}',
  userCa: '你提供的第 {index} 个 CA 证书无法使用：{why}',

  malformed: '证书格式错误：{problem}',
  der: '证书的 DER 编码在 {at} 处有误：{problem}',
  derAt: '证书的 DER 编码在 {at}（第 {byte} 字节）处有误：{problem}',

  sequenceOf: '应为 SEQUENCE OF {item}，实际是 {found}',
  mgf1: 'MGF1 缺少哈希算法',
  notGeneralName: '标签 {tag} 不是 GeneralName',
  notString: '应为字符串类型，实际是 {found}',
  bmpOdd: 'BMPString 的长度是奇数',
  universalLength: 'UniversalString 的长度不是 4 的倍数',
  notCodePoint: 'UniversalString 中的 {value} 不是 Unicode 码点',
  emptyRdn: 'RelativeDistinguishedName 为空',
  timeForm: '{text} 不是 RFC 5280 §4.1.2.5 规定格式的 UTCTime 或 GeneralizedTime',
  badDate: '“{text}” 不是有效的日期',
  version: '版本 {version} 不是 v1、v2 或 v3',
  emptySerial: 'serialNumber 为空',
  uniqueIdV1: 'v1 证书中出现了 {field}',
  extensionsVersion: 'v{version} 证书中出现了扩展（RFC 5280 §4.1.2.9）',
  twice: '{extension} 扩展出现了两次（RFC 5280 §4.2）',
  noExtensions: '扩展列表为空（RFC 5280 §4.1：SIZE (1..MAX)）',
  algorithmMismatch: 'signatureAlgorithm（{outer}）与 tbsCertificate.signature（{inner}）不一致',
  signatureBits: 'signatureValue 有未使用位',
};

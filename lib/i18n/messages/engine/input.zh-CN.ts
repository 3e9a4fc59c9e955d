import type { Catalog } from '../../translator';

/** 引擎诊断：运行请求的输入（英文见 lib/tls/diagnostics/input.ts）。名称照原样保留。 */
export const inputZhCN: Catalog['engine']['input'] = {
  unknownVersion: '未知的 TLS 版本 {names}；可用的有：{valid}',
  unknownSuite: '未知的密码套件 {names}；可用的有：{valid}',
  unknownGroup: '未知的密钥交换组 {names}；可用的有：{valid}',
  unknownScheme: '未知的签名算法 {names}；可用的有：{valid}',
  unknownTls12Extension: '未知的 TLS 1.2 扩展 {names}；可用的有：{valid}',
  unknownPskMode: '未知的 PSK 密钥交换模式 {names}；可用的有：{valid}',
  unknownPersonality: '未知的客户端行为模型“{name}”；可用的有：{valid}',
  connectFormat: '--connect “{connect}”的格式必须是 HOST 或 HOST:PORT',
  connectPort: '--connect 的端口 {port} 超出了范围',
  noClientCertificate: '请求使用客户端证书，但没有配置任何客户端证书',
};

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
  cannotRead: '无法读取{file}：{path}（{code}）',
  clientCertificateFile: '客户端证书',
  clientKeyFile: '客户端私钥',
  caFile: 'CA 文件',
  demoCa: '演示 CA',
  noPemCertificate: '{file} 中没有 PEM 格式的证书',
  unusableKey: '{path} 不是可用的私钥（“{error}”）',
  keyMismatch: '{key} 中的私钥与 {certificate} 中的证书不匹配',
  demoPort: '{host} 是演示目标，只在 443 端口应答（https://{host}/），而不是 {port}',
  noDemoTarget: '没有名为“{name}”的演示目标（查看：tls-playground demo list）',
  demoTargetsNotRunning: '{host} 是演示目标，但演示目标没有在 {dataDir} 中运行。演示目标在 TLS Playground 仓库的克隆中运行：先在那里用 npm start 启动它们，再在那个目录中运行本命令，或者设置 DEMO_DATA_DIR={clone}/data/demo（{clone} 是克隆所在的目录）。',
  demoNotStarted: '{host} 是内置的演示目标，但没有在这台服务器上运行：{why}',
  demoProgramMissing: '它需要 {program}，但 {program} 没有安装',
  demoProgramFailed: '{program} 没有启动（“{error}”）',
};

import type { Catalog } from '../../translator';

/** 页面无法开始运行的原因（lib/tls/diagnostics/start.ts）。 */
export const startZhCN: Catalog['engine']['start'] = {
  engineNotLoaded: '无法加载 TLS 引擎（“{error}”）',
  serverSilent: '本页面的服务器没有应答（它还在运行吗？）',
  configStatus: '询问中继地址时，本页面的服务器返回了 {status}',
  demoCertificateUnavailable: '演示客户端证书不可用（“{why}”）',
  demoCertificateUnknown: '演示客户端证书不可用',
  demoCertificateFormat: '服务器上的演示客户端证书不是 PEM 格式（CERTIFICATE + PRIVATE KEY）',
};

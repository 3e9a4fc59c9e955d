import type { Catalog } from '../../translator';
import { clientZhCN } from './client.zh-CN';
import { cryptoZhCN } from './crypto.zh-CN';
import { inputZhCN } from './input.zh-CN';
import { recordZhCN } from './record.zh-CN';
import { startZhCN } from './start.zh-CN';
import { tamperZhCN } from './tamper.zh-CN';
import { tls12ZhCN } from './tls12.zh-CN';
import { tls13ZhCN } from './tls13.zh-CN';
import { wireZhCN } from './wire.zh-CN';
import { x509ZhCN } from './x509.zh-CN';

/**
 * 引擎的诊断（命名空间 `engine`），键与 lib/tls/diagnostics 的英文表一一对应。每条是一个短句，
 * 花括号里的值原样填入：数字、十六进制值、协议名、服务器或程序的原话（加引号），或另一条诊断。
 */
export const engineZhCN: Catalog['engine'] = {
  client: clientZhCN,
  crypto: cryptoZhCN,
  input: inputZhCN,
  record: recordZhCN,
  start: startZhCN,
  tamper: tamperZhCN,
  tls12: tls12ZhCN,
  tls13: tls13ZhCN,
  wire: wireZhCN,
  x509: x509ZhCN,
};

import type { Catalog } from '../translator';

/**
 * 运行记录文件的问题（命名空间 `traceFile`，英文见 lib/trace/problems.ts）：打开或上传的文件不是
 * 这个程序能读的运行记录。花括号里的值原样填入：文件中的位置（steps[3].seq）、数字、按 JSON 原样
 * 写出的值、允许的名称列表、解析器的原话，或另一条问题。
 */
export const traceFileZhCN: Catalog['traceFile'] = {
  notJson: '这不是有效的 JSON（解析器的原话：“{error}”）。',
  notObject: '运行记录是一个 JSON 对象，而这不是对象。',
  notTrace: '这不是 TLS Playground 的运行记录：“schema”是 {schema}，应为“{expected}”。',
  noSchema: '这不是 TLS Playground 的运行记录：缺少“schema”，应为“{expected}”。',
  noSchemaVersion: '运行记录没有有效的“schemaVersion”（应为正整数）。',
  newerVersion: '运行记录的格式版本是 {version}，而这里只能读取 {max} 及以下的版本。',
  noEngine: '运行记录没有写明由哪个引擎记录（“engine.name”“engine.version”）。',
  noStartedAt: '运行记录没有有效的“startedAt”时间（应为 ISO 8601 字符串）。',
  noUrl: '运行记录没有写明运行的是哪个 URL（“options.url”）。',
  badOutcome: '运行记录的“outcome”必须是 {outcomes} 之一。',
  noOutcomeDetail: '运行记录缺少“outcomeDetail”说明。',
  noOutcomeCause: '运行记录缺少“outcomeCause”（一个带“cause”的对象）。',
  alertsNotArray: '运行记录的“alerts”必须是数组。',
  noTotalMs: '运行记录缺少“timings.totalMs”。',
  badKeyLog: '运行记录的“keyLog”必须是 NSS 密钥日志行（字符串）组成的数组。',
  noSteps: '运行记录缺少“steps”数组。',
  badResumption: '运行记录的“resumption”必须是带有布尔值“offered”和“accepted”的对象。',
  firstConnectionInV1: '版本 1 的运行记录不能包含“firstConnection”。',
  nestedFirstConnection: '“firstConnection”里不能再包含一个“firstConnection”。',
  inFirstConnection: '“firstConnection”中的问题：{problem}',
  notObjectAt: '{where} 不是对象。',
  mustBeNumber: '{where} 必须是数字。',
  mustBeMilliseconds: '{where} 必须是非负的毫秒数。',
  mustBeOneOf: '{where} 必须是 {values} 之一。',
  mustBeString: '{where} 必须是字符串。',
  mustBeObject: '{where} 必须是对象。',
  bytesNotObject: '{where} 必须是带有十六进制字符串的对象。',
  bytesNotHex: '{where}.hex 不是偶数长度的十六进制字符串。',
  fieldNotObject: '{where}.field 必须是字段注解对象。',
  byteRefsVersion: '运行记录使用了版本 {version} 的字节引用，而这里只能读取版本 {max}。',
  refsNotList: '{where} 必须是引用列表。',
  notReference: '{where} 中有一项不是 [seq, part, start, end] 形式的引用。',
  refPart: '{where} 引用了 {part}，它既不是“bytes”也不是“plaintext”。',
  refNotBefore: '{where} 引用了步骤 {seq} 的 {part}，但那一步不在它之前。',
  refRange: '{where} 引用了一个 {length} 字节步骤中的第 {start}..{end} 字节。',
  refsTooLarge: '运行记录中的字节引用展开后，超过了这台服务器接受的大小。',
};

import type { Catalog } from '../../translator';

/** 引擎诊断：tamper（英文见 lib/tls/diagnostics/tamper.ts）。 */
export const tamperZhCN: Catalog['engine']['tamper'] = {};

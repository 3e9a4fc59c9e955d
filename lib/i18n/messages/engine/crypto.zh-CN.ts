import type { Catalog } from '../../translator';

/** 引擎诊断：crypto（英文见 lib/tls/diagnostics/crypto.ts）。 */
export const cryptoZhCN: Catalog['engine']['crypto'] = {};

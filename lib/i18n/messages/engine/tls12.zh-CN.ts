import type { Catalog } from '../../translator';

/** 引擎诊断：tls12（英文见 lib/tls/diagnostics/tls12.ts）。 */
export const tls12ZhCN: Catalog['engine']['tls12'] = {};

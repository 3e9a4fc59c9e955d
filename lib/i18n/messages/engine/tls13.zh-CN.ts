import type { Catalog } from '../../translator';

/** 引擎诊断：tls13（英文见 lib/tls/diagnostics/tls13.ts）。 */
export const tls13ZhCN: Catalog['engine']['tls13'] = {};

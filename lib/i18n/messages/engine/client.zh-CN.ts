import type { Catalog } from '../../translator';

/** 引擎诊断：client（英文见 lib/tls/diagnostics/client.ts）。 */
export const clientZhCN: Catalog['engine']['client'] = {};

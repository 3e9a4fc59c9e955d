import type { Catalog } from '../../translator';

/** 引擎诊断：wire（英文见 lib/tls/diagnostics/wire.ts）。 */
export const wireZhCN: Catalog['engine']['wire'] = {};

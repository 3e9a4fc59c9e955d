import type { Catalog } from '../../translator';

/** 引擎诊断：x509（英文见 lib/tls/diagnostics/x509.ts）。 */
export const x509ZhCN: Catalog['engine']['x509'] = {};

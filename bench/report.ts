/** The table `npm run bench` prints: a function of bench/results.json, nothing else. */
import type { HandshakeResult } from './handshake';
import type { BundleSizeResult } from '../scripts/bundle-size';
import type { RelayLatencyResult } from './relayLatency';
import type { PageResult } from './page';
import type { ShareResult } from './share';
import type { ProfileSummary } from './profile';

interface Results {
  generatedAt: string;
  mode: string;
  machine: { node: string; cpus: number; loadAverageBefore: number[]; loadAverageAfter: number[] };
  durationMs: number;
  sections: Record<string, { status: string; result?: unknown; error?: string; reason?: string; durationMs?: number }>;
}

const ms = (n: number) => `${n.toFixed(2)} ms`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const met = (ok: boolean) => (ok ? 'met' : 'MISSED');

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

function profileLines(p: ProfileSummary | { error: string } | undefined): string[] {
  if (!p) return [];
  if ('error' in p) return [`profile: error: ${p.error.split('\n')[0]}`];
  const top = (rows: [string, number][], n: number) => rows.slice(0, n).map(([k, v]) => `    ${v.toFixed(2).padStart(6)} ms  ${k}`);
  return [
    `where the engine's time goes (${p.backend}, ${p.runs} profiled runs, ${p.wallMsPerRun} ms wall per run; full lists in results.json):`,
    '  self time by function:',
    ...top(p.byFunction, 8),
    '  inclusive time of own functions:',
    ...top(p.inclusiveOwn, 10),
  ];
}

function handshake(r: HandshakeResult & { profile?: ProfileSummary | { error: string } }): string {
  const rows = [['client', 'median', 'p90', 'min', 'CPU median', 'n', 'errors']];
  for (const [name, s] of Object.entries(r.clients)) rows.push([name, ms(s.wall.medianMs), ms(s.wall.p90Ms), ms(s.wall.minMs), ms(s.cpu.medianMs), String(s.wall.n), String(s.errors)]);
  const ratios = Object.entries(r.ratios).map(([k, v]) => `  ${k.padEnd(28)} ${v.toFixed(2)}×   (CPU ${r.cpuRatios[k].toFixed(2)}×)`);
  return [
    `${r.suite} + ${r.group}, ${r.certificate}; ${r.server}; ${r.iterations} interleaved runs each after ${r.warmup} warm-up rounds`,
    table(rows),
    'ratios, wall-clock median over median (this process’s CPU time in parentheses):',
    ...ratios,
    `target engine ≤ 1.5× node-tls: ${met(r.verdict.engineWithin1_5xNode)}; engine faster than subtls: ${met(r.verdict.engineFasterThanSubtls)} (${r.verdict.backend})`,
    ...(r.gap
      ? [
          `the engine's ${ms(r.gap.totalMs)} over node-tls: ${ms(r.gap.cryptoBackendMs)} crypto backend (engine-webcrypto − engine-native-floor), ${ms(r.gap.engineCodeMs)} the engine's own code (engine-native-floor − node-tls; floor ${r.gap.floorOverNode.toFixed(2)}× node-tls)`,
        ]
      : []),
    ...profileLines(r.profile),
  ].join('\n');
}

function bundle(r: BundleSizeResult): string {
  return [
    `engine without root store and Public Suffix List: ${kb(r.engine.minifiedBytes)} minified, ${kb(r.engine.gzipBytes)} gzip, ${kb(r.engine.brotliBytes)} brotli — target ≤ ${r.targetGzipKB} KB gzip: ${met(r.withinTarget)}`,
    `root store (${r.rootStore.certificates} certificates, loaded on demand): ${kb(r.rootStore.minifiedBytes)} minified, ${kb(r.rootStore.gzipBytes)} gzip`,
    `Public Suffix List (tldts, loaded on the first wildcard name): ${kb(r.publicSuffixList.minifiedBytes)} minified, ${kb(r.publicSuffixList.gzipBytes)} gzip`,
  ].join('\n');
}

function crypto(r: Record<string, { noble_ms: number; webcrypto_ms: number }>): string {
  const rows = [['operation', 'noble', 'webcrypto', 'noble/webcrypto']];
  for (const [op, v] of Object.entries(r)) rows.push([op, ms(v.noble_ms), ms(v.webcrypto_ms), `${(v.noble_ms / v.webcrypto_ms).toFixed(1)}×`]);
  return table(rows);
}

function relay(r: { latency: { status: string; result?: RelayLatencyResult; error?: string }; load: { status: string; result?: unknown; error?: string; run: string; sessions: number; holdMs: number } }): string {
  const out: string[] = [];
  if (r.latency.status === 'ok' && r.latency.result) {
    const l = r.latency.result;
    out.push(
      `added latency (${l.iterations} interleaved runs each; ${l.relayPlacement}):`,
      table([
        ['path', 'median', 'p99', 'min', 'CPU median', 'errors'],
        ['direct TCP', ms(l.direct.wall.medianMs), ms(l.direct.wall.p99Ms), ms(l.direct.wall.minMs), ms(l.direct.cpu.medianMs), String(l.direct.errors)],
        ['via relay (own process)', ms(l.relay.wall.medianMs), ms(l.relay.wall.p99Ms), ms(l.relay.wall.minMs), ms(l.relay.cpu.medianMs), String(l.relay.errors)],
        ['via relay, warmed WebSocket', ms(l.relayWarm.wall.medianMs), ms(l.relayWarm.wall.p99Ms), ms(l.relayWarm.wall.minMs), ms(l.relayWarm.cpu.medianMs), String(l.relayWarm.errors)],
        ['via relay (in process)', ms(l.relayInProcess.wall.medianMs), ms(l.relayInProcess.wall.p99Ms), ms(l.relayInProcess.wall.minMs), ms(l.relayInProcess.cpu.medianMs), String(l.relayInProcess.errors)],
        ...(l.tcpProxy ? [['via plain TCP proxy (floor)', ms(l.tcpProxy.wall.medianMs), ms(l.tcpProxy.wall.p99Ms), ms(l.tcpProxy.wall.minMs), ms(l.tcpProxy.cpu.medianMs), String(l.tcpProxy.errors)]] : []),
      ]),
      ...(l.tcpProxy ? [`floor: a plain TCP forwarder in its own process adds ${ms(l.tcpProxy.addedMedianMs)} at the median; the warmed relay adds ${ms(l.relayWarmOverFloorMs)} beyond it`] : []),
      `relay in process: ${ms(l.relayInProcess.addedMedianMs)} added at the median, ${ms(l.relayInProcess.addedCpuMs)} CPU (relay + client in one process)`,
      `relay in its own process: ${ms(l.addedMs.median)} added at the median (ratio ${l.ratio.median.toFixed(3)}), ${ms(l.addedMs.p99)} at p99 (ratio ${l.ratio.p99.toFixed(3)}); median of paired differences ${ms(l.addedMedianOfPairedDifferencesMs)}; client-process CPU ${ms(l.addedCpuMs)}`,
      `relay in its own process over a warmed WebSocket (preconnect): ${ms(l.relayWarm.addedMs.median)} added at the median, ${ms(l.relayWarm.addedMs.p99)} at p99`,
      `target ≤ ${l.targetAddedMedianMs} ms added at the median: cold ${met(l.withinTarget)}, warmed ${met(l.relayWarm.withinTarget)}`,
    );
  } else out.push(`added latency: error: ${r.latency.error}`);
  const size = `${r.load.sessions} sessions × ${r.load.holdMs / 1000} s (${r.load.run})`;
  if (r.load.status === 'ok') out.push(`load, ${size}:`, JSON.stringify(r.load.result, null, 2));
  else out.push(`load, ${size}: error: ${r.load.error?.split('\n')[0]}`);
  return out.join('\n');
}

function page(r: PageResult): string {
  const run = r.runToLastStep;
  return [
    `first-load JS of /: ${r.firstLoadJs.scripts} scripts, ${kb(r.firstLoadJs.rawBytes)} raw, ${kb(r.firstLoadJs.gzipBytes)} gzip — target ≤ ${r.firstLoadJs.targetGzipKB} KB: ${met(r.firstLoadJs.withinTarget)}`,
    ...(r.loadedWhenIdle ? [`loaded after the load event, in idle time (engine, root store): ${r.loadedWhenIdle.scripts} scripts, ${kb(r.loadedWhenIdle.gzipBytes)} gzip`] : []),
    `loaded by the first Run: ${r.loadedOnFirstRun.scripts} scripts, ${kb(r.loadedOnFirstRun.gzipBytes)} gzip`,
    `Run → last step rendered (${run.url}, ${run.steps} steps, outcome ${run.outcome}): first run ${ms(run.coldMs)} (loads the engine), then median ${ms(run.warm.medianMs)}, p90 ${ms(run.warm.p90Ms)} over ${run.warm.n} — target ≤ ${run.targetMs} ms: ${met(run.withinTarget)}`,
    ...(r.coldDemoClick
      ? [
          `cold first run, demo card clicked right after load (fresh page each): median ${ms(r.coldDemoClick.cold.medianMs)}, p90 ${ms(r.coldDemoClick.cold.p90Ms)} over ${r.coldDemoClick.cold.n}; floor (same click on a settled fresh page): median ${ms(r.coldDemoClick.floor.medianMs)} — target ≤ ${r.coldDemoClick.targetMs} ms: ${met(r.coldDemoClick.withinTarget)}`,
        ]
      : []),
    r.build.staleSources.length ? `note: the build in .next (${r.build.builtAt}) is older than ${r.build.staleSources.join(', ')}` : `build: ${r.build.builtAt}`,
  ].join('\n');
}

function shareTable(r: ShareResult, paths: ShareResult['paths']): string {
  const rows = [['path', 'req/s', 'of floor', 'p50', 'p99', 'server CPU/req', 'body', 'first answer', 'Cache-Control', 'target']];
  for (const p of paths) {
    const path = p.path.replace(r.id, '{id}').replace(/url=[^&]+/, 'url=…');
    rows.push([
      path.length > 48 ? `${path.slice(0, 47)}…` : path,
      p.reqPerSec.toFixed(0),
      `${((p.ofFloor ?? 0) * 100).toFixed(0)} %`,
      ms(p.p50Ms),
      ms(p.p99Ms),
      ms(p.serverCpuMsPerRequest),
      `${kb(p.bodyBytes)}${p.contentEncoding ? ` ${p.contentEncoding}` : ''}`,
      p.firstAnswer ?? '—',
      p.cacheControl ?? '—',
      p.target === undefined ? 'floor' : `≥ ${p.target * 100} %: ${met(p.withinTarget ?? false)}`,
    ]);
  }
  return table(rows);
}

function share(r: ShareResult): string {
  const light = r.embedTransfer.light;
  const full = r.embedTransfer.full;
  return [
    `${r.concurrency} concurrent keep-alive clients, ${r.seconds} s per path in one-second turns; floor ${r.floor.path} (${kb(r.floor.rawBytes)})`,
    'without Accept-Encoding (the bytes as stored):',
    shareTable(r, r.paths),
    'with Accept-Encoding: gzip, as browsers send it (Next.js compresses the floor per answer; the views were compressed once):',
    shareTable(r, r.pathsGzip),
    `light embed before interaction: ${light.requests} requests, ${kb(light.bytes)} transferred — target ≤ ${light.targetKB} KB: ${met(light.withinTarget)}`,
    `full embed (/embed/r/{id}/steps, what a step link opens): ${full.requests} requests, ${kb(full.bytes)} transferred`,
    `build: ${r.build.builtAt}`,
  ].join('\n');
}

const FORMATTERS: Record<string, (r: never) => string> = { handshake, bundle, crypto, relay, page, share };

export function formatReport(results: Results): string {
  const m = results.machine;
  const out = [
    `TLS Playground benchmarks — ${results.generatedAt}, ${results.mode} run, ${Math.round(results.durationMs / 1000)} s`,
    `Node ${m.node}, ${m.cpus} CPUs, load average ${m.loadAverageBefore.join(' ')} before / ${m.loadAverageAfter.join(' ')} after`,
  ];
  for (const [name, s] of Object.entries(results.sections)) {
    out.push('', `== ${name} ==`);
    if (s.status === 'skipped') out.push(`skipped: ${s.reason}`);
    else if (s.status === 'error') out.push(`error: ${s.error}`);
    else {
      try {
        out.push(FORMATTERS[name](s.result as never));
      } catch {
        out.push(JSON.stringify(s.result, null, 2));
      }
    }
  }
  return out.join('\n');
}

/**
 * The playground's two benchmark numbers (issue: benchmark in npm run bench), measured on the
 * production build with the e2e stack:
 * - first-load JS of `/`: every script the HTML loads (and the inline ones), gzip-compressed;
 * - click on Run → last step rendered, for the tls13 demo target over the relay, in chromium.
 * Not a test: bench/run.ts calls benchPlayground() and writes the numbers to bench/results.json.
 */
import { gzipSync } from 'node:zlib';
import { startStack } from './harness';

export interface PlaygroundBench {
  firstLoadJsGzipBytes: number;
  firstLoadJsFiles: number;
  runToLastStepMs: { median: number; min: number; max: number; samples: number[] };
  target: string;
}

async function firstLoadJs(baseUrl: string): Promise<{ bytes: number; files: number }> {
  const html = await (await fetch(baseUrl)).text();
  const sources = [...new Set([...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]))];
  let bytes = 0;
  for (const src of sources) {
    const body = Buffer.from(await (await fetch(new URL(src, baseUrl))).arrayBuffer());
    bytes += gzipSync(body, { level: 9 }).length;
  }
  const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('');
  if (inline) bytes += gzipSync(Buffer.from(inline), { level: 9 }).length;
  return { bytes, files: sources.length };
}

export async function benchPlayground({ runs = 15, target = 'tls13' }: { runs?: number; target?: string } = {}): Promise<PlaygroundBench> {
  const stack = await startStack();
  try {
    const js = await firstLoadJs(stack.baseUrl);
    const page = await stack.newPage();
    await page.goto(stack.baseUrl);
    const samples: number[] = [];
    // The first run loads the engine chunk and the root store; it is a warm-up, not a sample.
    for (let i = 0; i <= runs; i++) {
      const ms = await page.evaluate(async (name) => {
        const button = document.querySelector<HTMLButtonElement>(`[data-testid=demo-target][data-target="${name}"]`);
        if (!button) throw new Error(`no demo target ${name} on the page`);
        const done = new Promise<number>((resolve) => {
          let seenRunning = false;
          const observer = new MutationObserver(() => {
            const status = document.querySelector('[data-testid=run]')?.getAttribute('data-status');
            // The previous run's result is still on screen until this run starts.
            if (status === 'running') seenRunning = true;
            if (seenRunning && status === 'done') {
              observer.disconnect();
              // The frame after the final render is when the last step is on screen.
              requestAnimationFrame(() => resolve(performance.now()));
            }
          });
          observer.observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-status'], childList: true });
        });
        const start = performance.now();
        button.click();
        return (await done) - start;
      }, target);
      if (i > 0) samples.push(Math.round(ms * 10) / 10);
    }
    const sorted = [...samples].sort((a, b) => a - b);
    return {
      firstLoadJsGzipBytes: js.bytes,
      firstLoadJsFiles: js.files,
      runToLastStepMs: { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1], samples },
      target,
    };
  } finally {
    await stack.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchPlayground(), null, 2));
}

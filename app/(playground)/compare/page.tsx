import type { Metadata } from 'next';
import { isPersonalityName } from '@/lib/tls/client/personalities';
import { formUrl } from '@/lib/view/runOptions';
import { Compare } from './Compare';

export const metadata: Metadata = { title: 'Compare two clients — TLS Playground' };

/**
 * `?url=` and `?a=` (a personality) fill the form, `?cert=demo` ticks the demo client certificate;
 * nothing runs until Run both, unless `?run=1` (the advice's "Compare … with OpenSSL" link) asks to.
 */
export default async function ComparePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { url, a, cert, run } = await searchParams;
  const first = typeof a === 'string' && isPersonalityName(a) ? a : undefined;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">Compare two clients</h1>
      <p className="max-w-3xl text-zinc-600 dark:text-zinc-400">
        The same URL, two client personalities, run one after the other from this browser. Their steps are aligned; where
        they part ways is highlighted.
      </p>
      <Compare initialUrl={formUrl(url) ?? 'https://iis-renegotiation.test/secure/'} initialA={first} initialCertificate={cert === 'demo'} runNow={run === '1'} />
    </div>
  );
}

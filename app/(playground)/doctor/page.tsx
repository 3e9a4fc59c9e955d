import type { Metadata } from 'next';
import { formUrl } from '@/lib/view/runOptions';
import { Doctor } from './Doctor';

export const metadata: Metadata = { title: 'Renegotiation doctor — TLS Playground' };

/** `?url=` fills the form (the summary of a failed run links here with its URL); nothing runs until Diagnose. */
export default async function DoctorPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { url } = await searchParams;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">The renegotiation doctor</h1>
      <p className="max-w-3xl text-zinc-600 dark:text-zinc-400">
        Probes a URL from this browser with TLS 1.3 and with TLS 1.2 as every client personality, then says whether clients
        will fail with “connection reset by peer” because the server asks for a client certificate by renegotiation — and
        what to change.
      </p>
      <Doctor initialUrl={formUrl(url) ?? 'https://iis-renegotiation.test/secure/'} />
    </div>
  );
}

import type { Metadata } from 'next';
import { Doctor } from './Doctor';

export const metadata: Metadata = { title: 'Renegotiation doctor — TLS Playground' };

export default function DoctorPage() {
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">The renegotiation doctor</h1>
      <p className="max-w-3xl text-zinc-600 dark:text-zinc-400">
        Probes a URL from this browser with TLS 1.3 and with TLS 1.2 as every client personality, then says whether clients
        will fail with “connection reset by peer” because the server asks for a client certificate by renegotiation — and
        what to change.
      </p>
      <Doctor initialUrl="https://iis-renegotiation.test/secure/" />
    </div>
  );
}

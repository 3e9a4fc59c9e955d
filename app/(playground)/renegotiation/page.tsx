import type { Metadata } from 'next';
import { CopyButton } from '@/components/trace/CopyButton';
import { findDemoTarget } from '@/server/demo/catalog';
import { Story } from './Story';

export const metadata: Metadata = { title: 'The IIS renegotiation story — TLS Playground' };

const FIX_COMMANDS: { what: string; command: string }[] = [
  { what: 'Look at the current binding; note ipport or hostnameport, certhash, appid, certstorename and any non-default flags.', command: 'netsh http show sslcert' },
  { what: 'Remove the binding (use hostnameport=… if that is what it is).', command: 'netsh http delete sslcert ipport=0.0.0.0:443' },
  {
    what: 'Add it back with the certificate requested in the initial handshake, keeping the flags you noted.',
    command: 'netsh http add sslcert ipport=0.0.0.0:443 certhash=<certhash> appid={<appid>} certstorename=MY clientcertnegotiation=enable',
  },
  { what: 'Check that the binding now says “Negotiate Client Certificate : Enabled”.', command: 'netsh http show sslcert ipport=0.0.0.0:443' },
];

export default function RenegotiationStoryPage() {
  const target = findDemoTarget('iis-renegotiation');
  return (
    <div className="space-y-8">
      <section className="space-y-3">
        <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">Why IIS resets the connection</h1>
        <p className="max-w-3xl text-zinc-700 dark:text-zinc-300">{target?.scenario}</p>
        <p className="max-w-3xl text-sm text-zinc-600 dark:text-zinc-400">
          Every run below is real: the TLS client runs in this browser and talks through the relay to{' '}
          <span className="font-mono">iis-renegotiation.test</span>, a server on this machine that behaves like IIS.
        </p>
      </section>
      <Story />
      <section aria-labelledby="fixes" className="space-y-3">
        <h2 id="fixes" className="text-lg font-semibold">
          The fix on the server
        </h2>
        <p className="max-w-3xl text-zinc-700 dark:text-zinc-300">
          Ask for the client certificate in the initial handshake instead of by renegotiation — the{' '}
          <span className="font-mono">iis-fixed.test</span> demo target shows the result. On IIS / http.sys this is the SSL
          binding’s <span className="font-mono">clientcertnegotiation</span> flag. Certificate renewal tools may recreate the
          binding without it: check again after a renewal.
        </p>
        <ol className="space-y-3">
          {FIX_COMMANDS.map((step) => (
            <li key={step.command} className="space-y-1">
              <p className="text-sm">{step.what}</p>
              <div className="flex items-start gap-2 rounded-md bg-zinc-100 p-2 dark:bg-zinc-900">
                <code className="min-w-0 flex-1 break-all font-mono text-sm">{step.command}</code>
                <CopyButton value={step.command} label={step.command} />
              </div>
            </li>
          ))}
        </ol>
        <p className="max-w-3xl text-sm text-zinc-600 dark:text-zinc-400">
          Other ways out: enable TLS 1.3 on the server (then clients need post-handshake authentication, or the server must
          ask in the initial handshake); on the client, use a stack that renegotiates (OpenSSL, SChannel) for this host; or
          ask whether conditional client-certificate authentication is needed at all.
        </p>
      </section>
    </div>
  );
}

export default function PlaygroundPage() {
  return (
    <section aria-labelledby="playground-title" className="space-y-3">
      <h1 id="playground-title" className="text-2xl font-semibold tracking-tight">
        Watch a TLS handshake, byte by byte
      </h1>
      <p className="max-w-prose text-zinc-600 dark:text-zinc-400">
        Type an https URL. Your browser runs the TLS client; a relay carries its bytes to the server.
      </p>
    </section>
  );
}

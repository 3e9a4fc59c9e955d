import Link from 'next/link';

/** Any unknown path, and saved runs that do not exist (notFound() in /r/{id}): HTTP 404. */
export default function NotFound() {
  return (
    <div className="mx-auto max-w-xl space-y-3 py-12 text-center" data-testid="not-found">
      <h1 className="text-2xl font-semibold tracking-tight">Nothing here</h1>
      <p className="text-zinc-600 dark:text-zinc-400">
        This page does not exist. If someone shared a saved run with you, check that the link was copied whole: saved runs are
        never deleted, so a complete link keeps working.
      </p>
      <p>
        <Link href="/" className="text-sky-800 underline dark:text-sky-300">
          Open the playground
        </Link>
      </p>
    </div>
  );
}

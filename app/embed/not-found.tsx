/** An embed of a saved run that does not exist: a one-line message in the host's iframe (HTTP 404). */
export default function EmbedNotFound() {
  return (
    <p className="rounded-md border border-dashed border-zinc-300 p-4 text-center text-zinc-600 dark:border-zinc-700 dark:text-zinc-400" data-testid="not-found">
      This saved TLS Playground run does not exist. Check the embed code’s link.
    </p>
  );
}

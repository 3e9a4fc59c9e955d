/**
 * Waiting for a condition instead of sleeping a fixed time before an assertion: the test goes on
 * as soon as the system got there, and a slow machine gets more time instead of a flaky failure.
 */

/** Resolves once `predicate` holds (polled every 10 ms); rejects after `timeoutMs`, naming `what`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Resolves with `read()` once it has moved off `from` and then kept one value for `quietMs`: a
 * flow that stopped (a paused reader, a full buffer). Rejects after `timeoutMs`, naming `what`.
 */
export async function settled(read: () => number, { from, quietMs = 200, timeoutMs = 10_000, what = 'value' }: { from?: number; quietMs?: number; timeoutMs?: number; what?: string } = {}): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let value = read();
  let since = Date.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const now = read();
    if (now !== value) {
      value = now;
      since = Date.now();
    } else if (value !== from && Date.now() - since >= quietMs) {
      return value;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} to settle (last ${value})`);
  }
}

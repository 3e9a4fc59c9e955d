'use client';

import Link from 'next/link';
import { useState, type ComponentProps } from 'react';

/**
 * A link to one of our pages that prefetches it only once the reader shows the intent to go there
 * (the pointer over it, or the focus on it), not as soon as it is in view. The header's links are
 * on every page: prefetched on sight, their five server renders would share this server with the
 * engine's chunks and configuration, which a click on a demo card right after the page appears waits
 * for.
 */
export function IntentLink({ onPointerEnter, onFocus, ...props }: ComponentProps<typeof Link>) {
  const [intent, setIntent] = useState(false);
  return (
    <Link
      {...props}
      prefetch={intent ? null : false}
      onPointerEnter={(event) => {
        setIntent(true);
        onPointerEnter?.(event);
      }}
      onFocus={(event) => {
        setIntent(true);
        onFocus?.(event);
      }}
    />
  );
}

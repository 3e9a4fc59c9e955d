import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { EmbedHeight } from '@/components/share/EmbedHeight';
import './embed.css';

export const metadata: Metadata = {
  // Embeds are parts of other pages, not pages to index.
  robots: { index: false, follow: false },
};

/**
 * Layout of /embed/…: the compact form of a run for other sites' iframes. Only these routes may be
 * framed by any origin (next.config.js sets frame-ancestors * on /embed/… alone). The embed reports
 * its height to the parent (EmbedHeight); it works in an iframe sandboxed with allow-scripts only,
 * because nothing here needs storage, cookies or same-origin requests for a saved run.
 */
export default function EmbedLayout({ children }: { children: ReactNode }) {
  return (
    <div className="text-sm" data-embed="">
      {children}
      <EmbedHeight />
    </div>
  );
}

'use client';

import { useEffect } from 'react';
import { HEIGHT_MESSAGE_TYPE, type HeightMessage } from '@/lib/share/embed';

/**
 * Tells the page that frames this embed how tall it is, whenever that changes (a step opened, the
 * theme changed, fonts loaded), so the host can size the iframe without scrollbars. The target origin
 * is "*": the host is any site, and the message holds nothing but a number.
 */
export function EmbedHeight() {
  useEffect(() => {
    if (window.parent === window) return;
    let last = -1;
    const report = () => {
      const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
      if (height === last) return;
      last = height;
      const message: HeightMessage = { type: HEIGHT_MESSAGE_TYPE, height };
      window.parent.postMessage(message, '*');
    };
    const observer = new ResizeObserver(report);
    observer.observe(document.documentElement);
    observer.observe(document.body);
    report();
    return () => observer.disconnect();
  }, []);
  return null;
}

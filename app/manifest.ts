import type { MetadataRoute } from 'next';

/** /manifest.webmanifest: the name and icons an installed or pinned playground shows. */
export default function manifest(): MetadataRoute.Manifest {
  return {
    name: 'TLS Playground',
    short_name: 'TLS Playground',
    description: 'Type an https URL and watch a real TLS handshake happen byte by byte, in your browser.',
    start_url: '/',
    display: 'browser',
    background_color: '#ffffff',
    theme_color: '#0369a1',
    icons: [
      { src: '/icon.svg', sizes: 'any', type: 'image/svg+xml' },
      { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
    ],
  };
}

/**
 * Small inline icons. SVG rather than emoji: emoji fonts are missing on many Linux systems and the
 * glyphs would show as empty boxes.
 */
const common = { width: 12, height: 12, viewBox: '0 0 16 16', fill: 'none', stroke: 'currentColor', strokeWidth: 1.6, 'aria-hidden': true } as const;

export function LockIcon({ className = '' }: { className?: string }) {
  return (
    <svg {...common} className={`inline-block shrink-0 align-[-1px] ${className}`}>
      <rect x="3" y="7" width="10" height="7" rx="1.5" />
      <path d="M5.5 7V5a2.5 2.5 0 0 1 5 0v2" />
    </svg>
  );
}

export function KeyIcon({ className = '' }: { className?: string }) {
  return (
    <svg {...common} className={`inline-block shrink-0 align-[-1px] ${className}`}>
      <circle cx="5" cy="8" r="3" />
      <path d="M8 8h6M12 8v2.5M10 8v1.5" />
    </svg>
  );
}

export function CertificateIcon({ className = '' }: { className?: string }) {
  return (
    <svg {...common} className={`inline-block shrink-0 align-[-1px] ${className}`}>
      <rect x="2" y="2.5" width="12" height="8.5" rx="1" />
      <path d="M4.5 5.5h7M4.5 8h4" />
      <circle cx="11" cy="12" r="1.8" />
    </svg>
  );
}

export function CheckIcon({ className = '' }: { className?: string }) {
  return (
    <svg {...common} className={`inline-block shrink-0 align-[-1px] ${className}`}>
      <path d="M3 8.5 6.5 12 13 4.5" />
    </svg>
  );
}

export function CrossIcon({ className = '' }: { className?: string }) {
  return (
    <svg {...common} className={`inline-block shrink-0 align-[-1px] ${className}`}>
      <path d="M4 4l8 8M12 4l-8 8" />
    </svg>
  );
}

export function WarningIcon({ className = '' }: { className?: string }) {
  return (
    <svg {...common} className={`inline-block shrink-0 align-[-1px] ${className}`}>
      <path d="M8 2.5 14 13H2z" />
      <path d="M8 6.5v3M8 11.2v.3" />
    </svg>
  );
}

export function NoteIcon({ className = '' }: { className?: string }) {
  return (
    <svg {...common} className={`inline-block shrink-0 align-[-1px] ${className}`}>
      <circle cx="8" cy="8" r="2" fill="currentColor" />
    </svg>
  );
}

/** A tamper experiment's change: a pen crossing a line of bytes. */
export function TamperIcon({ className = '' }: { className?: string }) {
  return (
    <svg {...common} className={`inline-block shrink-0 align-[-1px] ${className}`}>
      <path d="M2 13.5h5" />
      <path d="M10.5 2.5 13.5 5.5 6 13H3v-3z" />
    </svg>
  );
}

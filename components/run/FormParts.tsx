'use client';

import type { ReactNode } from 'react';
import { useTranslations } from 'next-intl';

/** The boxed error line under a form: one sentence that says what to change. */
export function FormError({ id, testId, children }: { id?: string; testId?: string; children: ReactNode }) {
  return (
    <p id={id} role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950/50 dark:text-red-300" data-testid={testId}>
      {children}
    </p>
  );
}

/** The labelled https URL field of the compare and doctor forms. */
export function UrlField({ value, onChange, testId }: { value: string; onChange: (url: string) => void; testId: string }) {
  const t = useTranslations('forms');
  return (
    <label className="flex min-w-0 flex-1 flex-col gap-1 text-sm">
      <span className="font-medium">{t('urlLabel')}</span>
      <input
        type="url"
        inputMode="url"
        autoComplete="url"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        spellCheck={false}
        className="rounded-md border border-zinc-300 bg-white px-3 py-2 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-900"
        data-testid={testId}
      />
    </label>
  );
}

/** The "use the demo client certificate" switch. */
export function DemoCertificateCheck({ checked, onChange, label, className }: { checked: boolean; onChange: (checked: boolean) => void; label: string; className: string }) {
  return (
    <label className={`flex items-center gap-2 text-sm ${className}`}>
      <input type="checkbox" checked={checked} onChange={() => onChange(!checked)} />
      {label}
    </label>
  );
}

/** A form's submit button, disabled and relabelled while its work runs. */
export function SubmitButton({ busy, label, busyLabel, testId }: { busy: boolean; label: string; busyLabel: string; testId: string }) {
  return (
    <button
      type="submit"
      disabled={busy}
      className="rounded-md bg-sky-700 px-4 py-2 text-sm font-semibold text-white hover:bg-sky-800 disabled:opacity-60 dark:bg-sky-700"
      data-testid={testId}
    >
      {busy ? busyLabel : label}
    </button>
  );
}

'use client';

import { useId, type ReactNode } from 'react';
import { useTranslations } from 'next-intl';
import { useTranslate } from '@/components/i18n/useTranslate';
import { TamperControl } from './TamperControl';
import { personalityNames } from '@/lib/tls/client/personalities';
import {
  CIPHER_SUITES,
  describeForm,
  GROUPS,
  MAX_BODY_BYTES,
  SIGNATURE_SCHEMES,
  TLS12_EXTENSIONS,
  VERSIONS,
  type RunForm,
  type Tls12Extension,
  type VersionName,
} from '@/lib/view/runOptions';

/** The folded options: versions, suites, groups, signature schemes, personality, client certificate, TLS 1.2 extensions, a tamper. */
export function RunOptionsPanel({ form, onChange }: { form: RunForm; onChange: (form: RunForm) => void }) {
  const t = useTranslations('options');
  const tamper = useTranslations('tamper.form');
  const say = useTranslate();
  const set = <K extends keyof RunForm>(key: K, value: RunForm[K]) => onChange({ ...form, [key]: value });
  const toggle = (list: string[], name: string) => (list.includes(name) ? list.filter((n) => n !== name) : [...list, name]);
  return (
    <details className="group rounded-lg border border-zinc-200 dark:border-zinc-800" data-testid="run-options">
      <summary className="flex cursor-pointer list-none items-center gap-2 rounded-lg px-3 py-2 text-sm select-none hover:bg-zinc-50 dark:hover:bg-zinc-900 [&::-webkit-details-marker]:hidden">
        <span aria-hidden="true" className="transition-transform group-open:rotate-90">▸</span>
        <span className="font-medium">{t('title')}</span>
        <span className="truncate text-zinc-500 dark:text-zinc-400">{describeForm(form, say)}</span>
      </summary>
      <div className="grid gap-4 border-t border-zinc-200 p-3 md:grid-cols-2 xl:grid-cols-3 dark:border-zinc-800">
        <Fieldset legend={t('versions')}>
          {VERSIONS.map((v) => (
            <Check key={v} label={v} checked={form.versions.includes(v)} onChange={() => set('versions', toggle(form.versions, v) as VersionName[])} />
          ))}
          {form.versions.length === 0 && <p className="text-xs text-red-700 dark:text-red-400">{t('chooseVersion')}</p>}
        </Fieldset>

        <Fieldset legend={t('personality')} hint={t('personalityHint')}>
          {personalityNames.map((name) => (
            <label key={name} className="flex items-start gap-2 text-sm">
              <input type="radio" name="personality" className="mt-1" checked={form.personality === name} onChange={() => set('personality', name)} />
              <span>
                <span className="font-mono">{name}</span>
                <span className="block text-xs text-zinc-500 dark:text-zinc-400">{t(`personalities.${name}`)}</span>
              </span>
            </label>
          ))}
        </Fieldset>

        <Fieldset legend={t('clientCertificate')}>
          <label className="flex items-center gap-2 text-sm">
            <input type="radio" name="client-certificate" checked={!form.clientCertificate} onChange={() => set('clientCertificate', false)} />
            {t('none')}
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="radio" name="client-certificate" checked={form.clientCertificate} onChange={() => set('clientCertificate', true)} />
            {t('demoCertificate')}
          </label>
          <Check label={t('postHandshakeAuth')} checked={form.postHandshakeAuth} onChange={() => set('postHandshakeAuth', !form.postHandshakeAuth)} />
          <Check label={t('resume')} checked={form.resume} onChange={() => onChange({ ...form, resume: !form.resume, earlyData: form.resume ? false : form.earlyData })} hint={t('resumeHint')} />
          {form.resume ? <Check label={t('earlyData')} checked={form.earlyData} onChange={() => set('earlyData', !form.earlyData)} /> : null}
          <Check
            label={t('insecure')}
            checked={form.insecure}
            onChange={() => set('insecure', !form.insecure)}
            hint={t('insecureHint')}
          />
        </Fieldset>

        <Fieldset legend={t('http')}>
          <label className="flex items-center gap-2 text-sm">
            <input type="radio" name="method" checked={form.method === 'GET'} onChange={() => set('method', 'GET')} />
            GET
          </label>
          <label className="flex flex-wrap items-center gap-2 text-sm">
            <input type="radio" name="method" checked={form.method === 'POST'} onChange={() => set('method', 'POST')} />
            {t('postBefore')}
            <input
              type="number"
              min={0}
              max={MAX_BODY_BYTES}
              value={form.bodyBytes}
              onChange={(e) => onChange({ ...form, method: 'POST', bodyBytes: Number(e.target.value) })}
              aria-label={t('bodySize')}
              className="w-24 rounded border border-zinc-300 bg-white px-1 py-0.5 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-900"
            />
            {t('postAfter')}
          </label>
          <p className="text-xs text-zinc-500 dark:text-zinc-400">{t('iisBuffer')}</p>
        </Fieldset>

        <Fieldset legend={tamper('legend')} hint={tamper('hint')}>
          <TamperControl form={form} onChange={onChange} />
        </Fieldset>

        <Fieldset legend={t('groups')} hint={t('defaultsHint')}>
          {GROUPS.map((g) => (
            <Check key={g} label={g} mono checked={form.groups.includes(g)} onChange={() => set('groups', toggle(form.groups, g))} />
          ))}
        </Fieldset>

        <Fieldset legend={t('tls12Extensions')} hint={t('tls12ExtensionsHint')}>
          {TLS12_EXTENSIONS.map((e) => (
            <Check
              key={e.name}
              label={e.name}
              mono
              checked={!form.tls12Off.includes(e.name)}
              onChange={() => set('tls12Off', toggle(form.tls12Off, e.name) as Tls12Extension[])}
              hint={`${e.rfc}: ${t(`tls12.${e.name}`)}`}
            />
          ))}
        </Fieldset>

        <Fieldset legend={t('signatureSchemes')} hint={t('defaultsHint')}>
          <div className="max-h-48 space-y-1 overflow-y-auto pr-1">
            {SIGNATURE_SCHEMES.map((s) => (
              <Check key={s} label={s} mono checked={form.signatureSchemes.includes(s)} onChange={() => set('signatureSchemes', toggle(form.signatureSchemes, s))} />
            ))}
          </div>
        </Fieldset>

        <Fieldset legend={t('cipherSuites')} hint={t('defaultsHint')}>
          <div className="max-h-48 space-y-2 overflow-y-auto pr-1">
            {CIPHER_SUITES.map((group) => (
              <div key={group.version}>
                <p className="text-xs font-medium text-zinc-500 dark:text-zinc-400">{group.version}</p>
                {group.names.map((s) => (
                  <Check key={s} label={s} mono small checked={form.cipherSuites.includes(s)} onChange={() => set('cipherSuites', toggle(form.cipherSuites, s))} />
                ))}
              </div>
            ))}
          </div>
        </Fieldset>
      </div>
    </details>
  );
}

function Fieldset({ legend, hint, children }: { legend: string; hint?: string; children: ReactNode }) {
  const id = useId();
  return (
    <fieldset className="min-w-0 space-y-1" aria-describedby={hint ? id : undefined}>
      <legend className="mb-1 text-sm font-semibold">{legend}</legend>
      {hint && (
        <p id={id} className="-mt-1 mb-1 text-xs text-zinc-500 dark:text-zinc-400">
          {hint}
        </p>
      )}
      {children}
    </fieldset>
  );
}

function Check({ label, checked, onChange, mono, small, hint }: { label: string; checked: boolean; onChange: () => void; mono?: boolean; small?: boolean; hint?: string }) {
  return (
    <label className={`flex items-start gap-2 ${small ? 'text-xs' : 'text-sm'}`}>
      <input type="checkbox" className="mt-0.5" checked={checked} onChange={onChange} />
      <span className="min-w-0 break-all">
        <span className={mono ? 'font-mono' : ''}>{label}</span>
        {hint && <span className="block text-xs text-zinc-500 dark:text-zinc-400">{hint}</span>}
      </span>
    </label>
  );
}

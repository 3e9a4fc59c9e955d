'use client';

import { useEffect, useId, useState } from 'react';
import { useTranslations } from 'next-intl';
import { readTamperSpec, type RunForm } from '@/lib/view/runOptions';
import { useTranslate } from '@/components/i18n/useTranslate';
import { suggestedTamper, tamperOps, tamperParts, tamperSpec, type TamperChoice, type TamperGroup } from '@/lib/view/tamperForm';

const GROUPS: TamperGroup[] = ['clientHello', 'extensions', 'finished', 'record'];

/**
 * The run options' Tamper control: a field of the client's flight (from the annotated ClientHello
 * built with the form's options, the Finished, the record header), an operation and its value. It
 * writes the form's tamper SPEC, shows it as the CLI option, and says when it cannot run.
 */
export function TamperControl({ form, onChange }: { form: RunForm; onChange: (form: RunForm) => void }) {
  const t = useTranslations('tamper.form');
  const say = useTranslate();
  const id = useId();
  const [choices, setChoices] = useState<TamperChoice[]>([]);
  const { target, op, argument } = tamperParts(form.tamper);
  const problem = readTamperSpec(form.tamper, say).problem;
  const optionsKey = [form.url, form.versions, form.groups, form.signatureSchemes, form.cipherSuites, form.tls12Off, form.personality, form.postHandshakeAuth, form.resume, form.earlyData].join('|');

  // The choices come from a ClientHello built by the codec, loaded with it (not in the first page load).
  useEffect(() => {
    let live = true;
    void import('@/lib/view/tamperChoices').then((m) => {
      if (live) setChoices(m.tamperChoices(form));
    });
    return () => {
      live = false;
    };
    // Rebuilt when an option that shapes the ClientHello changes, not on every keystroke of the value.
  }, [optionsKey]);

  const set = (spec: string) => onChange({ ...form, tamper: spec });
  // A target from a link that the list does not name (cipher_suite[1], …) is still shown as chosen.
  const listed = target === '' || choices.some((c) => c.target === target);
  const ops = target ? tamperOps(target) : [];

  return (
    <div className="space-y-2" data-testid="tamper-control">
      <label className="flex flex-col gap-1 text-sm">
        <span>{t('field')}</span>
        <select
          value={target}
          onChange={(e) => set(e.target.value === '' ? '' : suggestedTamper(e.target.value))}
          className="rounded border border-zinc-300 bg-white px-1 py-0.5 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-900"
          data-testid="tamper-target"
        >
          <option value="">{t('none')}</option>
          {!listed && <option value={target}>{target}</option>}
          {GROUPS.map((group) => (
            <optgroup key={group} label={t(`groups.${group}`)}>
              {choices
                .filter((c) => c.group === group)
                .map((c) => (
                  <option key={c.target} value={c.target}>
                    {c.target}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
      </label>
      {target !== '' && (
        <>
          <label className="flex flex-col gap-1 text-sm">
            <span>{t('op')}</span>
            <select
              value={op}
              onChange={(e) => set(tamperSpec(target, e.target.value, e.target.value === 'flip' && !/^\d+$/.test(argument) ? '0' : argument))}
              className="rounded border border-zinc-300 bg-white px-1 py-0.5 text-sm dark:border-zinc-700 dark:bg-zinc-900"
              data-testid="tamper-op"
            >
              {!ops.includes(op as (typeof ops)[number]) && <option value={op}>{op}</option>}
              {ops.map((o) => (
                <option key={o} value={o}>
                  {t(`ops.${o}`)}
                </option>
              ))}
            </select>
          </label>
          {op !== 'drop' && (
            <label className="flex flex-col gap-1 text-sm">
              <span>{t('value')}</span>
              <input
                type="text"
                value={argument}
                spellCheck={false}
                onChange={(e) => set(tamperSpec(target, op, e.target.value))}
                aria-describedby={op === 'set' || op === 'flip' || op === 'reorder' ? `${id}-hint` : undefined}
                className="rounded border border-zinc-300 bg-white px-1 py-0.5 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-900"
                data-testid="tamper-value"
              />
              {(op === 'set' || op === 'flip' || op === 'reorder') && (
                <span id={`${id}-hint`} className="text-xs text-zinc-500 dark:text-zinc-400">
                  {t(`valueHint.${op}`)}
                </span>
              )}
            </label>
          )}
          <p className="text-xs break-all text-zinc-600 dark:text-zinc-400" data-testid="tamper-spec">
            {t('spec', { spec: form.tamper })}
          </p>
          {problem && (
            <p className="text-xs text-red-700 dark:text-red-400" role="status">
              {t('invalid', { message: problem })}
            </p>
          )}
        </>
      )}
    </div>
  );
}

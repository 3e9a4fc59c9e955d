'use client';

import { useMemo, useState } from 'react';
import type { Step } from '@/lib/trace/schema';
import { ancestry, buildKeySchedule, keyAlgorithm, keyLabel, type KeyNode } from '@/lib/view/keySchedule';
import { useTranslations } from 'next-intl';
import { useTranslate } from '@/components/i18n/useTranslate';
import { CopyButton } from './CopyButton';

/**
 * Which inputs produce which secret, column by column (sources on the left). Selecting a secret
 * lights up everything it was derived from; every value can be copied.
 */
export function KeySchedulePanel({ steps, onShowStep, keyLog }: { steps: Step[]; onShowStep: (seq: number) => void; keyLog: string[] }) {
  const graph = useMemo(() => buildKeySchedule(steps), [steps]);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const upstream = useMemo(() => (selected ? ancestry(graph, selected) : new Set<string>()), [graph, selected]);
  const t = useTranslations('keys');
  const say = useTranslate();

  if (graph.nodes.length === 0) {
    return <p className="text-sm text-zinc-500 dark:text-zinc-400">{t('none')}</p>;
  }
  const columnTitle = (i: number) => (i === 0 ? t('inputs') : i === 1 ? t('derivedOnce') : t('derived', { count: String(i) }));
  return (
    <div className="space-y-3" data-testid="key-schedule">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        {t('intro')}
      </p>
      <div className="space-y-4" aria-label={t('label')}>
        {graph.columns.map((ids, column) =>
          ids.length === 0 ? null : (
            <section key={column} aria-label={columnTitle(column)}>
              <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-500 dark:text-zinc-400">{columnTitle(column)}</h3>
              <ul className="grid gap-2 sm:grid-cols-2">
                {ids.map((id) => (
                  <KeyCard
                    key={id}
                    node={graph.byId.get(id)!}
                    state={id === selected ? 'selected' : upstream.has(id) ? 'upstream' : 'idle'}
                    onSelect={() => setSelected(id === selected ? undefined : id)}
                    labelOf={(i) => keyLabel(graph.byId.get(i)?.label ?? i, say)}
                    onShowStep={onShowStep}
                  />
                ))}
              </ul>
            </section>
          ),
        )}
      </div>
      {keyLog.length > 0 && (
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <span>{t('keyLog', { count: keyLog.length })}</span>
          <CopyButton value={keyLog.join('\n') + '\n'} label={t('keyLogCopy')} />
        </div>
      )}
    </div>
  );
}

function KeyCard({
  node,
  state,
  onSelect,
  labelOf,
  onShowStep,
}: {
  node: KeyNode;
  state: 'selected' | 'upstream' | 'idle';
  onSelect: () => void;
  labelOf: (id: string) => string;
  onShowStep: (seq: number) => void;
}) {
  const t = useTranslations('keys');
  const say = useTranslate();
  const label = keyLabel(node.label, say);
  const ring =
    state === 'selected'
      ? 'border-sky-500 bg-sky-50 ring-2 ring-sky-500 dark:bg-sky-950'
      : state === 'upstream'
        ? 'border-amber-400 bg-amber-50 dark:border-amber-600 dark:bg-amber-950/50'
        : node.kind === 'input'
          ? 'border-dashed border-zinc-300 dark:border-zinc-700'
          : 'border-zinc-200 dark:border-zinc-800';
  return (
    <li className={`min-w-0 rounded-md border p-2 text-xs ${ring}`} data-testid="key-node" data-key-id={node.id}>
      <button type="button" onClick={onSelect} aria-pressed={state === 'selected'} className="w-full text-left">
        <span className="block font-mono text-[0.8rem] font-semibold break-all">{label}</span>
        {node.kind === 'input' && <span className="text-zinc-500 dark:text-zinc-400">{t('input')}</span>}
      </button>
      {node.algorithm && <p className="mt-1 break-words text-zinc-600 dark:text-zinc-400">{keyAlgorithm(node.algorithm, say)}</p>}
      {node.inputIds.length > 0 && (
        <p className="mt-1 text-zinc-600 dark:text-zinc-400">
          {t('from', { inputs: node.inputIds.map((i) => labelOf(i)).join(t('inputsJoin')) })}
        </p>
      )}
      {node.value && (
        <div className="mt-1 flex items-start gap-2">
          <code className="min-w-0 flex-1 break-all text-[0.7rem] text-zinc-800 dark:text-zinc-200">{node.value}</code>
          <CopyButton value={node.value} label={label} />
        </div>
      )}
      {node.seq !== undefined && (
        <button type="button" onClick={() => onShowStep(node.seq!)} className="mt-1 text-sky-700 underline underline-offset-2 dark:text-sky-400">
          {t('showStep', { n: String(node.seq + 1) })}
        </button>
      )}
    </li>
  );
}

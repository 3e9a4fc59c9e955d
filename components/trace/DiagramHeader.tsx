'use client';

import { useMemo, useState } from 'react';
import { useTranslations } from 'next-intl';
import { useTranslate } from '@/components/i18n/useTranslate';
import type { Step } from '@/lib/trace/schema';
import { buildDiagram, type Diagram, type DiagramRow } from '@/lib/view/diagram';

export interface DiagramRows {
  diagram: Diagram;
  /** The rows the diagram shows: key derivations only when the user asks for them. */
  visibleRows: DiagramRow[];
  keyCount: number;
  showKeys: boolean;
  setShowKeys: (show: boolean) => void;
}

/**
 * The sequence diagram's rows for `steps`, with the "show key derivations" switch; `built` is the
 * same diagram made on the server (a saved run's page draws it before its steps arrive).
 */
export function useDiagramRows(steps: Step[] | undefined, built?: Diagram): DiagramRows {
  const [showKeys, setShowKeys] = useState(false);
  const t = useTranslate();
  const diagram = useMemo(() => built ?? buildDiagram(steps ?? [], t), [built, steps, t]);
  const withoutKeys = useMemo(() => diagram.rows.filter((r) => r.layer !== 'key'), [diagram]);
  return { diagram, visibleRows: showKeys ? diagram.rows : withoutKeys, keyCount: diagram.rows.length - withoutKeys.length, showKeys, setShowKeys };
}

/** The line above the diagram: steps and bytes each way, and the key derivations switch. */
export function DiagramHeader({ rows, live = false }: { rows: DiagramRows; live?: boolean }) {
  const { diagram, keyCount, showKeys, setShowKeys } = rows;
  const t = useTranslations('trace');
  return (
    <div className="flex items-center justify-between gap-2 text-xs text-zinc-500 dark:text-zinc-400">
      <span aria-live={live ? 'polite' : undefined}>
        {t('counts', { steps: diagram.rows.length, sent: String(diagram.counts.bytesSent), received: String(diagram.counts.bytesReceived) })}
      </span>
      {keyCount > 0 && (
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={showKeys} onChange={() => setShowKeys(!showKeys)} />
          {t('showKeys', { count: keyCount })}
        </label>
      )}
    </div>
  );
}

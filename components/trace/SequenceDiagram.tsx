'use client';

import { memo, useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslations } from 'next-intl';
import { useTranslate } from '@/components/i18n/useTranslate';
import { rowLabel, rowSize, TCP_MARK_GLYPH, type DiagramRow } from '@/lib/view/diagram';
import { formatMs } from '@/lib/view/summary';
import { CheckIcon, CrossIcon, KeyIcon, LockIcon, NoteIcon, TamperIcon, WarningIcon } from './icons';
import { TONE_BADGE, TONE_TEXT } from './tone';

/**
 * The live sequence diagram: client on the left, server on the right, one fixed-height row per
 * step. Rows only ever append, so nothing already drawn moves while a run streams in. It is a
 * listbox: arrow keys move the selection, which opens the step's detail.
 */
export interface SequenceDiagramProps {
  rows: DiagramRow[];
  selectedSeq?: number;
  onSelect: (seq: number) => void;
  running: boolean;
  serverLabel: string;
  /** Id of the element the selection controls (the step detail panel). */
  controls?: string;
  /**
   * The embed's layout: the list is the diagram's one scroll box, at most 32rem high, in someone
   * else's page. (A box around a box that scrolls too would leave the selected row to two scrollers.)
   */
  compact?: boolean;
}

export function SequenceDiagram({ rows, selectedSeq, onSelect, running, serverLabel, controls, compact = false }: SequenceDiagramProps) {
  const t = useTranslations('diagram');
  const listRef = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);
  /** Set between a pointer press and the focus it causes: a click chooses its own row. */
  const pressing = useRef(false);

  // Follow the stream while the user has not scrolled away from the bottom.
  useEffect(() => {
    const el = listRef.current;
    if (el && running && stickToBottom.current) el.scrollTop = el.scrollHeight;
  }, [rows.length, running]);

  useEffect(() => {
    if (selectedSeq === undefined) return;
    listRef.current?.querySelector(`[data-seq="${selectedSeq}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [selectedSeq]);

  function onKey(event: KeyboardEvent<HTMLDivElement>) {
    if (rows.length === 0) return;
    const index = rows.findIndex((r) => r.seq === selectedSeq);
    let next: number | undefined;
    switch (event.key) {
      case 'ArrowDown':
        next = index < 0 ? 0 : Math.min(index + 1, rows.length - 1);
        break;
      case 'ArrowUp':
        next = index < 0 ? 0 : Math.max(index - 1, 0);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = rows.length - 1;
        break;
      case 'PageDown':
        next = Math.min((index < 0 ? 0 : index) + 10, rows.length - 1);
        break;
      case 'PageUp':
        next = Math.max((index < 0 ? 0 : index) - 10, 0);
        break;
      default:
        return;
    }
    event.preventDefault();
    onSelect(rows[next].seq);
  }

  return (
    <div className="rounded-lg border border-zinc-200 dark:border-zinc-800" data-testid="sequence-diagram">
      <div className="grid grid-cols-[4.5rem_1fr] border-b border-zinc-200 text-xs font-semibold uppercase tracking-wide text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
        <span className="px-2 py-2">{t('time')}</span>
        <div className="flex justify-between px-3 py-2">
          <span>{t('client')}</span>
          <span className="truncate pl-2 normal-case" title={serverLabel}>
            {serverLabel}
          </span>
        </div>
      </div>
      <div
        ref={listRef}
        role="listbox"
        aria-label={t('label')}
        aria-activedescendant={selectedSeq !== undefined ? `step-row-${selectedSeq}` : undefined}
        aria-controls={controls}
        aria-busy={running}
        tabIndex={0}
        onKeyDown={onKey}
        onPointerDown={() => {
          pressing.current = true;
        }}
        onPointerUp={() => {
          pressing.current = false;
        }}
        onPointerCancel={() => {
          pressing.current = false;
        }}
        onFocus={() => {
          // Focus from the keyboard starts at the first step. Focus from a click must not: selecting
          // (and scrolling to) the first row under the pressed button would move the clicked row
          // away before the click completes, and the first row would be chosen instead.
          if (!pressing.current && selectedSeq === undefined && rows.length) onSelect(rows[0].seq);
        }}
        onScroll={(e) => {
          const el = e.currentTarget;
          stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        }}
        className={`relative ${compact ? 'max-h-[32rem]' : 'max-h-[70vh]'} min-h-24 overflow-y-auto overscroll-contain py-1`}
      >
        {rows.length === 0 && (
          <p className="px-3 py-6 text-center text-sm text-zinc-500 dark:text-zinc-400">{running ? t('connecting') : t('empty')}</p>
        )}
        {rows.map((row) => (
          <Row key={row.seq} row={row} selected={row.seq === selectedSeq} onSelect={onSelect} />
        ))}
        {running && rows.length > 0 && (
          <div className="flex h-8 items-center gap-2 px-3 text-xs text-zinc-500 dark:text-zinc-400" aria-hidden="true">
            <span className="inline-block size-2 animate-pulse rounded-full bg-sky-500" /> {t('waiting')}
          </div>
        )}
      </div>
    </div>
  );
}

const Row = memo(function Row({ row, selected, onSelect }: { row: DiagramRow; selected: boolean; onSelect: (seq: number) => void }) {
  // Records are the envelopes: thin rows next to the messages they carry, which get the arrows.
  const envelope = row.kind === 'message' && row.layer === 'record';
  const height = row.kind === 'note' || envelope ? 'h-7' : 'h-10';
  const say = useTranslate();
  const delta = row.deltaMs >= 0.05 && !envelope ? say('diagram.delta', { time: formatMs(row.deltaMs) }) : undefined;
  const deltaId = `step-delta-${row.seq}`;
  return (
    // The times sit beside the option, not in it: its name (rowLabel) says what the row shows from
    // the title on, and text before the title inside it would no longer match that name (WCAG 2.5.3,
    // label in name). The name ends with the time; the time since the previous step describes it.
    <div
      role="none"
      onClick={() => onSelect(row.seq)}
      className={`grid cursor-pointer grid-cols-[4.5rem_1fr] items-center ${height} ${
        selected ? 'bg-sky-100 ring-1 ring-sky-500 ring-inset dark:bg-sky-950/70' : 'hover:bg-zinc-50 dark:hover:bg-zinc-900'
      }`}
    >
      <span aria-hidden="true" className="px-2 text-right font-mono text-[0.7rem] leading-tight text-zinc-600 tabular-nums dark:text-zinc-400" data-testid="step-time">
        <span className="block">{formatMs(row.timeMs)}</span>
        {delta && (
          <span id={deltaId} className="block">
            {delta}
          </span>
        )}
      </span>
      <div
        id={`step-row-${row.seq}`}
        role="option"
        aria-selected={selected}
        aria-label={rowLabel(row, say)}
        aria-describedby={delta ? deltaId : undefined}
        data-seq={row.seq}
        data-kind={row.kind}
        data-layer={row.layer}
        data-tcp={row.tcp}
        data-testid="step-row"
        className="relative h-full px-3"
      >
        {/* lifelines */}
        <span aria-hidden="true" className="absolute inset-y-0 left-3 w-px bg-zinc-300 dark:bg-zinc-700" />
        <span aria-hidden="true" className="absolute inset-y-0 right-3 w-px bg-zinc-300 dark:bg-zinc-700" />
        {row.kind === 'message' && (envelope ? <RecordArrow row={row} /> : <Arrow row={row} />)}
        {row.kind === 'tcp' && <TcpMark row={row} />}
        {row.kind === 'note' && <Note row={row} />}
      </div>
    </div>
  );
});

function arrowColours(row: DiagramRow): { line: string; head: string; dashed: string } {
  if (row.tone === 'bad') return { line: 'bg-red-500', head: 'text-red-500', dashed: 'border-red-500' };
  if (row.tone === 'warning') return { line: 'bg-amber-500', head: 'text-amber-500', dashed: 'border-amber-500' };
  if (row.direction === 'client->server') return { line: 'bg-sky-600 dark:bg-sky-400', head: 'text-sky-600 dark:text-sky-400', dashed: 'border-sky-600 dark:border-sky-400' };
  return { line: 'bg-violet-600 dark:bg-violet-400', head: 'text-violet-600 dark:text-violet-400', dashed: 'border-violet-600 dark:border-violet-400' };
}

function Arrow({ row }: { row: DiagramRow }) {
  const say = useTranslate();
  const toServer = row.direction === 'client->server';
  const colours = arrowColours(row);
  return (
    <div aria-hidden="true" className="absolute inset-x-3 top-[65%] -translate-y-1/2">
      <div className={`relative mx-1 h-0.5 ${colours.line}`}>
        <span className={`absolute -top-[6px] text-[11px] leading-none ${colours.head} ${toServer ? '-right-1.5' : '-left-1.5'}`}>
          {toServer ? '▶' : '◀'}
        </span>
      </div>
      <div className={`absolute -top-[1.1rem] flex w-full gap-2 px-3 text-xs ${toServer ? 'justify-start' : 'justify-end'}`}>
        <span className={`truncate font-medium ${row.tone === 'neutral' ? 'text-zinc-800 dark:text-zinc-200' : TONE_TEXT[row.tone]}`}>
          {row.encrypted && <LockIcon className="mr-1" />}
          {row.title}
        </span>
        {/* The space before the size is in its own text, as in the row's name (axe joins text nodes as they are). */}
        {row.byteLength > 0 && <span className="shrink-0 text-zinc-600 tabular-nums dark:text-zinc-400">{` ${rowSize(row, say)}`}</span>}
      </div>
    </div>
  );
}

/** A record on the wire: a thin dashed arrow, its content type and its size with the header. */
function RecordArrow({ row }: { row: DiagramRow }) {
  const say = useTranslate();
  const toServer = row.direction === 'client->server';
  const colours = arrowColours(row);
  return (
    <div aria-hidden="true" className="absolute inset-x-3 top-[70%] -translate-y-1/2">
      <div className={`relative mx-6 border-t border-dashed opacity-70 ${colours.dashed}`}>
        <span className={`absolute -top-[6px] text-[9px] leading-none ${colours.head} ${toServer ? '-right-1' : '-left-1'}`}>{toServer ? '▶' : '◀'}</span>
      </div>
      <div className={`absolute -top-[0.95rem] flex w-full gap-2 px-7 text-[0.7rem] text-zinc-600 dark:text-zinc-400 ${toServer ? 'justify-start' : 'justify-end'}`}>
        <span className="truncate">
          {row.encrypted && <LockIcon className="mr-1" />}
          {row.title}
        </span>
        {row.byteLength > 0 && <span className="shrink-0 tabular-nums">{` ${rowSize(row, say)}`}</span>}
      </div>
    </div>
  );
}

function TcpMark({ row }: { row: DiagramRow }) {
  const kind = row.tcp!;
  const position = row.side === 'client' ? 'justify-start pl-2' : row.side === 'server' ? 'justify-end pr-2' : 'justify-center';
  return (
    <div aria-hidden="true" className={`absolute inset-x-3 top-1/2 flex -translate-y-1/2 ${position}`}>
      <span className={`inline-flex max-w-full items-center gap-1 truncate rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${TONE_BADGE[row.tone]}`}>
        <span>{TCP_MARK_GLYPH[kind]}</span>
        <span className="truncate">{row.title}</span>
      </span>
    </div>
  );
}

const NOTE_ICON: Record<DiagramRow['glyph'], ReactNode> = {
  check: <CheckIcon />,
  cross: <CrossIcon />,
  warning: <WarningIcon />,
  key: <KeyIcon />,
  note: <NoteIcon />,
  tamper: <TamperIcon />,
};

function Note({ row }: { row: DiagramRow }) {
  const icon = NOTE_ICON[row.glyph];
  return (
    <div aria-hidden="true" className="absolute inset-x-3 top-1/2 flex -translate-y-1/2 pl-3 text-xs" data-glyph={row.glyph}>
      <span className={`flex min-w-0 items-center gap-1.5 ${row.tone === 'neutral' ? 'text-zinc-700 dark:text-zinc-300' : TONE_TEXT[row.tone]}`}>
        {icon} <span className="truncate font-mono">{row.title}</span>
      </span>
    </div>
  );
}

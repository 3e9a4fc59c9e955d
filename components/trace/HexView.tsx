'use client';

import { memo, useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { AnnotatedBytes, Step, Trace } from '@/lib/trace/schema';
import { useTranslate } from '@/components/i18n/useTranslate';
import type { Translate } from '@/lib/i18n/translator';
import { explainField, fieldValue } from '@/lib/view/fieldText';
import { BYTES_PER_LINE, buildHexModel, byteRangeLabel, fieldPath, offsetLabel, type HexField, type HexLine, type HexModel } from '@/lib/view/hex';
import { RfcLink } from './RfcLink';

/**
 * The annotated hex view: a field tree and the bytes side by side. Hovering or focusing a field
 * lights up its bytes; hovering a byte (or moving the byte cursor with the arrow keys) lights up the
 * deepest field that owns it and reveals it in the tree.
 */
export function HexView({ data, label, step, trace }: { data: AnnotatedBytes; label: string; step?: Step; trace?: Trace }) {
  const say = useTranslate();
  const model = useMemo(() => {
    try {
      // Each field's words come from its place, this step and the run, in the page's language.
      return buildHexModel(data, (field, ancestors) => explainField(field, ancestors, { step, trace, hex: data.hex }, say), undefined, (field) => fieldValue(field, say));
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }, [data, step, trace, say]);
  if (model instanceof Error) {
    return (
      <p role="alert" className="text-sm text-red-700 dark:text-red-400">
        {say('hex.cannotShow', { message: model.message })}
      </p>
    );
  }
  return <HexViewInner model={model} label={label} say={say} />;
}

/**
 * Above this many lines (16 bytes each) the byte grid renders only the lines in view: a megabyte
 * HTTP response would otherwise be two million elements and freeze the page.
 */
const WINDOWED_LINES = 512;
/** Lines rendered above and below the visible ones while scrolling. */
const OVERSCAN_LINES = 24;

/**
 * Which lines of a long grid to render: those in view plus an overscan; all of a short one.
 * `reveal(line)` scrolls a line into view (the byte cursor's, moved by the keyboard or the tree).
 */
function useLineWindow(lineCount: number) {
  const gridRef = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [lineHeight, setLineHeight] = useState(20);
  const [viewport, setViewport] = useState(288);
  const windowed = lineCount > WINDOWED_LINES;

  useLayoutEffect(() => {
    const grid = gridRef.current;
    if (!grid || !windowed) return;
    setViewport(grid.clientHeight || 288);
    const row = grid.querySelector<HTMLElement>('[role=row]');
    if (row && row.offsetHeight > 0) setLineHeight(row.offsetHeight);
  }, [windowed, lineCount]);

  const reveal = useCallback(
    (line: number) => {
      const grid = gridRef.current;
      if (!grid) return;
      const top = line * lineHeight;
      if (top < grid.scrollTop) grid.scrollTop = top;
      else if (top + lineHeight > grid.scrollTop + grid.clientHeight) grid.scrollTop = top + lineHeight - grid.clientHeight;
      if (windowed) setScrollTop(grid.scrollTop);
    },
    [lineHeight, windowed],
  );

  const first = windowed ? Math.max(0, Math.floor(scrollTop / lineHeight) - OVERSCAN_LINES) : 0;
  const last = windowed ? Math.min(lineCount, Math.ceil((scrollTop + viewport) / lineHeight) + OVERSCAN_LINES) : lineCount;
  return {
    gridRef,
    reveal,
    onScroll: windowed ? (top: number) => setScrollTop(top) : undefined,
    first,
    last,
    padTop: first * lineHeight,
    padBottom: (lineCount - last) * lineHeight,
  };
}

function initiallyExpanded(model: HexModel): Set<string> {
  // Records and messages open, their inner structures folded: the first screen stays readable.
  return new Set(model.fields.filter((f) => f.depth < 2 && f.childIds.length > 0).map((f) => f.id));
}

function HexViewInner({ model, label, say }: { model: HexModel; label: string; say: Translate }) {
  const uid = useId();
  const [activeId, setActiveId] = useState<string | undefined>(undefined);
  const [cursor, setCursor] = useState(0);
  const [expanded, setExpanded] = useState<Set<string>>(() => initiallyExpanded(model));
  const [focusedTreeId, setFocusedTreeId] = useState<string | undefined>(model.fields[0]?.id);
  const treeRef = useRef<HTMLUListElement>(null);

  useEffect(() => {
    setExpanded(initiallyExpanded(model));
    setActiveId(undefined);
    setCursor(0);
    setFocusedTreeId(model.fields[0]?.id);
  }, [model]);

  const lineWindow = useLineWindow(model.lines.length);
  const revealLine = lineWindow.reveal;
  /** Puts the byte cursor on `byte` and scrolls its line into view. */
  const placeCursor = useCallback(
    (byte: number) => {
      setCursor(byte);
      revealLine(Math.floor(byte / BYTES_PER_LINE));
    },
    [revealLine],
  );
  const active = activeId ? model.byId.get(activeId) : undefined;
  const path = useMemo(() => fieldPath(model, activeId), [model, activeId]);

  const revealInTree = useCallback(
    (id: string | undefined) => {
      if (!id) return;
      const ancestors = fieldPath(model, id).slice(1);
      setExpanded((prev) => {
        if (ancestors.every((a) => prev.has(a.id))) return prev;
        const next = new Set(prev);
        for (const a of ancestors) next.add(a.id);
        return next;
      });
      requestAnimationFrame(() => {
        treeRef.current?.querySelector(`[data-field-id="${CSS.escape(id)}"]`)?.scrollIntoView({ block: 'nearest' });
      });
    },
    [model],
  );

  const moveCursor = useCallback(
    (index: number) => {
      const clamped = Math.min(Math.max(index, 0), model.length - 1);
      placeCursor(clamped);
      const id = model.byteField[clamped];
      setActiveId(id);
      revealInTree(id);
    },
    [model, revealInTree, placeCursor],
  );

  function onGridKey(event: KeyboardEvent<HTMLDivElement>) {
    const perLine = BYTES_PER_LINE;
    const moves: Record<string, number> = {
      ArrowRight: 1,
      ArrowLeft: -1,
      ArrowDown: perLine,
      ArrowUp: -perLine,
      PageDown: perLine * 8,
      PageUp: -perLine * 8,
    };
    if (event.key in moves) {
      event.preventDefault();
      moveCursor(cursor + moves[event.key]);
    } else if (event.key === 'Home') {
      event.preventDefault();
      moveCursor(event.ctrlKey ? 0 : cursor - (cursor % perLine));
    } else if (event.key === 'End') {
      event.preventDefault();
      moveCursor(event.ctrlKey ? model.length - 1 : Math.min(cursor - (cursor % perLine) + perLine - 1, model.length - 1));
    }
  }

  const visibleTree = useMemo(() => {
    const out: HexField[] = [];
    const walk = (id: string) => {
      const f = model.byId.get(id)!;
      out.push(f);
      if (expanded.has(id)) f.childIds.forEach(walk);
    };
    if (model.fields[0]) walk(model.fields[0].id);
    return out;
  }, [model, expanded]);

  function onTreeKey(event: KeyboardEvent<HTMLUListElement>) {
    const index = visibleTree.findIndex((f) => f.id === focusedTreeId);
    const current = visibleTree[index];
    if (!current) return;
    let next: HexField | undefined;
    switch (event.key) {
      case 'ArrowDown':
        next = visibleTree[index + 1];
        break;
      case 'ArrowUp':
        next = visibleTree[index - 1];
        break;
      case 'Home':
        next = visibleTree[0];
        break;
      case 'End':
        next = visibleTree[visibleTree.length - 1];
        break;
      case 'ArrowRight':
        if (current.childIds.length && !expanded.has(current.id)) {
          setExpanded(new Set(expanded).add(current.id));
        } else if (current.childIds.length) {
          next = model.byId.get(current.childIds[0]);
        }
        break;
      case 'ArrowLeft':
        if (expanded.has(current.id)) {
          const copy = new Set(expanded);
          copy.delete(current.id);
          setExpanded(copy);
        } else if (current.parentId) {
          next = model.byId.get(current.parentId);
        }
        break;
      case 'Enter':
      case ' ':
        if (current.childIds.length) {
          const copy = new Set(expanded);
          if (copy.has(current.id)) copy.delete(current.id);
          else copy.add(current.id);
          setExpanded(copy);
        }
        break;
      default:
        return;
    }
    event.preventDefault();
    if (next) {
      setFocusedTreeId(next.id);
      setActiveId(next.id);
      placeCursor(next.start);
      treeRef.current?.querySelector<HTMLElement>(`[data-field-id="${CSS.escape(next.id)}"]`)?.focus();
    }
  }

  const toggle = (id: string) => {
    const copy = new Set(expanded);
    if (copy.has(id)) copy.delete(id);
    else copy.add(id);
    setExpanded(copy);
  };

  // Alternating shades per leaf span make field boundaries visible without hovering.
  const spanShade = useMemo(() => {
    const shade = new Uint8Array(model.length);
    model.spans.forEach((span, i) => {
      for (let b = span.start; b < span.end; b++) shade[b] = span.fieldId === undefined ? 2 : i % 2;
    });
    return shade;
  }, [model]);

  const activeStart = active?.start ?? -1;
  const activeEnd = active?.end ?? -1;
  const cellId = useCallback((i: number) => `${uid}-b${i}`, [uid]);
  const onHoverByte = useCallback(
    (i: number) => {
      setActiveId(model.byteField[i]);
      setCursor(i);
    },
    [model],
  );

  return (
    <div className="grid gap-3 2xl:grid-cols-[minmax(0,1fr)_minmax(0,1.4fr)]" data-testid="hex-view">
      <div className="min-w-0 2xl:order-first order-last">
        <h4 className="mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-500 dark:text-zinc-400">{say('hex.fields')}</h4>
        {model.fields.length === 0 ? (
          <p className="text-sm text-zinc-500 dark:text-zinc-400">{say('hex.noAnnotation')}</p>
        ) : (
          <ul
            ref={treeRef}
            role="tree"
            aria-label={say('hex.fieldsOf', { label })}
            className="max-h-96 overflow-auto rounded border border-zinc-200 p-1 text-sm dark:border-zinc-800"
            onKeyDown={onTreeKey}
          >
            {visibleTree.map((f) => {
              const isActive = f.id === activeId;
              const inPath = !isActive && path.some((p) => p.id === f.id);
              const size = model.byId.get(f.id)!;
              return (
                <li
                  key={f.id}
                  role="treeitem"
                  aria-level={f.depth + 1}
                  aria-expanded={f.childIds.length ? expanded.has(f.id) : undefined}
                  aria-selected={isActive}
                  tabIndex={f.id === focusedTreeId ? 0 : -1}
                  data-field-id={f.id}
                  data-testid="hex-field"
                  onFocus={() => {
                    setFocusedTreeId(f.id);
                    setActiveId(f.id);
                    placeCursor(f.start);
                  }}
                  // The byte cursor follows the field pointed at, so the status line's byte is the field's first.
                  onMouseEnter={() => {
                    setActiveId(f.id);
                    setCursor(f.start);
                  }}
                  onClick={() => {
                    setFocusedTreeId(f.id);
                    setActiveId(f.id);
                    placeCursor(f.start);
                    if (f.childIds.length) toggle(f.id);
                  }}
                  className={`flex cursor-pointer items-baseline gap-1 rounded px-1 py-0.5 outline-offset-0 ${
                    isActive ? 'bg-sky-100 dark:bg-sky-900/60' : inPath ? 'bg-sky-50 dark:bg-sky-950/40' : 'hover:bg-zinc-100 dark:hover:bg-zinc-800/60'
                  }`}
                  style={{ paddingLeft: `${f.depth * 0.9 + 0.25}rem` }}
                >
                  <span aria-hidden="true" className="inline-block w-3 shrink-0 text-zinc-500 dark:text-zinc-400">
                    {f.childIds.length ? (expanded.has(f.id) ? '▾' : '▸') : ''}
                  </span>
                  {/* Names and decoded values are the protocol's own tokens and the bytes' data: translate="no" (HTML §3.2.6.8) keeps page translators off them. */}
                  <span className="font-mono text-[0.8rem] text-zinc-900 dark:text-zinc-100" translate="no">
                    {f.name}
                  </span>
                  {f.value !== undefined && (
                    <span data-testid="hex-field-value" className="min-w-0 truncate font-mono text-[0.8rem] text-sky-800 dark:text-sky-300" title={f.value} translate={f.worded ? undefined : 'no'}>
                      {f.value}
                    </span>
                  )}
                  <span className="ml-auto shrink-0 pl-2 text-xs text-zinc-500 tabular-nums dark:text-zinc-400">
                    {say('hex.size', { bytes: String(size.end - size.start) })}
                    {f.clipped ? say('hex.clipped') : ''}
                  </span>
                </li>
              );
            })}
          </ul>
        )}
        <FieldDetail field={active} path={path} say={say} />
      </div>

      <div className="min-w-0">
        <h4 className="mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-500 dark:text-zinc-400">
          {say('hex.bytes')} <span className="font-normal normal-case">({model.length})</span>
        </h4>
        <div
          ref={lineWindow.gridRef}
          role="grid"
          aria-label={say('hex.bytesOf', { label })}
          aria-readonly="true"
          aria-rowcount={model.lines.length}
          aria-activedescendant={model.length ? cellId(cursor) : undefined}
          tabIndex={0}
          onKeyDown={onGridKey}
          onScroll={lineWindow.onScroll && ((e) => lineWindow.onScroll!(e.currentTarget.scrollTop))}
          onFocus={() => {
            if (activeId === undefined && model.length) moveCursor(cursor);
          }}
          className="max-h-72 overflow-auto rounded border border-zinc-200 p-2 font-mono text-[0.78rem] leading-5 dark:border-zinc-800"
          data-testid="hex-grid"
        >
          {lineWindow.padTop > 0 && <div aria-hidden="true" style={{ height: lineWindow.padTop }} />}
          {model.lines.slice(lineWindow.first, lineWindow.last).map((line, k) => {
            const start = Math.max(activeStart, line.start);
            const end = Math.min(activeEnd, line.end);
            return (
              <HexRow
                key={line.offset}
                line={line}
                rowIndex={lineWindow.first + k + 1}
                model={model}
                shade={spanShade}
                activeStart={start < end ? start : 0}
                activeEnd={start < end ? end : 0}
                cursor={cursor >= line.start && cursor < line.end ? cursor : -1}
                cellId={cellId}
                onHoverByte={onHoverByte}
                onClickByte={moveCursor}
              />
            );
          })}
          {lineWindow.padBottom > 0 && <div aria-hidden="true" style={{ height: lineWindow.padBottom }} />}
        </div>
        <p className="mt-1 min-h-5 text-xs text-zinc-600 dark:text-zinc-400" aria-live="polite">
          {active
            ? say('hex.status', {
                offset: offsetLabel(cursor, model.length),
                path: path
                  .map((p) => p.name)
                  .reverse()
                  .join(' › '),
                range: byteRangeLabel(active.start, active.end, say),
              })
            : say('hex.hint')}
        </p>
      </div>
    </div>
  );
}

function FieldDetail({ field, path, say }: { field?: HexField; path: HexField[]; say: Translate }) {
  if (!field) return null;
  return (
    <div className="mt-2 rounded border border-zinc-200 bg-zinc-50 p-2 text-sm dark:border-zinc-800 dark:bg-zinc-900" data-testid="field-detail">
      <div className="font-mono text-xs text-zinc-500 dark:text-zinc-400" translate="no">
        {path
          .map((p) => p.name)
          .reverse()
          .join(' › ')}
      </div>
      <div className="mt-0.5 flex flex-wrap items-baseline gap-x-2">
        <span className="font-mono font-semibold" translate="no">
          {field.name}
        </span>
        {field.value !== undefined && (
          <span data-testid="hex-field-value" className="break-all font-mono text-sky-800 dark:text-sky-300" translate={field.worded ? undefined : 'no'}>
            {field.value}
          </span>
        )}
      </div>
      {field.explanation && <p className="mt-1 text-zinc-700 dark:text-zinc-300" data-testid="field-explanation">{field.explanation}</p>}
      <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
        {say('hex.offset', { offset: String(field.start), bytes: field.end - field.start })}
        {field.rfc ? ' · ' : ''}
        <RfcLink reference={field.rfc} />
      </p>
    </div>
  );
}

interface HexRowProps {
  line: HexLine;
  /** 1-based, for the grid's aria-rowindex (long grids render only some of their rows). */
  rowIndex: number;
  model: HexModel;
  shade: Uint8Array;
  /** Highlighted byte range within this line ([start, end), empty when start >= end). */
  activeStart: number;
  activeEnd: number;
  cursor: number;
  cellId: (i: number) => string;
  onHoverByte: (i: number) => void;
  onClickByte: (i: number) => void;
}

/** One line of 16 bytes; memoised so hovering re-renders only the lines whose highlight changed. */
const HexRow = memo(function HexRow({ line, rowIndex, model, shade, activeStart, activeEnd, cursor, cellId, onHoverByte, onClickByte }: HexRowProps) {
  const cells = [];
  for (let i = line.start; i < line.end; i++) {
    const lit = i >= activeStart && i < activeEnd;
    const base = shade[i] === 2 ? 'text-zinc-500 dark:text-zinc-400' : shade[i] === 1 ? 'bg-zinc-100 dark:bg-zinc-800/70' : '';
    cells.push(
      <span
        key={i}
        id={cellId(i)}
        role="gridcell"
        aria-selected={lit}
        data-byte={i}
        data-lit={lit ? 'true' : undefined}
        onMouseEnter={() => onHoverByte(i)}
        onClick={() => onClickByte(i)}
        className={`inline-block w-[3ch] cursor-default text-center ${lit ? 'bg-sky-200 text-sky-950 dark:bg-sky-700 dark:text-white' : base} ${
          i === cursor ? 'outline outline-1 -outline-offset-1 outline-sky-600 dark:outline-sky-300' : ''
        } ${(i - line.start) % 8 === 7 && i !== line.end - 1 ? 'mr-[0.75ch]' : ''}`}
      >
        {model.cells[i]}
      </span>,
    );
  }
  return (
    <div role="row" aria-rowindex={rowIndex} className="flex whitespace-nowrap" translate="no">
      <span role="rowheader" className="mr-2 select-none text-zinc-600 dark:text-zinc-400">
        {offsetLabel(line.offset, model.length)}
      </span>
      {cells}
      <span aria-hidden="true" className="ml-3 hidden select-none text-zinc-500 sm:inline dark:text-zinc-400">
        {model.ascii.slice(line.start, line.end).map((ch, k) => {
          const i = line.start + k;
          const lit = i >= activeStart && i < activeEnd;
          return (
            <span key={i} className={lit ? 'bg-sky-200 text-sky-950 dark:bg-sky-700 dark:text-white' : ''}>
              {ch}
            </span>
          );
        })}
      </span>
    </div>
  );
});

import type { Direction, Layer, Step } from '../trace/schema';
import { alertOf, byteLength, isCloseNotify } from '../trace/steps';
import { stepTitle } from './stepText';
import type { Translate } from '../i18n/translator';
import { english } from '../i18n/english';
import { formatMs } from './summary';


/**
 * The sequence diagram's model: one row per step, in order. Rows are a function of the steps
 * before and including them only, so rows already on screen never change while later steps
 * stream in (no layout jumps): buildDiagram(steps.slice(0, n)) is a prefix of buildDiagram(steps).
 */

/** TCP and relay events drawn as marks of their own, not as arrows of TLS messages. */
export type TcpMarkKind =
  | 'connecting'
  | 'resolved'
  | 'connect'
  | 'fin'
  | 'shutdown'
  | 'reset'
  | 'timeout'
  | 'refused'
  | 'relay-refusal'
  | 'unreachable'
  | 'error'
  | 'closed';

export type RowPhase = 'tcp' | 'handshake' | 'record' | 'alert' | 'application' | 'local';

export interface DiagramRow {
  seq: number;
  /** Index of the step in trace.steps (for selection). */
  index: number;
  title: string;
  layer: Layer;
  direction: Direction;
  phase: RowPhase;
  kind: 'message' | 'tcp' | 'note';
  tcp?: TcpMarkKind;
  /** Which side the TCP event or local work happened on. */
  side: 'client' | 'server' | 'both';
  timeMs: number;
  /** Time since the previous step (0 for the first). */
  deltaMs: number;
  byteLength: number;
  /** A protected record (TLS 1.3 ciphertext, or TLS 1.2 after ChangeCipherSpec). */
  encrypted: boolean;
  /**
   * The record row above that carried this message (received records are reported before the
   * messages they hold).
   */
  parentSeq?: number;
  /**
   * The message rows above that this record carried (sent messages are reported before the record
   * that carries them).
   */
  carries?: number[];
  /** Drawn small under its partner row: a message inside a record, or a record after its messages. */
  compact: boolean;
  tone: 'neutral' | 'good' | 'warning' | 'bad';
  /**
   * The mark beside a note (a local step), from what the step says, never from its layer alone: a
   * check only for a check that passed or a success, a cross for a failure, a warning sign for a
   * refusal or a check continued past, a key for a derivation, a pen for a tamper experiment's
   * change, a plain dot for a neutral note.
   */
  glyph: 'check' | 'cross' | 'warning' | 'key' | 'note' | 'tamper';
  /** Alert level when the step is an alert. */
  alertLevel?: 'warning' | 'fatal';
  /** A note about session resumption or 0-RTT early data (named as such, not as a generic check). */
  topic?: 'resumption' | 'early-data';
}

export interface Diagram {
  rows: DiagramRow[];
  totalMs: number;
  /** Counts for the legend and the live status line. */
  counts: { messages: number; tcp: number; notes: number; bytesSent: number; bytesReceived: number };
}

/**
 * Classifies a transport step: the transport's own event name and error code decide (the relay's
 * refusals, the system's ECONNREFUSED and the like).
 */
export function classifyTcp(step: Step): TcpMarkKind {
  if (step.kind !== 'transport') return 'error';
  const d = step.data;
  if (d.event === 'error') {
    const code = d.code.toUpperCase();
    if (RELAY_REFUSALS.has(code)) return 'relay-refusal';
    if (code === 'ECONNRESET' || code === 'EPIPE') return 'reset';
    if (code === 'ECONNREFUSED') return 'refused';
    if (code === 'ETIMEDOUT') return 'timeout';
    if (code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'unreachable';
    return 'error';
  }
  switch (d.event) {
    case 'connecting':
      return 'connecting';
    case 'resolved':
      return 'resolved';
    case 'connected':
      return 'connect';
    case 'fin':
      return 'fin';
    case 'reset':
      return 'reset';
    case 'timeout':
      return 'timeout';
    case 'close':
      return 'closed';
    case 'shutdown':
      return 'shutdown';
  }
}

const RELAY_REFUSALS = new Set(['POLICY', 'RATE', 'LIMIT', 'RELAY']);

const TCP_TONE: Record<TcpMarkKind, DiagramRow['tone']> = {
  connecting: 'neutral',
  resolved: 'neutral',
  connect: 'good',
  fin: 'neutral',
  shutdown: 'neutral',
  reset: 'bad',
  timeout: 'bad',
  refused: 'bad',
  'relay-refusal': 'bad',
  unreachable: 'bad',
  error: 'bad',
  closed: 'neutral',
};

function tcpSide(kind: TcpMarkKind, direction: Direction): DiagramRow['side'] {
  if (direction === 'client->server') return 'client';
  if (direction === 'server->client') return 'server';
  switch (kind) {
    case 'fin':
    case 'reset':
      return 'server';
    case 'shutdown':
    case 'connecting':
    case 'resolved':
    case 'relay-refusal':
      return 'client';
    default:
      return 'both';
  }
}

function alertLevel(step: Step): 'warning' | 'fatal' | undefined {
  return alertOf(step)?.level;
}

function phaseOf(layer: Layer): RowPhase {
  switch (layer) {
    case 'tcp':
      return 'tcp';
    case 'handshake':
      return 'handshake';
    case 'record':
      return 'record';
    case 'alert':
      return 'alert';
    case 'application':
    case 'http':
      return 'application';
    default:
      return 'local';
  }
}

/** The hex digits a record carries that may contain a later message's bytes. */
function carriedHex(step: Step): string[] {
  const out: string[] = [];
  if (step.plaintext?.hex) out.push(step.plaintext.hex.toLowerCase());
  if (step.bytes?.hex) out.push(step.bytes.hex.toLowerCase());
  return out;
}

/** Whether `needle` occurs in `haystack` at a byte boundary (both lowercase hex). */
function containsBytes(haystack: string, needle: string): boolean {
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
    if (at % 2 === 0) return true;
  }
  return false;
}

/** The tone of a local note: the certificate verdict (an accepted risk is a warning), a run that could not run. */
function noteTone(step: Step): DiagramRow['tone'] {
  if (step.kind === 'check' && step.data.check === 'certificate') return step.data.ok ? 'good' : step.data.insecure ? 'warning' : 'bad';
  if ((step.kind === 'check' && !step.data.ok) || step.kind === 'refusal') return 'bad';
  if (step.kind === 'error') return step.data.source === 'input' || step.data.source === 'internal' ? 'bad' : 'neutral';
  // A tamper experiment's change stands out: what follows is the server's reaction to it.
  if (step.kind === 'tamper') return 'warning';
  // The server's answer to a resumption or to early data: taken, or declined (a full handshake, the request sent again).
  if (step.kind === 'resumption') return step.data.event === 'accepted' ? 'good' : step.data.event === 'refused' ? 'warning' : 'neutral';
  if (step.kind === 'early-data') return step.data.event === 'accepted' ? 'good' : step.data.event === 'rejected' ? 'warning' : 'neutral';
  return 'neutral';
}

/** Messages reported but not yet tied to a record, per direction (sent ones wait for theirs). */
type Pending = Map<Direction, Step[]>;

function buildDiagramRow(step: Step, index: number, previous: Step | undefined, records: Step[], pending: Pending, t?: Translate): DiagramRow {
  const phase = phaseOf(step.layer);
  const kind: DiagramRow['kind'] = phase === 'tcp' ? 'tcp' : step.direction === 'local' ? 'note' : 'message';
  const tcp = kind === 'tcp' ? classifyTcp(step) : undefined;
  const level = alertLevel(step);

  let parentSeq: number | undefined;
  let carries: number[] | undefined;
  if (kind === 'message' && step.layer !== 'record' && step.bytes?.hex) {
    // A message belongs to the latest earlier record of the same direction whose bytes (or
    // decrypted plaintext) contain it: records can carry several messages (RFC 8446 §5.1).
    const hex = step.bytes.hex.toLowerCase();
    for (let i = records.length - 1; i >= 0; i--) {
      const record = records[i];
      if (record.direction !== step.direction) continue;
      if (carriedHex(record).some((h) => containsBytes(h, hex))) parentSeq = record.seq;
      // Only the latest record of this direction can be the carrier.
      break;
    }
    if (parentSeq === undefined) {
      const list = pending.get(step.direction) ?? [];
      list.push(step);
      pending.set(step.direction, list);
    }
  } else if (kind === 'message' && step.layer === 'record') {
    const waiting = pending.get(step.direction) ?? [];
    const hexes = carriedHex(step);
    const carried = waiting.filter((m) => hexes.some((h) => containsBytes(h, m.bytes!.hex.toLowerCase())));
    if (carried.length) carries = carried.map((m) => m.seq);
    pending.set(step.direction, []);
  }

  let tone: DiagramRow['tone'] = 'neutral';
  if (tcp) tone = TCP_TONE[tcp];
  else if (level === 'fatal') tone = 'bad';
  else if (level === 'warning') tone = isCloseNotify(step) ? 'neutral' : 'warning';
  else if (step.layer === 'verdict' || step.layer === 'certificate' || step.kind === 'tamper' || step.kind === 'resumption' || step.kind === 'early-data') tone = noteTone(step);
  // A client's answer to a HelloRequest: renegotiating goes on, anything else refuses.
  if (step.kind === 'personality' && step.data.reaction !== 'renegotiate') tone = 'warning';
  const glyph: DiagramRow['glyph'] = step.kind === 'tamper' ? 'tamper' : step.layer === 'key' ? 'key' : tone === 'good' ? 'check' : tone === 'bad' ? 'cross' : tone === 'warning' ? 'warning' : 'note';

  return {
    seq: step.seq,
    index,
    title: stepTitle(step, t),
    layer: step.layer,
    direction: step.direction,
    phase,
    kind,
    tcp,
    side: tcp ? tcpSide(tcp, step.direction) : step.direction === 'local' ? 'client' : step.direction === 'client->server' ? 'client' : 'server',
    timeMs: step.timeMs,
    deltaMs: previous ? Math.max(0, step.timeMs - previous.timeMs) : 0,
    byteLength: byteLength(step),
    encrypted: !!step.plaintext || (step.kind === 'record' && step.data.encrypted),
    parentSeq,
    carries,
    compact: parentSeq !== undefined || carries !== undefined,
    tone,
    glyph,
    alertLevel: level,
    ...(step.kind === 'resumption' || step.kind === 'early-data' ? { topic: step.kind } : {}),
  };
}

export function buildDiagram(steps: readonly Step[], t?: Translate): Diagram {
  const rows: DiagramRow[] = [];
  const records: Step[] = [];
  const pending: Pending = new Map();
  const counts = { messages: 0, tcp: 0, notes: 0, bytesSent: 0, bytesReceived: 0 };
  steps.forEach((step, index) => {
    const row = buildDiagramRow(step, index, steps[index - 1], records, pending, t);
    if (step.layer === 'record' && step.direction !== 'local') records.push(step);
    rows.push(row);
    if (row.kind === 'message') counts.messages++;
    else if (row.kind === 'tcp') counts.tcp++;
    else counts.notes++;
    // Wire bytes are counted once, on the record (messages inside it repeat its bytes).
    if (row.kind === 'message' && step.layer === 'record') {
      if (step.direction === 'client->server') counts.bytesSent += row.byteLength;
      else counts.bytesReceived += row.byteLength;
    }
  });
  const last = steps[steps.length - 1];
  return { rows, totalMs: last ? last.timeMs : 0, counts };
}

/** Glyphs every common font has, one per TCP mark (fancier symbols render as empty boxes on many systems). */
export const TCP_MARK_GLYPH: Record<TcpMarkKind, string> = {
  connecting: '…',
  resolved: '•',
  connect: '⇄',
  fin: '■',
  shutdown: '■',
  reset: '⚡',
  timeout: '✕',
  refused: '✕',
  'relay-refusal': '✕',
  unreachable: '✕',
  error: '✕',
  closed: '■',
};

/**
 * A message's size as its row draws it: a record's bytes on the wire (its header included), a
 * message's own. The row's name says it in the same words, right after the title, because that is
 * where the row shows it (WCAG 2.5.3, label in name).
 */
export function rowSize(row: DiagramRow, t: Translate = english): string {
  const bytes = String(row.byteLength);
  return row.layer === 'record' ? t('diagram.onTheWire', { bytes }) : t('diagram.size', { bytes });
}

/** One row said in words, for screen readers: what it is, which way, how big, when (English unless `t` is given). */
export function rowLabel(row: DiagramRow, t: Translate = english): string {
  const at = t('stepDetail.at', { time: formatMs(row.timeMs) });
  if (row.kind === 'tcp') return t('diagram.row.tcp', { mark: t(`stepDetail.tcp.${row.tcp!}`), title: row.title, at });
  if (row.kind === 'note') {
    if (row.topic && row.layer !== 'key' && row.glyph !== 'tamper') return t('diagram.row.topic', { topic: t(`diagram.topic.${row.topic}`), title: row.title, at });
    return t(row.layer === 'key' ? 'diagram.row.key' : row.glyph === 'tamper' ? 'diagram.row.tamper' : 'diagram.row.check', { title: row.title, at });
  }
  return t('diagram.row.message', {
    title: row.title,
    direction: t(`compare.direction.${row.direction === 'client->server' ? 'client->server' : 'server->client'}`),
    encrypted: row.encrypted ? 'yes' : 'no',
    size: row.byteLength ? t('diagram.row.size', { size: rowSize(row, t) }) : '',
    inside: row.parentSeq !== undefined ? t('diagram.row.insideRecord') : row.carries ? t('diagram.row.carries') : '',
    at,
  });
}

/**
 * The step's place in the run, counted from 1 as the diagram's header counts steps ("Step 1" is the
 * first row, the last is "Step N of N"). A step's seq is its id, not its place: recorders have
 * numbered from 0 or from 1, so the place is read from the list.
 */
export function stepNumber(steps: readonly Step[], seq: number): number {
  return steps.findIndex((s) => s.seq === seq) + 1;
}

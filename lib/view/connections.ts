import type { Step, Trace } from '../trace/schema';
import { compareRuns, type AlignedRow } from './compare';
import { buildDiagram } from './diagram';

/**
 * A resumed run's two connections side by side: the first connection's full handshake and the
 * second's resumed (abbreviated) one, their handshake messages aligned (lib/view/compare.ts), with
 * totals that show how much shorter resumption is: no Certificate or CertificateVerify in a TLS 1.3
 * PSK handshake (RFC 8446 §2.2), no certificate and no key exchange in a TLS 1.2 abbreviated one
 * (RFC 5246 §7.3, Figure 2).
 */
export interface ConnectionTotals {
  /** Handshake messages both ways (ChangeCipherSpec included: TLS 1.2 counts it in its flights). */
  handshakeMessages: number;
  /** Bytes on the wire both ways, counted once per record. */
  bytes: number;
  /** From the ClientHello to the handshake's end, when both are in the trace. */
  handshakeMs?: number;
  /** Whether the server sent its certificate. */
  certificate: boolean;
}

export interface ConnectionsView {
  rows: AlignedRow[];
  first: ConnectionTotals;
  second: ConnectionTotals;
}

/** The steps the comparison shows: the handshake's messages, the ChangeCipherSpecs, the HTTP exchange. */
function handshakeSteps(trace: Trace): Step[] {
  return trace.steps.filter((s) => s.direction !== 'local' && (s.kind === 'handshake' || s.kind === 'change-cipher-spec' || s.kind === 'http'));
}

function totals(trace: Trace): ConnectionTotals {
  const messages = trace.steps.filter((s) => s.direction !== 'local' && (s.kind === 'handshake' || s.kind === 'change-cipher-spec'));
  const { counts } = buildDiagram(trace.steps);
  const hello = trace.steps.find((s) => s.kind === 'handshake' && s.direction === 'client->server');
  const complete = trace.steps.find((s) => s.kind === 'handshake-complete');
  return {
    handshakeMessages: messages.filter((s) => !(s.kind === 'handshake' && s.data.message === 'new_session_ticket')).length,
    bytes: counts.bytesSent + counts.bytesReceived,
    ...(hello && complete ? { handshakeMs: Math.max(0, complete.timeMs - hello.timeMs) } : {}),
    certificate: trace.steps.some((s) => s.kind === 'handshake' && s.direction === 'server->client' && s.data.message === 'certificate'),
  };
}

/** The two connections of a resumed run, or undefined for a run of one connection. */
export function connectionsOf(trace: Trace): ConnectionsView | undefined {
  const first = trace.firstConnection;
  if (!first) return undefined;
  const { rows } = compareRuns({ ...first, steps: handshakeSteps(first) }, { ...trace, steps: handshakeSteps(trace) });
  return { rows, first: totals(first), second: totals(trace) };
}

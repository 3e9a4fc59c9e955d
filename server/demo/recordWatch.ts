/**
 * Watching TLS 1.2 record headers on a TCP stream, to reproduce what http.sys does when a client
 * refuses its renegotiation: it resets the TCP connection.
 *
 * In TLS 1.2 the record header (RFC 5246 §6.2.1: content type, version, length) stays in the clear
 * even when the fragment is encrypted, so a byte pipe can tell a HelloRequest-carrying handshake
 * record from an alert without any key. The pure logic lives here; server/demo/resetFront.ts wires
 * it to sockets.
 */

/** RFC 5246 §6.2.1 ContentType. */
export const ContentType = {
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
} as const;

const RECORD_HEADER_LENGTH = 5;
/** RFC 5246 §6.2.3: a TLSCiphertext fragment is at most 2^14 + 2048 bytes. */
const MAX_CIPHERTEXT_LENGTH = (1 << 14) + 2048;

/**
 * Splits one direction of a TLS byte stream into records, reporting each record's content type as
 * soon as its header is complete. Anything that is not a TLS record stream (an SSLv2-format hello,
 * plain HTTP, garbage) makes it stop reporting for good: the pipe then simply passes bytes.
 */
export class RecordHeaderScanner {
  private readonly header = new Uint8Array(RECORD_HEADER_LENGTH);
  private headerFilled = 0;
  private fragmentLeft = 0;
  private notTls = false;

  /** True once the stream turned out not to be TLS records. */
  get gaveUp(): boolean {
    return this.notTls;
  }

  push(chunk: Uint8Array): number[] {
    const types: number[] = [];
    let i = 0;
    while (i < chunk.length && !this.notTls) {
      if (this.fragmentLeft > 0) {
        const skip = Math.min(this.fragmentLeft, chunk.length - i);
        this.fragmentLeft -= skip;
        i += skip;
        continue;
      }
      this.header[this.headerFilled++] = chunk[i++];
      if (this.headerFilled < RECORD_HEADER_LENGTH) continue;
      this.headerFilled = 0;
      const type = this.header[0];
      const length = (this.header[3] << 8) | this.header[4];
      if (type < 20 || type > 24 || this.header[1] !== 3 || length > MAX_CIPHERTEXT_LENGTH) {
        this.notTls = true;
        break;
      }
      this.fragmentLeft = length;
      types.push(type);
    }
    return types;
  }
}

/**
 * Where the server is in its handshakes, seen only through record types:
 * - handshaking: before the server's ChangeCipherSpec;
 * - expectingFinished: the server's next handshake record is its (encrypted) Finished;
 * - established: any further server handshake record is post-handshake — in TLS 1.2 a HelloRequest
 *   (RFC 5246 §7.4.1.1), or the ServerHello of a renegotiation the client started.
 */
type ServerPhase = 'handshaking' | 'expectingFinished' | 'established';

export type ClientChunkVerdict = 'forward' | 'reset';

/**
 * Decides when to reset: after the server sent a handshake record once a handshake had finished,
 * if the client's next handshake-or-alert record is an Alert (e.g. warning no_renegotiation, or a
 * fatal alert), the connection is reset without forwarding it — as http.sys does. Application data
 * the client sends in between does not settle anything: it may have been in flight before the
 * HelloRequest arrived.
 */
export class RenegotiationRefusalDetector {
  private readonly fromServerScanner = new RecordHeaderScanner();
  private readonly fromClientScanner = new RecordHeaderScanner();
  private phase: ServerPhase = 'handshaking';
  private awaitingClientAnswer = false;

  /** True while a post-handshake server handshake record waits for the client's answer. */
  get awaitingAnswer(): boolean {
    return this.awaitingClientAnswer;
  }

  serverBytes(chunk: Uint8Array): void {
    for (const type of this.fromServerScanner.push(chunk)) {
      if (type === ContentType.change_cipher_spec) {
        this.phase = 'expectingFinished';
      } else if (type === ContentType.handshake) {
        if (this.phase === 'expectingFinished') {
          this.phase = 'established';
        } else if (this.phase === 'established') {
          // A new handshake starts: a HelloRequest, or the first flight of a renegotiation.
          this.phase = 'handshaking';
          this.awaitingClientAnswer = true;
        }
      }
    }
  }

  clientBytes(chunk: Uint8Array): ClientChunkVerdict {
    for (const type of this.fromClientScanner.push(chunk)) {
      if (!this.awaitingClientAnswer) continue;
      if (type === ContentType.alert) return 'reset';
      if (type === ContentType.handshake) this.awaitingClientAnswer = false;
    }
    return 'forward';
  }
}

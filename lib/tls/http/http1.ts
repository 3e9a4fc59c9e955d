import { inEnglish, said, type Diagnostic } from '../diagnostics';
import { concat, fromUtf8, utf8 } from '../wire/bytes';
import type { Field } from '../wire/field';
import { sizeValue } from '../wire/field';

/** HTTP/1.1 over the TLS connection (RFC 9112): the request the client sends and the response it reads. */

export interface HttpRequest {
  method: string;
  path: string;
  host: string;
  headers?: [string, string][];
  body?: Uint8Array;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** A request that cannot be written as asked (a method that is not a token, a header that would inject a line). */
export class HttpRequestError extends Error {
  override name = 'HttpRequestError';
  constructor(readonly diagnostic: Diagnostic) {
    super(inEnglish(diagnostic));
  }
}

/**
 * Checks the request line's parts (RFC 9112 §3: the method is a token, the target an origin-form
 * path without whitespace): throws HttpRequestError naming the first that cannot be sent. A run
 * checks them before it connects, so a mistyped method is the input's fault, said at once.
 */
export function checkRequestLine(method: string, path: string): void {
  if (!TOKEN.test(method)) throw new HttpRequestError(said('client.httpMethod', { method }));
  if (!path.startsWith('/') || /[\s]/.test(path)) throw new HttpRequestError(said('client.httpTarget', { target: path }));
}

export function encodeRequest(req: HttpRequest): { bytes: Uint8Array; field: Field } {
  checkRequestLine(req.method, req.path);
  const body = req.body ?? new Uint8Array(0);
  const headers: [string, string][] = [
    ['Host', req.host],
    ['User-Agent', 'tls-playground'],
    ['Accept', '*/*'],
    ['Connection', 'close'],
    ...(body.length || req.method === 'POST' || req.method === 'PUT' ? ([['Content-Length', String(body.length)]] as [string, string][]) : []),
    ...(req.headers ?? []),
  ];
  const children: Field[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  const add = (name: string, text: string, value?: string) => {
    const b = utf8(text);
    children.push({ name, offset, length: b.length, value });
    parts.push(b);
    offset += b.length;
  };
  add('request-line', `${req.method} ${req.path} HTTP/1.1\r\n`, `${req.method} ${req.path}`);
  for (const [k, v] of headers) {
    if (!TOKEN.test(k) || /[\r\n]/.test(v)) throw new HttpRequestError(said('client.httpHeader', { name: k }));
    add(`header ${k}`, `${k}: ${v}\r\n`, v);
  }
  add('end of headers', '\r\n');
  if (body.length) {
    children.push({ name: 'body', offset, length: body.length, ...sizeValue(body.length) });
    parts.push(body);
  }
  const bytes = concat(...parts);
  return { bytes, field: { name: 'HTTP request', offset: 0, length: bytes.length, rfc: 'RFC 9112 §3', children } };
}

export interface HttpResponse {
  status: number;
  reason: string;
  headers: [string, string][];
  bodyBytes: number;
  chunked: boolean;
  body: Uint8Array;
  /** The whole response as received, and its annotation. */
  bytes: Uint8Array;
  field: Field;
}

/**
 * Reads a response incrementally. `complete` turns true when the framing (Content-Length, chunked,
 * or a response without body) says it is done; `end()` completes a close-delimited body.
 */
export class HttpResponseParser {
  private data: Uint8Array = new Uint8Array(0);
  private headerEnd = -1;
  private head?: { status: number; reason: string; headers: [string, string][]; fields: Field[] };
  complete = false;
  /** Why the response cannot be read, as data (lib/tls/diagnostics); `error` is its English. */
  problem?: Diagnostic;

  constructor(private readonly method: string) {}

  get error(): string | undefined {
    return this.problem && inEnglish(this.problem);
  }

  get received(): number {
    return this.data.length;
  }

  feed(bytes: Uint8Array): void {
    if (this.complete || this.problem) return;
    this.data = concat(this.data, bytes);
    if (!this.head) this.parseHead();
    if (this.head) this.checkComplete();
  }

  /** The server closed the connection: a close-delimited body ends here. */
  end(): void {
    if (this.head && !this.complete && !this.hasFraming()) this.complete = true;
  }

  private parseHead(): void {
    const text = fromUtf8(this.data.subarray(0, Math.min(this.data.length, 65536)));
    const idx = text.indexOf('\r\n\r\n');
    if (idx < 0) {
      if (this.data.length > 65536) this.problem = said('client.httpHeadTooLarge');
      else if (this.data.length >= 5 && !text.startsWith('HTTP/')) this.problem = said('client.httpNotHttp', { start: text.slice(0, 20) });
      return;
    }
    const headText = text.slice(0, idx);
    this.headerEnd = utf8(headText).length + 4;
    const lines = headText.split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(lines[0]);
    if (!m) {
      this.problem = said('client.httpStatusLine', { line: lines[0].slice(0, 60) });
      return;
    }
    const fields: Field[] = [];
    let offset = 0;
    const push = (name: string, line: string, value?: string) => {
      const n = utf8(line).length + 2;
      fields.push({ name, offset, length: n, value });
      offset += n;
    };
    push('status-line', lines[0], `${m[1]} ${m[2] ?? ''}`.trim());
    const headers: [string, string][] = [];
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) {
        this.problem = said('client.httpHeaderLine', { line: line.slice(0, 60) });
        return;
      }
      const k = line.slice(0, colon).trim();
      const v = line.slice(colon + 1).trim();
      headers.push([k, v]);
      push(`header ${k}`, line, v);
    }
    fields.push({ name: 'end of headers', offset, length: 2 });
    this.head = { status: Number(m[1]), reason: m[2] ?? '', headers, fields };
  }

  private header(name: string): string | undefined {
    return this.head?.headers.find(([k]) => k.toLowerCase() === name)?.[1];
  }

  private hasFraming(): boolean {
    return this.isChunked() || this.header('content-length') !== undefined || this.noBody();
  }

  private isChunked(): boolean {
    return /(^|,)\s*chunked\s*$/i.test(this.header('transfer-encoding') ?? '');
  }

  private noBody(): boolean {
    const s = this.head!.status;
    return this.method === 'HEAD' || (s >= 100 && s < 200) || s === 204 || s === 304;
  }

  private checkComplete(): void {
    const bodyLength = this.data.length - this.headerEnd;
    if (this.noBody()) this.complete = true;
    else if (this.isChunked()) this.complete = this.decodeChunked() !== undefined;
    else {
      const cl = this.header('content-length');
      if (cl !== undefined) {
        const n = Number(cl);
        if (!Number.isInteger(n) || n < 0) this.problem = said('client.httpContentLength', { value: cl });
        else this.complete = bodyLength >= n;
      }
    }
  }

  /** The de-chunked body once the last chunk arrived, else undefined. */
  private decodeChunked(): Uint8Array | undefined {
    const parts: Uint8Array[] = [];
    let pos = this.headerEnd;
    const d = this.data;
    while (true) {
      let lineEnd = -1;
      for (let i = pos; i + 1 < d.length; i++) if (d[i] === 13 && d[i + 1] === 10) { lineEnd = i; break; }
      if (lineEnd < 0) return undefined;
      const size = parseInt(fromUtf8(d.subarray(pos, lineEnd)).split(';')[0].trim(), 16);
      if (Number.isNaN(size)) {
        this.problem = said('client.httpChunkSize');
        return undefined;
      }
      pos = lineEnd + 2;
      if (size === 0) return concat(...parts);
      if (d.length < pos + size + 2) return undefined;
      parts.push(d.subarray(pos, pos + size));
      pos += size + 2;
    }
  }

  result(): HttpResponse | undefined {
    if (!this.head) return undefined;
    const chunked = this.isChunked();
    const raw = this.data.subarray(this.headerEnd);
    const body = chunked ? (this.decodeChunked() ?? raw) : raw.subarray(0, Number(this.header('content-length') ?? raw.length));
    const fields = [...this.head.fields, { name: chunked ? 'chunked body' : 'body', offset: this.headerEnd, length: this.data.length - this.headerEnd, ...sizeValue(body.length) }];
    return {
      status: this.head.status,
      reason: this.head.reason,
      headers: this.head.headers,
      bodyBytes: body.length,
      chunked,
      body,
      bytes: this.data,
      field: { name: 'HTTP response', offset: 0, length: this.data.length, rfc: 'RFC 9112 §4', children: fields },
    };
  }
}

/** A two-way table between IANA codepoints and names, used by the encoder, decoder and annotations. */
export interface Entry<N extends string> {
  code: number;
  name: N;
}

export class Registry<N extends string> {
  private readonly byCode = new Map<number, Entry<N>>();
  private readonly byName = new Map<string, Entry<N>>();

  constructor(
    readonly title: string,
    readonly entries: readonly Entry<N>[],
    private readonly width: 1 | 2 = 2,
  ) {
    for (const e of entries) {
      this.byCode.set(e.code, e);
      this.byName.set(e.name, e);
    }
  }

  code(name: N): number {
    const e = this.byName.get(name);
    if (!e) throw new Error(`${this.title}: unknown name ${name}`);
    return e.code;
  }

  name(code: number): N | undefined {
    return this.byCode.get(code)?.name;
  }

  entry(code: number): Entry<N> | undefined {
    return this.byCode.get(code);
  }

  has(name: string): name is N {
    return this.byName.has(name);
  }

  names(): N[] {
    return this.entries.map((e) => e.name);
  }

  /** "0x1301 (TLS_AES_128_GCM_SHA256)" or "0xfafa (unknown)". */
  describe(code: number): string {
    const hex = '0x' + code.toString(16).padStart(this.width * 2, '0');
    return `${hex} (${this.byCode.get(code)?.name ?? 'unknown'})`;
  }
}

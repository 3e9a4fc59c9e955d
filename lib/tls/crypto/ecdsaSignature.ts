/**
 * TLS carries ECDSA signatures as DER ECDSA-Sig-Value (RFC 8446 §4.2.3, RFC 4492 §5.4); WebCrypto
 * and noble's compact form want r‖s, each padded to the curve's field length. Both backends parse
 * through here, so they accept exactly the same encodings.
 */
import { bigIntToBytes, DerError, DerReader, derSequence, derUnsignedInteger, bytesToBigInt } from './der';

/** ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }, strictly DER; undefined if malformed or too large. */
export function ecdsaDerToRaw(der: Uint8Array, fieldLength: number): Uint8Array | undefined {
  try {
    const outer = new DerReader(der, 'ECDSA-Sig-Value');
    const seq = outer.sequence('SEQUENCE');
    outer.end();
    const r = seq.unsignedInteger('r');
    const s = seq.unsignedInteger('s');
    seq.end();
    if (r === 0n || s === 0n) return undefined;
    const raw = new Uint8Array(2 * fieldLength);
    raw.set(bigIntToBytes(r, fieldLength), 0);
    raw.set(bigIntToBytes(s, fieldLength), fieldLength);
    return raw;
  } catch (e) {
    if (e instanceof DerError || e instanceof RangeError) return undefined;
    throw e;
  }
}

/** r‖s (each half the input) to DER ECDSA-Sig-Value. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  if (raw.length % 2 !== 0) throw new RangeError('raw ECDSA signature has odd length');
  const half = raw.length / 2;
  return derSequence(derUnsignedInteger(bytesToBigInt(raw.subarray(0, half))), derUnsignedInteger(bytesToBigInt(raw.subarray(half))));
}

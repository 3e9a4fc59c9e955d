import { hmacOf } from '../hash';
import type { CipherSuiteInfo, HashName } from '../registry/crypto';
import { concat, utf8 } from '../wire/bytes';
import type { DerivationSink } from './tls13';

/** RFC 5246 §5: P_hash(secret, seed) expanded to `length` bytes. */
export function prf(hash: HashName, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  const labelSeed = concat(utf8(label), seed);
  const out = new Uint8Array(length);
  let a = labelSeed;
  let off = 0;
  while (off < length) {
    a = hmacOf(hash, secret, a);
    const block = hmacOf(hash, secret, concat(a, labelSeed));
    out.set(block.subarray(0, Math.min(block.length, length - off)), off);
    off += block.length;
  }
  return out;
}

export interface Tls12Keys {
  clientMacKey: Uint8Array;
  serverMacKey: Uint8Array;
  clientKey: Uint8Array;
  serverKey: Uint8Array;
  clientIv: Uint8Array;
  serverIv: Uint8Array;
}

export function macKeyLength(info: CipherSuiteInfo): number {
  return info.mac === 'sha1' ? 20 : info.mac === 'sha256' ? 32 : info.mac === 'sha384' ? 48 : 0;
}

/** Implicit IV bytes from the key block: 4 for AES-GCM (RFC 5288 §3), 12 for ChaCha20 (RFC 7905 §2), 0 for CBC (explicit IVs). */
export function fixedIvLength(info: CipherSuiteInfo): number {
  return info.cipher === 'CHACHA20-POLY1305' ? 12 : info.cipher.endsWith('GCM') ? 4 : 0;
}

/**
 * The TLS 1.2 key derivation (RFC 5246 §8.1, §6.3; RFC 7627 §4): master secret from the pre-master
 * secret, then the key block. Each value goes to the sink with its inputs.
 */
export class Tls12KeySchedule {
  constructor(
    readonly hash: HashName,
    private readonly sink: DerivationSink,
  ) {}

  masterSecret(preMaster: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array, sessionHash?: Uint8Array): Uint8Array {
    this.sink({ label: 'pre_master_secret', value: preMaster, inputs: [], algorithm: 'key exchange' });
    if (sessionHash) {
      this.sink({ label: 'session_hash', value: sessionHash, inputs: [], algorithm: `${this.hash.toUpperCase()}(ClientHello..ClientKeyExchange)` });
      const master = prf(this.hash, preMaster, 'extended master secret', sessionHash, 48);
      this.sink({ label: 'master_secret', value: master, inputs: ['pre_master_secret', 'session_hash'], algorithm: 'PRF(pre_master_secret, "extended master secret", session_hash) (RFC 7627)' });
      return master;
    }
    this.sink({ label: 'client_random ‖ server_random', value: concat(clientRandom, serverRandom), inputs: [], algorithm: 'from the hello messages' });
    const master = prf(this.hash, preMaster, 'master secret', concat(clientRandom, serverRandom), 48);
    this.sink({ label: 'master_secret', value: master, inputs: ['pre_master_secret', 'client_random ‖ server_random'], algorithm: 'PRF(pre_master_secret, "master secret", client_random ‖ server_random)' });
    return master;
  }

  keyBlock(master: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array, info: CipherSuiteInfo): Tls12Keys {
    const mac = macKeyLength(info);
    const key = info.keyLength;
    const iv = fixedIvLength(info);
    const block = prf(this.hash, master, 'key expansion', concat(serverRandom, clientRandom), 2 * (mac + key + iv));
    this.sink({ label: 'key_block', value: block, inputs: ['master_secret'], algorithm: 'PRF(master_secret, "key expansion", server_random ‖ client_random)' });
    let off = 0;
    const take = (label: string, n: number) => {
      const v = block.slice(off, off + n);
      off += n;
      if (n) this.sink({ label, value: v, inputs: ['key_block'], algorithm: 'slice of the key block' });
      return v;
    };
    return {
      clientMacKey: take('client_write_MAC_key', mac),
      serverMacKey: take('server_write_MAC_key', mac),
      clientKey: take('client_write_key', key),
      serverKey: take('server_write_key', key),
      clientIv: take('client_write_IV', iv),
      serverIv: take('server_write_IV', iv),
    };
  }

  /** RFC 5246 §7.4.9: verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11]. */
  finished(master: Uint8Array, label: 'client finished' | 'server finished', transcriptHash: Uint8Array): Uint8Array {
    return prf(this.hash, master, label, transcriptHash, 12);
  }
}

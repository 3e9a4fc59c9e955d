import { TlsAlertError } from '../errors';
import type { ServerHello } from '../handshake/messages';
import type { Common, HandshakeIn, State } from './connection';
import type { Hello } from './tls13';

export async function continueTls12(_c: Common, _hello: Hello, _sh: ServerHello, _m: HandshakeIn): Promise<State> {
  throw new TlsAlertError('protocol_version', 'TLS 1.2 is not implemented yet');
}

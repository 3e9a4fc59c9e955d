import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Server } from 'node:net';
import { listenTcp, openAndRecord, eventTypes } from '../transport/helpers';
import { CLIENT_HELLO_RECORD, PUBLIC_V4, errorEvent, rawSession, startTestRelay, waitFor, type TestRelay } from './helpers';

describe('relay: DNS rebinding', () => {
  let relay: TestRelay;
  let target: { port: number; close: () => Promise<void>; server: Server };
  let answers = 0;

  before(async () => {
    target = await listenTcp((s) => s.once('data', () => s.end('public server')));
    relay = await startTestRelay(
      {},
      {
        redirect: { [PUBLIC_V4]: target.port },
        dns: {
          // An attacker's zone with TTL 0: public for the first question, private afterwards.
          'flip.example': () => (answers++ % 2 === 0 ? ['192.168.1.20'] : [PUBLIC_V4]),
        },
      },
    );
  });
  after(async () => {
    await relay.close();
    await target.close();
  });

  test('the relay asks DNS once per session and dials the address it checked, by address', async () => {
    answers = 0;
    const r = await startTestRelay({}, { dns: { 'rebind.example': () => (answers++ === 0 ? [PUBLIC_V4] : ['10.0.0.5']) }, redirect: { [PUBLIC_V4]: target.port } });
    try {
      const { connection, closed } = openAndRecord(r.transport, { host: 'rebind.example', port: 443 }, (event, conn) => {
        if (event.type === 'fin') conn.close();
      });
      connection.write(CLIENT_HELLO_RECORD);
      const events = await closed;
      assert.deepEqual(eventTypes(events), ['resolved', 'connected', 'data', 'fin', 'closed']);
      assert.deepEqual(r.lookups, ['rebind.example']);
      assert.deepEqual(r.dials, [{ address: PUBLIC_V4, port: 443 }]);

      // The second question gets the private answer: refused, and nothing new is dialed.
      const second = rawSession(r.url, { host: 'rebind.example', port: 443 });
      await second.closed;
      assert.equal(errorEvent(second.events)?.reason, 'address-private');
      assert.deepEqual(r.dials, [{ address: PUBLIC_V4, port: 443 }]);
    } finally {
      await r.close();
    }
  });

  test('a resolver alternating private and public answers never leads to a private dial', async () => {
    answers = 0;
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const session = rawSession(relay.url, { host: 'flip.example', port: 443 });
      session.ws.once('open', () => session.ws.send(CLIENT_HELLO_RECORD));
      await waitFor(() => session.events.some((e) => e.type === 'fin' || e.type === 'closed'), 3000, 'fin or closed');
      session.ws.close();
      await session.closed;
      outcomes.push(errorEvent(session.events)?.reason ?? 'dialed');
    }
    // Private answers are refused; public ones are dialed (redirected to the loopback server).
    assert.deepEqual(outcomes.filter((o) => o === 'address-private').length, 3);
    assert.ok(relay.dials.length === 3 && relay.dials.every((d) => d.address === PUBLIC_V4), JSON.stringify(relay.dials));
  });
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, DEFAULT_RELAY_CONFIG, relayConfigFromEnv } from '../../server/relay/config';
import { eventTypes, listenTcp, openAndRecord } from '../transport/helpers';
import { CLIENT_HELLO_RECORD, errorEvent, httpGet, rawSession, startTestRelay, upgradeStatus, waitFor } from './helpers';

describe('relay operations', () => {
  test('/healthz answers ok with the number of active sessions', async () => {
    const relay = await startTestRelay();
    try {
      const res = await httpGet(`http://127.0.0.1:${relay.relay.port}/healthz`);
      assert.equal(res.status, 200);
      assert.equal(res.contentType, 'application/json');
      assert.deepEqual(JSON.parse(res.body), { status: 'ok', activeSessions: 0 });
    } finally {
      await relay.close();
    }
  });

  test('/metrics exposes sessions, bytes, errors by code and refusals by reason in Prometheus text', async () => {
    const peer = await listenTcp((s) => s.once('data', () => s.write('0123456789')));
    const relay = await startTestRelay({ demoTargets: { peer: { host: '127.0.0.1', port: peer.port } } });
    try {
      const refused = rawSession(relay.url, { host: 'peer.test', port: 22 });
      await refused.closed;
      const s = rawSession(relay.url, { host: 'peer.test', port: 443 });
      s.ws.once('open', () => s.ws.send(CLIENT_HELLO_RECORD));
      await waitFor(() => Buffer.concat(s.binary).length === 10, 2000, 'server bytes');
      const during = await httpGet(`http://127.0.0.1:${relay.relay.port}/metrics`);
      assert.equal(during.status, 200);
      assert.match(during.contentType, /^text\/plain; version=0\.0\.4/);
      const lines = during.body.trim().split('\n');
      for (const line of lines) {
        assert.match(line, /^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? -?[0-9.e+]+)$/, line);
      }
      const sample = (name: string) => Number(lines.find((l) => l.startsWith(`${name} `))?.split(' ')[1]);
      assert.equal(sample('relay_sessions_active'), 1);
      assert.equal(sample('relay_sessions_total'), 2);
      assert.equal(sample('relay_bytes_total{direction="client_to_target"}'), CLIENT_HELLO_RECORD.length);
      assert.equal(sample('relay_bytes_total{direction="target_to_client"}'), 10);
      assert.equal(sample('relay_errors_total{code="POLICY"}'), 1);
      assert.equal(sample('relay_refusals_total{reason="port"}'), 1);
      assert.equal(sample('relay_connect_seconds_count'), 1);
      assert.ok(sample('relay_process_resident_memory_bytes') > 1e6);
      s.ws.close();
      await waitFor(() => relay.relay.activeSessions() === 0, 2000, 'session end');
      const afterwards = await httpGet(`http://127.0.0.1:${relay.relay.port}/metrics`);
      assert.match(afterwards.body, /^relay_sessions_active 0$/m);
      assert.match(afterwards.body, /^relay_session_closes_total\{reason="client-closed"\} 1$/m);
    } finally {
      await relay.close();
      await peer.close();
    }
  });

  test('graceful close: new sessions are refused, running ones finish, then close() resolves', async () => {
    const peer = await listenTcp((s) => s.on('data', (d) => s.write(d)));
    const relay = await startTestRelay({ drainTimeoutMs: 5000, demoTargets: { peer: { host: '127.0.0.1', port: peer.port } } });
    try {
      const { connection, closed, events } = openAndRecord(relay.transport, { host: 'peer.test', port: 443 });
      connection.write(CLIENT_HELLO_RECORD);
      await waitFor(() => events.some((e) => e.type === 'data'), 2000, 'echo');
      let closeResolved = false;
      const closing = relay.relay.close().then(() => (closeResolved = true));
      await new Promise((r) => setTimeout(r, 100));
      // The listening socket is closed: a new client cannot even connect.
      await assert.rejects(upgradeStatus(`${relay.url}?host=peer.test&port=443`), /ECONNREFUSED/);
      // The running session still works while draining.
      connection.write(new TextEncoder().encode('during drain'));
      await waitFor(() => events.filter((e) => e.type === 'data').length >= 2, 2000, 'echo during drain');
      assert.equal(closeResolved, false);
      connection.close();
      await closed;
      await closing;
      assert.ok(relay.logs.some((r) => r.event === 'draining'));
    } finally {
      await relay.close();
      await peer.close();
    }
  });

  test('graceful close: sessions still open at the drain deadline get RELAY relay-shutdown and close 1001', async () => {
    const peer = await listenTcp((s) => s.resume());
    const relay = await startTestRelay({ drainTimeoutMs: 200, demoTargets: { peer: { host: '127.0.0.1', port: peer.port } } });
    try {
      const s = rawSession(relay.url, { host: 'peer.test', port: 443 });
      s.ws.once('open', () => s.ws.send(CLIENT_HELLO_RECORD));
      await waitFor(() => s.events.some((e) => e.type === 'connected'), 2000, 'connected');
      const started = Date.now();
      await relay.close();
      assert.ok(Date.now() - started < 2000);
      const { code } = await s.closed;
      assert.equal(code, 1001);
      assert.equal(errorEvent(s.events)?.reason, 'relay-shutdown');
      assert.equal(s.events.at(-1)?.type, 'closed');
    } finally {
      await peer.close();
    }
  });

  test('the transport maps an unreachable relay to a RELAY error', async () => {
    const relay = await startTestRelay();
    const transport = relay.transport;
    await relay.close();
    const events = await openAndRecord(transport, { host: 'www.example.com', port: 443 }).closed;
    assert.deepEqual(eventTypes(events), ['error:RELAY', 'closed']);
  });

  test('every RELAY_* variable is read; bad values stop the relay with a sentence', () => {
    const config = relayConfigFromEnv({
      RELAY_HOST: '0.0.0.0',
      RELAY_PORT: '9000',
      RELAY_ALLOWED_PORTS: '443, 8443, 9443',
      RELAY_ALLOWED_ORIGINS: 'https://a.example,https://b.example',
      RELAY_ALLOW_MISSING_ORIGIN: 'no',
      RELAY_TRUSTED_PROXIES: '10.0.0.0/8',
      RELAY_MAX_PER_IP: '4',
      RELAY_RATE_PER_MIN: '30',
      RELAY_DEMO_RATE_PER_MIN: '300',
      RELAY_MAX_SESSIONS: '500',
      RELAY_DNS_TIMEOUT_MS: '2000',
      RELAY_CONNECT_TIMEOUT_MS: '5000',
      RELAY_IDLE_TIMEOUT_MS: '30000',
      RELAY_SESSION_TIMEOUT_MS: '120000',
      RELAY_MAX_BYTES: '1048576',
      RELAY_MAX_FRAME: '65536',
      RELAY_MAX_EARLY_BYTES: '32768',
      RELAY_BUFFER_BYTES: '262144',
      RELAY_REQUIRE_CLIENT_HELLO: 'false',
      RELAY_ALLOW_IP_LITERALS: '1',
      RELAY_ALLOW: '10.1.0.0/16',
      RELAY_DENY: '*.evil.example,192.0.2.0/24',
      RELAY_PING_INTERVAL_MS: '10000',
      RELAY_DRAIN_TIMEOUT_MS: '0',
      RELAY_HEADERS_TIMEOUT_MS: '5000',
    });
    assert.deepEqual(config, {
      host: '0.0.0.0',
      port: 9000,
      allowedPorts: [443, 8443, 9443],
      allowedOrigins: ['https://a.example', 'https://b.example'],
      allowMissingOrigin: false,
      trustedProxies: ['10.0.0.0/8'],
      maxSessionsPerClient: 4,
      newSessionsPerMinute: 30,
      demoSessionsPerMinute: 300,
      maxSessions: 500,
      dnsTimeoutMs: 2000,
      connectTimeoutMs: 5000,
      idleTimeoutMs: 30000,
      sessionTimeoutMs: 120000,
      maxBytesPerDirection: 1048576,
      maxFrameBytes: 65536,
      maxEarlyBytes: 32768,
      bufferHighWaterBytes: 262144,
      requireClientHello: false,
      allowIpLiterals: true,
      allow: ['10.1.0.0/16'],
      deny: ['*.evil.example', '192.0.2.0/24'],
      pingIntervalMs: 10000,
      drainTimeoutMs: 0,
      headersTimeoutMs: 5000,
    });
    assert.deepEqual(relayConfigFromEnv({}), {});
    assert.equal(DEFAULT_RELAY_CONFIG.port, 8090);
    assert.deepEqual(DEFAULT_RELAY_CONFIG.allowedPorts, [443, 8443]);
    assert.throws(() => relayConfigFromEnv({ RELAY_PORT: 'http' }), ConfigError);
    assert.throws(() => relayConfigFromEnv({ RELAY_ALLOWED_PORTS: '443,70000' }), /between 1 and 65535/);
    assert.throws(() => relayConfigFromEnv({ RELAY_REQUIRE_CLIENT_HELLO: 'maybe' }), /RELAY_REQUIRE_CLIENT_HELLO/);
  });

  test('main.ts runs the relay from the environment, picks up demo aliases from the registry, and drains on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'relay-demo-'));
    const peer = await listenTcp((s) => s.once('data', () => s.end('demo answer')));
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/relay/main.ts'], {
      env: { ...process.env, RELAY_HOST: '127.0.0.1', RELAY_PORT: '0', DEMO_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor(() => out.includes('"event":"ready"'), 15_000, 'ready line');
      const ready = JSON.parse(out.split('\n').find((l) => l.includes('"event":"ready"'))!);
      assert.deepEqual(ready.demoTargets, []);
      const port = new URL(ready.url).port;
      assert.equal((await httpGet(`http://127.0.0.1:${port}/healthz`)).status, 200);
      // The demo servers start later and write their registry; the relay notices.
      writeFileSync(join(dataDir, 'targets.json'), JSON.stringify({ hello: { host: '127.0.0.1', port: peer.port } }));
      await waitFor(() => out.includes('"event":"demo-targets"'), 10_000, 'registry refresh');
      const s = rawSession(ready.url, { host: 'hello.test', port: 443 });
      s.ws.once('open', () => s.ws.send(CLIENT_HELLO_RECORD));
      await waitFor(() => s.events.some((e) => e.type === 'fin'), 3000, 'demo answer');
      assert.equal(Buffer.concat(s.binary).toString(), 'demo answer');
      s.ws.close();
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      assert.equal(code, 0);
      assert.match(out, /"event":"closed"/);
    } finally {
      child.kill('SIGKILL');
      await peer.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('main.ts refuses a bad configuration with exit code 1', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/relay/main.ts'], {
      env: { ...process.env, RELAY_PORT: 'eighty' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const [code] = await once(child, 'exit');
    assert.equal(code, 1);
    assert.match(out, /RELAY_PORT must be a whole number/);
  });
});

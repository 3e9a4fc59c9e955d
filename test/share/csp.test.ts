import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { contentSecurityPolicy, newNonce, relayConnectSources, scriptHash } from '../../lib/share/csp';

function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split('; ').map((d) => { const [name, ...values] = d.split(' '); return [name, values]; }));
}

describe('Content-Security-Policy', () => {
  it('allows inline scripts only by this response’s nonce, never by unsafe-inline', () => {
    const nonce = newNonce();
    const policy = directives(contentSecurityPolicy({ nonce, connectSrc: [], frameAncestors: 'self' }));
    assert.deepEqual(policy.get('script-src'), ["'self'", `'nonce-${nonce}'`]);
    assert.ok(![...policy.values()].flat().includes("'unsafe-eval'"));
    assert.equal(policy.get('object-src')?.[0], "'none'");
  });

  it('allows the inline scripts of cached HTML by their SHA-256 (CSP3 hash-source)', () => {
    const text = 'self.__next_f.push([1,"x"])';
    const expected = `sha256-${createHash('sha256').update(text).digest('base64')}`;
    assert.equal(scriptHash(text), expected);
    const policy = directives(contentSecurityPolicy({ scriptHashes: [expected], connectSrc: [], frameAncestors: 'any' }));
    assert.deepEqual(policy.get('script-src'), ["'self'", `'${expected}'`]);
    assert.deepEqual(policy.get('frame-ancestors'), ['*']);
  });

  it('connects to its own origin and the configured relay, not to any ws:/wss: host', () => {
    const relay = relayConnectSources({ relayUrl: 'wss://relay.tls.example/relay', relayPort: 8090, pageOrigin: 'https://tls.example' });
    assert.deepEqual(relay, ['wss://relay.tls.example']);
    const policy = directives(contentSecurityPolicy({ nonce: newNonce(), connectSrc: relay, frameAncestors: 'self' }));
    assert.deepEqual(policy.get('connect-src'), ["'self'", 'wss://relay.tls.example']);
    assert.deepEqual(relayConnectSources({ relayPort: 8090, pageOrigin: 'https://tls.example' }), ['wss://tls.example:8090']);
    assert.deepEqual(relayConnectSources({ relayPort: 18090, pageOrigin: 'http://[::1]:3000' }), ['ws://[::1]:18090']);
    assert.deepEqual(relayConnectSources({ relayUrl: 'not a url', relayPort: 8090, pageOrigin: 'http://localhost' }), []);
  });

  it('adds unsafe-eval only for development (React rebuilds error stacks with eval)', () => {
    const policy = directives(contentSecurityPolicy({ nonce: newNonce(), connectSrc: [], frameAncestors: 'none', dev: true }));
    assert.ok(policy.get('script-src')?.includes("'unsafe-eval'"));
    assert.deepEqual(policy.get('frame-ancestors'), ["'none'"]);
  });

  it('refuses values that would end a directive or widen it', () => {
    assert.throws(() => contentSecurityPolicy({ nonce: "x'; script-src *", connectSrc: [], frameAncestors: 'self' }), /nonce/);
    assert.throws(() => contentSecurityPolicy({ scriptHashes: ["'unsafe-inline'"], connectSrc: [], frameAncestors: 'self' }), /hash-source/);
    assert.throws(() => contentSecurityPolicy({ connectSrc: ['wss://a.example; script-src *'], frameAncestors: 'self' }), /connect-src/);
  });

  it('makes a different 128-bit nonce every time', () => {
    const nonces = new Set(Array.from({ length: 100 }, () => newNonce()));
    assert.equal(nonces.size, 100);
    for (const n of nonces) assert.equal(Buffer.from(n, 'base64').length, 16);
  });
});

/** The relay's public surface: start it, configure it, run it as its own process (main.ts). */
export { startRelay, dialTcp, type RelayServer } from './server';
export { DEFAULT_RELAY_CONFIG, relayConfigFromEnv, resolveConfig, ConfigError, type RelayConfig, type DemoTarget, type Resolver, type Dialer } from './config';

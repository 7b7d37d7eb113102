// The operator's install path against a real OCI registry (Debian's docker-registry on 127.0.0.1), end to end.
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { processAlive, registryConfig, startRegistry } from '../package/registry.ts';

/** Resolves true when something accepts a TCP connection on host:port. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

describe('local OCI registry', () => {
  it('writes a config that listens on loopback only, with its own storage and no auth', () => {
    const config = registryConfig(5123, '/tmp/r');
    expect(config).toContain('  addr: 127.0.0.1:5123\n');
    expect(config).toContain('    rootdirectory: /tmp/r/data\n');
    expect(config).not.toMatch(/auth:|htpasswd/);
  });

  it('answers on 127.0.0.1 only and is gone once stopped by its process id', async () => {
    const registry = await startRegistry();
    const port = Number(registry.host.split(':')[1]);
    try {
      expect(registry.host).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(await accepts('127.0.0.1', port)).toBe(true);
    } finally {
      await registry.stop();
    }
    expect(processAlive(registry.pid)).toBe(false);
    expect(await accepts('127.0.0.1', port)).toBe(false);
  });
});

// The end-to-end flow (publish, render every preset from oci://, pull by digest, refuse a second publish) runs in
// the npm test pipeline as the `registry` column: tools/package/e2e.ts.

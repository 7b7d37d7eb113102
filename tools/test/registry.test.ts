// The operator's install path against a real OCI registry (Debian's docker-registry on 127.0.0.1), end to end.
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { presetCases } from '../render/cases.ts';
import { registryEndToEnd } from '../package/e2e.ts';
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
      const external = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
      if (external) expect(await accepts(external.address, port)).toBe(false);
    } finally {
      await registry.stop();
    }
    expect(processAlive(registry.pid)).toBe(false);
    expect(await accepts('127.0.0.1', port)).toBe(false);
  });
});

describe('install from the OCI registry, end to end', () => {
  it('publishes every chart, renders every preset from oci:// as locally, pulls by digest, refuses a second publish', async () => {
    const started = Date.now();
    const { rows } = await registryEndToEnd();
    const failed = rows.filter((r) => !r.ok).map((r) => `[${r.row}] ${r.detail ?? ''}`);
    expect(failed).toEqual([]);
    // Every preset was compared, every chart published, the registry stopped.
    expect(rows.filter((r) => r.row.startsWith('preset/') && r.detail?.includes('oci render equals the local render'))).toHaveLength(presetCases().length);
    expect(rows.filter((r) => r.detail?.includes('was refused'))).not.toHaveLength(0);
    expect(rows.some((r) => r.row === 'registry' && r.detail?.includes('stopped'))).toBe(true);
    // About 10 s on an idle two-core machine; the bound leaves room for a loaded one.
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 120_000);
});

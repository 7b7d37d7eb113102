/**
 * A throwaway OCI registry on the loopback interface: Debian's docker-registry (distribution 2.8) with a config
 * and storage of its own in a temporary directory. Debian's packaged config (/etc/docker/registry/config.yml)
 * listens on every interface and is never used. Stopped by its process id, also when this process exits early.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export interface LocalRegistry {
  /** `127.0.0.1:<port>` */
  host: string;
  pid: number;
  /** The registry's log (stderr), for error messages. */
  log(): string;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`; removes the storage. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function v2Status(host: string): Promise<number> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port: Number(host.split(':')[1]), path: '/v2/', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/** The whole configuration: loopback only, storage in `root`, no auth, no deletes, quiet logs. */
export function registryConfig(port: number, root: string): string {
  return [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(root, 'data')}`,
    '  delete:',
    '    enabled: false',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    // One registry process, so a per-run secret is fine; setting it keeps distribution from warning about it.
    `  secret: takhin-test-${port}`,
    '',
  ].join('\n');
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export async function startRegistry(opts: { timeoutMs?: number } = {}): Promise<LocalRegistry> {
  const root = mkdtempSync(join(tmpdir(), 'takhin-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const config = join(root, 'config.yml');
  writeFileSync(config, registryConfig(port, root));
  // distribution lets REGISTRY_* variables override any config value (REGISTRY_HTTP_ADDR would undo the loopback
  // address): start it without them.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_')));
  let output = '';
  const child = spawn(REGISTRY_BINARY, ['serve', config], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const spawned = await new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', (e) => resolve(e));
  });
  if (spawned || child.pid === undefined) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(`${REGISTRY_BINARY} could not be started (${spawned?.message ?? 'no pid'}): install Debian's docker-registry package (npm run setup does)`);
  }
  const pid = child.pid;
  const killOnExit = () => {
    if (!exited(child)) process.kill(pid, 'SIGKILL');
  };
  // A signal ends node without 'exit' handlers: stop the registry, then let the signal do what it would have done.
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const onSignal = (signal: NodeJS.Signals) => {
    killOnExit();
    for (const s of signals) process.off(s, onSignal);
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.on('exit', killOnExit);
  for (const s of signals) process.on(s, onSignal);

  let stopped = false;
  const registry: LocalRegistry = {
    host,
    pid,
    log: () => output,
    async stop(graceMs = 3000) {
      if (stopped) return;
      stopped = true;
      process.off('exit', killOnExit);
      for (const s of signals) process.off(s, onSignal);
      if (!exited(child)) {
        process.kill(pid, 'SIGTERM');
        if (!(await waitForExit(child, graceMs))) {
          process.kill(pid, 'SIGKILL');
          await waitForExit(child, graceMs);
        }
      }
      rmSync(root, { recursive: true, force: true });
    },
  };

  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  while (Date.now() < deadline) {
    if (exited(child)) break;
    if ((await v2Status(host)) === 200) return registry;
    await new Promise((r) => setTimeout(r, 50));
  }
  await registry.stop();
  throw new Error(`docker-registry did not answer 200 on http://${host}/v2/ (${exited(child) ? `exited ${child.exitCode ?? child.signalCode}` : 'timed out'}):\n${output.trim().slice(-1500)}`);
}

/** Whether a process with this id exists (signal 0 checks without signalling). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A real Kubernetes control plane as plain processes, for install tests: etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler and kwok (which plays the kubelets: fake Nodes become Ready and their
 * pods Running/Ready). Binaries come from tools/cluster/build.sh. Everything listens on 127.0.0.1 only.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CONTROL_PLANE } from '../toolchain/versions.ts';

export type Cluster = {
  /** Path of an admin kubeconfig (bearer token, embedded CA): usable by kubectl and helm. */
  kubeconfig: string;
  /** Temp dir holding the kubeconfig, keys, etcd data and `logs/<process>.log`; removed by stop(). */
  dir: string;
  /** https://127.0.0.1:<port> */
  server: string;
  /** Admin bearer token (user `admin` in group system:masters). */
  token: string;
  /** PEM bundle that verifies the API server's self-signed serving certificate. */
  ca: string;
  processes: { name: string; pid: number }[];
  stop(): Promise<void>;
};

export type ApiResponse = { status: number; body: any };

/** Nodes kwok manages: one per zone so topology spread and zone anti-affinity can be satisfied. */
const ZONES = ['a', 'b', 'c'];
const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';
const START_TIMEOUT_MS = 120_000;
const BUILD_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'build.sh');

type Proc = { name: string; child: ChildProcess; log: string; exited: boolean; exit: Promise<void> };

/** Every child and temp dir of every cluster in this process, so an exit or Ctrl-C leaves nothing behind. */
const live = new Set<ChildProcess>();
const liveDirs = new Set<string>();
let exitHandlersInstalled = false;

function installExitHandlers(): void {
  if (exitHandlersInstalled) return;
  exitHandlersInstalled = true;
  const killAll = () => {
    for (const child of live) child.kill('SIGKILL');
  };
  process.on('exit', () => {
    killAll();
    for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  });
  let exiting = false;
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    // Listening replaces Node's default "exit on signal", so exit ourselves once the children are gone. `on`, not
    // `once`, and the directories removed asynchronously: a wrapper such as tsx re-sends the signal when its
    // child does not acknowledge it within ~30 ms (over IPC, which needs a free event loop) and then SIGKILLs it,
    // which would leave etcd's data behind half deleted.
    process.on(signal, () => {
      if (exiting) return;
      exiting = true;
      killAll();
      void Promise.all([...liveDirs].map(dir => rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch(() => {})))
        .then(() => process.exit(code));
    });
  }
}

export async function startCluster(opts: { log?: (s: string) => void } = {}): Promise<Cluster> {
  const log = opts.log ?? (() => {});
  const started = Date.now();
  const bin = await binDir();
  const dir = mkdtempSync(join(tmpdir(), 'takhin-cluster-'));
  mkdirSync(join(dir, 'logs'));
  installExitHandlers();
  liveDirs.add(dir);

  const procs: Proc[] = [];
  const start = (name: string, args: string[], env?: NodeJS.ProcessEnv): Proc => {
    const p = spawnLogged(name, join(bin, name), args, join(dir, 'logs', `${name}.log`), env);
    procs.push(p);
    return p;
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // Reverse start order: clients go before the API server, the API server before etcd.
    for (const p of [...procs].reverse()) await terminate(p);
    rmSync(dir, { recursive: true, force: true });
    liveDirs.delete(dir);
  };

  try {
    const [etcdPort, peerPort, apiPort] = await freePorts(3);
    const token = randomBytes(24).toString('hex');
    writeFileSync(join(dir, 'tokens.csv'), `${token},admin,admin,system:masters\n`, { mode: 0o600 });
    // The service-account signing key: the API server signs tokens with it, the controller-manager mints them.
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });

    log(`starting etcd on 127.0.0.1:${etcdPort}`);
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    const etcd = start('etcd', [
      '--name=takhin',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=takhin=${peerUrl}`,
      // Throwaway data: durability only costs time on a shared disk.
      '--unsafe-no-fsync',
    ]);
    await waitUntil('etcd /health', [etcd], async () => {
      const res = await fetch(`${etcdUrl}/health`).catch(() => undefined);
      return res?.ok === true;
    });

    log(`starting kube-apiserver on 127.0.0.1:${apiPort}`);
    const certDir = join(dir, 'pki');
    const apiserver = start('kube-apiserver', [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      // The API server writes a self-signed serving cert (SAN 127.0.0.1) and its CA here on first start.
      `--cert-dir=${certDir}`,
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--authorization-mode=Node,RBAC',
      `--service-account-issuer=https://kubernetes.default.svc.cluster.local`,
      `--service-account-key-file=${join(dir, 'sa.key')}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      // As on real clusters: privileged pods are allowed in general, so a rejection in a `restricted`
      // namespace comes from PodSecurity admission (on in the default plugin set), not from this switch.
      '--allow-privileged=true',
      '--profiling=false',
    ]);
    const caFile = join(certDir, 'apiserver.crt');
    const conn = { server: `https://127.0.0.1:${apiPort}`, token, ca: '' };
    await waitUntil('kube-apiserver /readyz', [etcd, apiserver], async () => {
      if (!conn.ca) {
        if (!existsSync(caFile)) return false;
        conn.ca = readFileSync(caFile, 'utf8');
      }
      const res = await api(conn, 'GET', '/readyz').catch(() => undefined);
      return res?.status === 200;
    });

    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, kubeconfigFor(conn), { mode: 0o600 });

    log('starting kube-controller-manager, kube-scheduler, kwok');
    // No health endpoints are needed (readiness is judged through the API), so the components serve nothing.
    const controllerManager = start('kube-controller-manager', [
      `--kubeconfig=${kubeconfig}`,
      '--secure-port=0',
      '--leader-elect=false',
      // Every default controller, including statefulset, deployment, replicaset and the PV/PVC binder.
      '--controllers=*',
      `--service-account-private-key-file=${join(dir, 'sa.key')}`,
      `--root-ca-file=${caFile}`,
    ]);
    const scheduler = start('kube-scheduler', [`--kubeconfig=${kubeconfig}`, '--secure-port=0', '--leader-elect=false']);
    const kwok = start('kwok', [
      `--kubeconfig=${kubeconfig}`,
      `--config=${join(bin, 'kwok-stages.yaml')}`,
      // Only our annotated fake Nodes, never a real one that might share this API server.
      '--manage-all-nodes=false',
      `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
      // kwok renews Node Leases, so the node lifecycle controller never marks the nodes NotReady.
      '--node-lease-duration-seconds=40',
      // Node and host IPs on loopback: anything that dials a "kubelet" stays on this machine.
      '--node-ip=127.0.0.1',
    ], { ...process.env, HOME: dir }); // HOME: kwok would also load ~/.kwok/kwok.yaml if present

    const { gitVersion } = (await mustApi(conn, 'GET', '/version')).body;
    for (const zone of ZONES) await mustApi(conn, 'POST', '/api/v1/nodes', fakeNode(`kwok-node-${zone}`, zone, gitVersion));

    const all = [etcd, apiserver, controllerManager, scheduler, kwok];
    await waitUntil('the default ServiceAccount (kube-controller-manager)', all, async () =>
      (await api(conn, 'GET', '/api/v1/namespaces/default/serviceaccounts/default')).status === 200);
    await waitUntil('fake Nodes Ready and untainted (kwok, kube-controller-manager)', all, async () => {
      const nodes = (await api(conn, 'GET', '/api/v1/nodes')).body.items as any[];
      return nodes.length === ZONES.length && nodes.every(n =>
        n.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True') && !n.spec?.taints?.length);
    });

    log(`control plane ready in ${((Date.now() - started) / 1000).toFixed(1)}s (${dir})`);
    return {
      kubeconfig, dir, ...conn,
      processes: procs.map(p => ({ name: p.name, pid: p.child.pid ?? -1 })),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** What no provisioner here can do: every StorageClass is backed only by PersistentVolumes created in advance. */
const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

/**
 * Creates StorageClass `name` unless it exists, with Immediate binding (no scheduler round trip) and Retain, so
 * the PV controller never tries to delete anything. `standard` is the cluster's default class.
 */
export async function ensureStorageClass(cluster: Cluster, name: string): Promise<void> {
  const storageClass = {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name, ...(name === 'standard' ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) },
    provisioner: NO_PROVISIONER,
    volumeBindingMode: 'Immediate',
    reclaimPolicy: 'Retain',
  };
  const sc = await api(cluster, 'POST', '/apis/storage.k8s.io/v1/storageclasses', storageClass);
  if (sc.status !== 201 && sc.status !== 409) throw apiError('POST', `StorageClass ${name}`, sc);
}

/** hostPath is enough for a PersistentVolume here: kwok runs no kubelet, so nothing ever mounts it. */
function localVolume(cluster: Cluster, name: string, size: string, storageClass: string, claimRef?: { namespace: string; name: string }): object {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: {
      capacity: { storage: size },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: storageClass,
      ...(claimRef ? { claimRef } : {}),
      hostPath: { path: join(cluster.dir, 'volumes', name) },
    },
  };
}

export type ClaimVolume = { namespace: string; claim: string; size: string; storageClass: string };

/**
 * One PersistentVolume per expected claim, reserved for it by `claimRef` (what a static provisioner does), so
 * claims bind exactly as in a cluster with a provisioner and parallel tests never take each other's volumes.
 * Creates each StorageClass named. Returns the PV names.
 */
export async function createVolumesForClaims(cluster: Cluster, claims: ClaimVolume[]): Promise<string[]> {
  await ensureStorageClass(cluster, 'standard');
  for (const storageClass of new Set(claims.map(c => c.storageClass))) await ensureStorageClass(cluster, storageClass);
  const names: string[] = [];
  for (const c of claims) {
    const name = `pv-${c.namespace}-${c.claim}`;
    await mustApi(cluster, 'POST', '/api/v1/persistentvolumes',
      localVolume(cluster, name, c.size, c.storageClass, { namespace: c.namespace, name: c.claim }));
    names.push(name);
  }
  return names;
}

/**
 * One request to the API server as the admin. Never throws for an HTTP status (tests assert rejections);
 * the body is parsed JSON when it is JSON, else text. PATCH bodies are sent as JSON merge patches.
 */
export function api(
  cluster: Pick<Cluster, 'server' | 'token' | 'ca'>, method: string, path: string, body?: unknown,
): Promise<ApiResponse> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { authorization: `Bearer ${cluster.token}`, accept: 'application/json' };
  if (payload !== undefined) {
    headers['content-type'] = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
  }
  return new Promise((resolve, reject) => {
    // agent: false: no keep-alive sockets left behind to hold the process open after stop().
    const req = request(new URL(path, cluster.server), { method, headers, ca: cluster.ca, agent: false }, res => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON (e.g. /readyz answers "ok")
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function mustApi(
  cluster: Pick<Cluster, 'server' | 'token' | 'ca'>, method: string, path: string, body?: unknown,
): Promise<ApiResponse> {
  const res = await api(cluster, method, path, body);
  if (res.status < 200 || res.status > 299) throw apiError(method, path, res);
  return res;
}

function apiError(method: string, what: string, res: ApiResponse): Error {
  const message = typeof res.body === 'object' && res.body?.message ? res.body.message : JSON.stringify(res.body);
  return new Error(`${method} ${what}: HTTP ${res.status}: ${message}`);
}

async function binDir(): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('bash', [BUILD_SCRIPT, '--bin-dir'], { env: { ...process.env, ...CONTROL_PLANE } });
    return stdout.trim();
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(stderr || `${BUILD_SCRIPT} --bin-dir failed: ${String(err)}`);
  }
}

function spawnLogged(name: string, file: string, args: string[], log: string, env?: NodeJS.ProcessEnv): Proc {
  const fd = openSync(log, 'a');
  const child = spawn(file, args, { stdio: ['ignore', fd, fd], env: env ?? process.env });
  closeSync(fd); // the child holds its own copy
  live.add(child);
  const p: Proc = { name, child, log, exited: false, exit: Promise.resolve() };
  p.exit = new Promise(resolve => {
    const done = () => {
      p.exited = true;
      live.delete(child);
      resolve();
    };
    child.once('exit', done);
    child.once('error', err => {
      writeFileSync(log, `spawn ${file}: ${err.message}\n`, { flag: 'a' });
      done();
    });
  });
  return p;
}

/** SIGTERM, then SIGKILL if the process is still there after a few seconds; resolves once it is reaped. */
async function terminate(p: Proc): Promise<void> {
  if (p.exited) return;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 5_000);
  await p.exit;
  clearTimeout(timer);
}

/** Polls `ready` until true; fails fast with the log tail of any watched process that exits meanwhile. */
async function waitUntil(what: string, watched: Proc[], ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const dead = watched.find(p => p.exited);
    if (dead) {
      throw new Error(`${dead.name} exited (code ${dead.child.exitCode}) while waiting for ${what}.\n`
        + `Last lines of ${dead.log}:\n${tail(dead.log)}`);
    }
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${START_TIMEOUT_MS / 1000}s waiting for ${what}.\n`
        + watched.map(p => `--- last lines of ${p.log}:\n${tail(p.log)}`).join('\n'));
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

function tail(file: string, lines = 25): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** Ports the OS hands out on 127.0.0.1 now; held open together so the three differ. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>(
    (resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })));
  const ports = servers.map(s => (s.address() as { port: number }).port);
  await Promise.all(servers.map(s => new Promise(resolve => s.close(resolve))));
  return ports;
}

function kubeconfigFor(conn: { server: string; token: string; ca: string }): string {
  // JSON is valid YAML, so kubectl and helm read this as a kubeconfig.
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'takhin', cluster: { server: conn.server, 'certificate-authority-data': Buffer.from(conn.ca).toString('base64') } }],
    users: [{ name: 'admin', user: { token: conn.token } }],
    contexts: [{ name: 'takhin', context: { cluster: 'takhin', user: 'admin', namespace: 'default' } }],
    'current-context': 'takhin',
  }, null, 2);
}

function fakeNode(name: string, zone: string, kubeletVersion: string): object {
  const resources = { cpu: '32', memory: '256Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [KWOK_NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'topology.kubernetes.io/zone': zone,
        type: 'kwok',
      },
    },
    // kwok's node-initialize stage keeps what is given at creation and fills in the rest.
    status: { capacity: resources, allocatable: resources, nodeInfo: { kubeletVersion } },
  };
}

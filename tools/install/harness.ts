// The install tests' side of the cluster: namespaces, CRDs, Secrets, volumes, and reading back what the API server
// did. Every call goes to the loopback API server of tools/cluster/cluster.ts.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { api, type ApiResponse, type Cluster, createVolumesForClaims } from '../cluster/cluster.ts';
import { helm, HELM_HOME, type CommandResult, type HelmVersion } from '../render/helm.ts';
import { CRD_SOURCES } from '../toolchain/versions.ts';
import type { Claim, ExternalSecret } from './prerequisites.ts';

export type Log = (line: string) => void;

// Helm (client-go) caches API discovery under ~/.kube/cache by default: keep it with the rest of helm's state.
process.env.KUBECACHEDIR = join(HELM_HOME, 'kube-cache');

/** Custom resources the presets render: installed from the pinned CRD sources so the objects are really created. */
export const INSTALLED_CRDS = [
  'certificates.cert-manager.io',
  'servicemonitors.monitoring.coreos.com',
  'podmonitors.monitoring.coreos.com',
  'prometheusrules.monitoring.coreos.com',
] as const;

export function runHelm(cluster: Cluster, cli: HelmVersion, args: string[]): Promise<CommandResult> {
  return helm(cli, [...args, '--kubeconfig', cluster.kubeconfig]);
}

/** Helm 4 waits with kstatus (`watcher`) and rolls back with --rollback-on-failure; Helm 3 has --wait and --atomic. */
export function waitArgs(cli: HelmVersion, opts: { rollbackOnFailure: boolean; timeout?: string }): string[] {
  const timeout = ['--timeout', opts.timeout ?? '5m'];
  if (cli === 'helm') return ['--wait=watcher', ...(opts.rollbackOnFailure ? ['--rollback-on-failure'] : []), ...timeout];
  return ['--wait', ...(opts.rollbackOnFailure ? ['--atomic'] : []), ...timeout];
}

/** The first lines of a failed helm run, for a summary detail. */
export function helmError(r: CommandResult): string {
  return (r.stderr.trim() || r.stdout.trim()).split('\n').filter((l) => l.trim()).slice(-4).join(' | ');
}

function fail(what: string, res: ApiResponse): never {
  const message = typeof res.body === 'object' && res.body?.message ? res.body.message : JSON.stringify(res.body);
  throw new Error(`${what}: HTTP ${res.status}: ${message}`);
}

async function must(cluster: Cluster, method: string, path: string, body?: unknown): Promise<ApiResponse> {
  const res = await api(cluster, method, path, body);
  if (res.status < 200 || res.status > 299) fail(`${method} ${path}`, res);
  return res;
}

/** A namespace where Pod Security admission enforces (and warns about) "restricted". */
export async function createRestrictedNamespace(cluster: Cluster, name: string): Promise<void> {
  await must(cluster, 'POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' } },
  });
}

export async function deleteNamespace(cluster: Cluster, name: string): Promise<void> {
  const res = await api(cluster, 'DELETE', `/api/v1/namespaces/${name}`);
  if (res.status !== 200 && res.status !== 202 && res.status !== 404) fail(`DELETE namespace ${name}`, res);
}

/** controller-gen names a CRD's file `<group>_<plural>.yaml`. */
function crdFileName(crd: string): string {
  const dot = crd.indexOf('.');
  return `${crd.slice(dot + 1)}_${crd.slice(0, dot)}.yaml`;
}

async function goModuleDir(module: string, version: string): Promise<string> {
  // Outside any module, so no go.mod in the working directory changes what is resolved.
  const { stdout } = await promisify(execFile)('go', ['mod', 'download', '-json', `${module}@${version}`], { cwd: tmpdir(), maxBuffer: 16 << 20 })
    .catch((err: { stdout?: string; stderr?: string; message: string }) => {
      if (err.stdout) return { stdout: err.stdout };
      throw new Error(`go mod download ${module}@${version} failed: ${err.stderr ?? err.message}`);
    });
  const info = JSON.parse(stdout) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new Error(`go mod download ${module}@${version}: ${info.Error ?? 'no Dir'} (check CRD_SOURCES in tools/toolchain/versions.ts)`);
  return info.Dir;
}

/**
 * Creates INSTALLED_CRDS from the CRD YAML of the pinned Go modules (tools/toolchain/versions.ts) and waits until
 * each is Established. Returns the API versions they serve (`group/version`), which helm now discovers.
 */
export async function installCrds(cluster: Cluster, log: Log): Promise<string[]> {
  const served: string[] = [];
  const found = new Set<string>();
  for (const source of CRD_SOURCES) {
    for (const file of source.files) {
      if (!INSTALLED_CRDS.some((name) => file.endsWith(`/${crdFileName(name)}`))) continue;
      const dir = await goModuleDir(source.module, source.version);
      for (const doc of YAML.parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => d.toJS()).filter(Boolean)) {
        if (doc.kind !== 'CustomResourceDefinition' || !INSTALLED_CRDS.includes(doc.metadata.name)) continue;
        // A conversion webhook would make the API server dial a Service that does not exist here.
        if (doc.spec.conversion?.strategy === 'Webhook') throw new Error(`${doc.metadata.name} from ${source.module}@${source.version} needs a conversion webhook`);
        await must(cluster, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', doc);
        found.add(doc.metadata.name);
        for (const v of doc.spec.versions) if (v.served) served.push(`${doc.spec.group}/${v.name}`);
        log(`  CRD ${doc.metadata.name} from ${source.module}@${source.version}/${file}`);
      }
    }
  }
  const missing = INSTALLED_CRDS.filter((n) => !found.has(n));
  if (missing.length) throw new Error(`CRDs not found in CRD_SOURCES (tools/toolchain/versions.ts): ${missing.join(', ')}`);
  for (const name of INSTALLED_CRDS) {
    await eventually(`CRD ${name} Established`, 60_000, async () => {
      const crd = await api(cluster, 'GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
      return crd.body?.status?.conditions?.some((c: any) => c.type === 'Established' && c.status === 'True') ? true : undefined;
    });
  }
  return [...new Set(served)];
}

/** Creates the Secrets a release expects to exist. TLS ones get the cluster's own serving key pair (any valid PEM does). */
export async function createSecrets(cluster: Cluster, namespace: string, secrets: ExternalSecret[]): Promise<void> {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  for (const s of secrets) {
    const data = s.type === 'kubernetes.io/tls'
      ? { 'tls.crt': b64(readFileSync(join(cluster.dir, 'pki', 'apiserver.crt'), 'utf8')), 'tls.key': b64(readFileSync(join(cluster.dir, 'pki', 'apiserver.key'), 'utf8')) }
      : Object.fromEntries((s.keys.length ? s.keys : ['value']).map((k) => [k, b64(`install-test-${k}-0123456789abcdef`)]));
    await must(cluster, 'POST', `/api/v1/namespaces/${namespace}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: s.name }, type: s.type, data });
  }
}

/** PersistentVolumes reserved for each claim the release will make, in the claim's StorageClass. */
export function createVolumes(cluster: Cluster, namespace: string, claims: Claim[]): Promise<string[]> {
  return createVolumesForClaims(cluster, claims.map((c) => ({ namespace, claim: c.name, size: c.size, storageClass: c.storageClass })));
}

export interface Workload {
  kind: 'StatefulSet' | 'Deployment';
  name: string;
  replicas: number;
  readyReplicas: number;
  updatedReplicas: number;
  /** StatefulSet only. */
  currentRevision?: string;
  updateRevision?: string;
  raw: any;
}

/** StatefulSets and Deployments of a namespace, with their status as the controllers report it. */
export async function workloads(cluster: Cluster, namespace: string): Promise<Workload[]> {
  const list = async (kind: Workload['kind'], plural: string) => ((await must(cluster, 'GET', `/apis/apps/v1/namespaces/${namespace}/${plural}`)).body.items as any[])
    .map((o): Workload => ({
      kind,
      name: o.metadata.name,
      replicas: o.spec.replicas ?? 1,
      readyReplicas: o.status?.readyReplicas ?? 0,
      updatedReplicas: o.status?.updatedReplicas ?? 0,
      currentRevision: o.status?.currentRevision,
      updateRevision: o.status?.updateRevision,
      raw: o,
    }));
  return [...(await list('StatefulSet', 'statefulsets')), ...(await list('Deployment', 'deployments'))];
}

/** Workloads whose readyReplicas (or updatedReplicas) differ from replicas: empty when all are Ready. */
export function notReady(ws: Workload[]): string[] {
  return ws.filter((w) => w.readyReplicas !== w.replicas || w.updatedReplicas !== w.replicas)
    .map((w) => `${w.kind}/${w.name} ready ${w.readyReplicas}/${w.replicas}, updated ${w.updatedReplicas}/${w.replicas}`);
}

export async function claimsIn(cluster: Cluster, namespace: string): Promise<Map<string, { uid: string; phase: string; storageClass: string; capacity: string; volume: string }>> {
  const items = (await must(cluster, 'GET', `/api/v1/namespaces/${namespace}/persistentvolumeclaims`)).body.items as any[];
  return new Map(items.map((p) => [p.metadata.name, {
    uid: p.metadata.uid,
    phase: p.status?.phase,
    storageClass: p.spec.storageClassName,
    capacity: p.status?.capacity?.storage,
    volume: p.spec.volumeName,
  }]));
}

export async function events(cluster: Cluster, namespace: string): Promise<{ reason: string; object: string; message: string }[]> {
  const items = (await must(cluster, 'GET', `/api/v1/namespaces/${namespace}/events`)).body.items as any[];
  return items.map((e) => ({ reason: e.reason, object: `${e.involvedObject?.kind}/${e.involvedObject?.name}`, message: e.message }));
}

export async function getObject(cluster: Cluster, path: string): Promise<any> {
  return (await must(cluster, 'GET', path)).body;
}

export async function eventually<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

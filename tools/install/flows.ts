// What the install tests do, case by case, against the real API server: a preset's release lifecycle (Helm 4), the
// same with Helm 3, and the cases that must be rejected.
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { $ } from 'zx';
import YAML from 'yaml';
import type { Cluster } from '../cluster/cluster.ts';
import { RELEASE, type RenderCase } from '../render/cases.ts';
import { helmTemplate, type HelmVersion } from '../render/helm.ts';
import { upgradeBase } from '../check/pipeline.ts';
import { chartsAtRevision } from '../render/revision.ts';
import { CHARTS_DIR, REPO_ROOT } from '../toolchain/paths.ts';
import {
  claimsIn, createRestrictedNamespace, createSecrets, createVolumes, deleteNamespace, events, getObject, helmError, notReady,
  runHelm, waitArgs, workloads, type Log,
} from './harness.ts';
import { claimsOf, externalSecrets, largerSize, releaseObjects } from './prerequisites.ts';
import { parseManifests, type Manifest } from '../render/manifests.ts';
import type { Check, Steps } from './steps.ts';

export const HELM_TEST_SKIP = 'helm test skipped: test pods need running containers, which kwok cannot provide';

/** The values change every preset accepts on upgrade: it changes the broker config, so the brokers roll. */
const VARIANT = 'broker.config.logging.level=warn';
const BROKER = `${RELEASE}-broker`;

export interface FlowContext {
  cluster: Cluster;
  steps: Steps;
  /** API versions the cluster serves from installed CRDs: the render that predicts the release announces them. */
  servedApis: string[];
  base: Base;
}

/** The previous chart version, extracted with its dependencies built, or why there is none. */
export type Base = { chartsDir: string; label: string; sameAsHead: boolean; cleanup(): void } | { reason: string };


/** Extracts the umbrella chart's upgradeBase() (its last release tag, else the merge base with main) with dependencies. */
export async function prepareBase(log: Log): Promise<Base> {
  const base = await upgradeBase('takhin');
  if ('reason' in base) return base;
  const dir = await chartsAtRevision(base.ref);
  const sh = $({ cwd: REPO_ROOT, nothrow: true, quiet: true });
  const head = (await sh`git rev-parse HEAD`).stdout.trim();
  const ref = (await sh`git rev-parse ${`${base.ref}^{commit}`}`).stdout.trim();
  const changed = (await sh`git diff --quiet ${base.ref} -- charts`).exitCode !== 0;
  log(`previous chart version: ${base.label}${ref === head && !changed ? ' = HEAD, and charts/ is unchanged: install + upgrade run without a chart change' : ''}`);
  return {
    chartsDir: join(dir, 'charts'),
    label: base.label,
    sameAsHead: ref === head && !changed,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function valuesOf(files: string[]): unknown {
  return files.map((f) => YAML.parse(readFileSync(join(REPO_ROOT, f), 'utf8')));
}

function helmArgs(c: RenderCase, namespace: string, extra: string[] = []): string[] {
  return [RELEASE, c.chartDir, '--namespace', namespace, ...c.valuesFiles.flatMap((f) => ['--values', f]), ...extra];
}

async function checkReady(cluster: Cluster, namespace: string, check: Check): Promise<void> {
  const ws = await workloads(cluster, namespace);
  const waiting = notReady(ws);
  check(ws.length > 0 && waiting.length === 0, `every StatefulSet and Deployment Ready through the API (${ws.map((w) => `${w.kind}/${w.name} ${w.readyReplicas}/${w.replicas}`).join(', ')})`, waiting.join('; ') || 'no workloads');
}

/**
 * A pod that mounts another pod's claim (the console reading broker 0's data) must run on that pod's node: the
 * claim is ReadWriteOnce, and the chart asks for it with a required podAffinity that the real scheduler enforces.
 */
async function checkCoLocation(cluster: Cluster, namespace: string, check: Check): Promise<void> {
  const pods = (await getObject(cluster, `/api/v1/namespaces/${namespace}/pods`)).items as any[];
  const byName = new Map(pods.map((p) => [p.metadata.name, p]));
  for (const pod of pods) {
    if (pod.metadata.ownerReferences?.some((o: any) => o.kind === 'StatefulSet')) continue;
    for (const v of pod.spec.volumes ?? []) {
      const claim = v.persistentVolumeClaim?.claimName as string | undefined;
      const owner = claim && [...byName.keys()].find((n) => claim.endsWith(`-${n}`));
      if (!owner) continue;
      const node = byName.get(owner).spec.nodeName;
      const mode = v.persistentVolumeClaim.readOnly ? 'read-only' : 'read-write';
      check(!!node && pod.spec.nodeName === node, `pod ${pod.metadata.name} mounts ${claim} (${mode}) on ${owner}'s node ${node}`, `it runs on ${pod.spec.nodeName}`);
    }
  }
}

async function brokerStatus(cluster: Cluster, namespace: string): Promise<{ currentRevision: string; updateRevision: string; updatedReplicas: number; replicas: number }> {
  const sts = await getObject(cluster, `/apis/apps/v1/namespaces/${namespace}/statefulsets/${BROKER}`);
  return { currentRevision: sts.status.currentRevision, updateRevision: sts.status.updateRevision, updatedReplicas: sts.status.updatedReplicas ?? 0, replicas: sts.spec.replicas };
}

async function loggingLevel(cluster: Cluster, namespace: string): Promise<string> {
  const cm = await getObject(cluster, `/api/v1/namespaces/${namespace}/configmaps/${BROKER}`);
  return YAML.parse(cm.data['takhin.yaml']).logging.level;
}

/** The release's objects (helm get manifest) must be what the render predicts, and each must exist in the API server. */
async function checkObjects(cluster: Cluster, cli: HelmVersion, namespace: string, predicted: string[], check: Check, log: Log): Promise<void> {
  const got = await runHelm(cluster, cli, ['get', 'manifest', RELEASE, '--namespace', namespace]);
  if (!got.ok) return check(false, 'helm get manifest', helmError(got));
  const docs = parseManifests(got.stdout);
  const objects = releaseObjects(docs);
  const missing = predicted.filter((o) => !objects.includes(o));
  const extra = objects.filter((o) => !predicted.includes(o));
  check(missing.length === 0 && extra.length === 0, `release objects equal the render with the cluster's APIs announced (${objects.length} objects)`,
    `missing ${missing.join(', ') || 'none'}; unexpected ${extra.join(', ') || 'none'}`);
  const absent: string[] = [];
  for (const d of docs) {
    const path = objectPath(d, namespace);
    if (!path) continue;
    const res = await getObject(cluster, path).catch(() => undefined);
    if (!res) absent.push(`${d.kind}/${d.metadata.name}`);
  }
  check(absent.length === 0, 'every release object exists in the API server', `absent: ${absent.join(', ')}`);
  const custom = docs.filter((d) => !/^(v1|apps\/v1|policy\/v1|networking\.k8s\.io\/v1|rbac\.authorization\.k8s\.io\/v1)$/.test(d.apiVersion));
  if (custom.length) log(`  custom resources created in the API server: ${custom.map((d) => `${d.kind}/${d.metadata.name}`).join(', ')}`);
}

/** The REST path of a namespaced object of a kind the charts render; undefined for kinds not listed (none today). */
function objectPath(d: Manifest, namespace: string): string | undefined {
  const plural: Record<string, string> = {
    ConfigMap: 'configmaps', Secret: 'secrets', Service: 'services', ServiceAccount: 'serviceaccounts', PersistentVolumeClaim: 'persistentvolumeclaims',
    StatefulSet: 'statefulsets', Deployment: 'deployments', PodDisruptionBudget: 'poddisruptionbudgets', NetworkPolicy: 'networkpolicies',
    Ingress: 'ingresses', Role: 'roles', RoleBinding: 'rolebindings', Certificate: 'certificates', ServiceMonitor: 'servicemonitors',
    PodMonitor: 'podmonitors', PrometheusRule: 'prometheusrules',
  };
  const p = plural[d.kind];
  if (!p) return undefined;
  const prefix = d.apiVersion === 'v1' ? '/api/v1' : `/apis/${d.apiVersion}`;
  return `${prefix}/namespaces/${namespace}/${p}/${d.metadata.name}`;
}

interface Prepared {
  predicted: string[];
  claims: string[];
  /** Requested size of broker 0's claim, as the StatefulSet's claim template says. */
  brokerSize?: string;
}

/** Namespace (restricted), a volume reserved for each claim, the Secrets the operator or cert-manager would create. */
async function prepare(ctx: FlowContext, c: RenderCase, namespace: string, check: Check, log: Log): Promise<Prepared> {
  const rendered = await helmTemplate({ ...c, apiVersions: ctx.servedApis });
  if (!rendered.ok) throw new Error(`helm template failed: ${helmError(rendered)}`);
  const docs = parseManifests(rendered.stdout);
  await createRestrictedNamespace(ctx.cluster, namespace);
  const claims = claimsOf(docs);
  const volumes = await createVolumes(ctx.cluster, namespace, claims);
  log(`  namespace ${namespace} (pod-security.kubernetes.io/enforce=restricted); ${volumes.length} PersistentVolume(s): ${claims.map((cl) => `${cl.name} ${cl.size} ${cl.storageClass}`).join(', ') || 'none'}`);
  const secrets = externalSecrets(docs, valuesOf(c.valuesFiles));
  await createSecrets(ctx.cluster, namespace, secrets);
  for (const s of secrets) log(`  created Secret ${s.name} (${s.type}): ${s.why}`);
  check(true, `namespace, ${volumes.length} volume(s), ${secrets.length} Secret(s) created`);
  return { predicted: releaseObjects(docs), claims: claims.map((cl) => cl.name), brokerSize: claims.find((cl) => cl.name === `data-${BROKER}-0`)?.size };
}

async function checkClaims(cluster: Cluster, namespace: string, names: string[], check: Check): Promise<Map<string, string>> {
  const pvcs = await claimsIn(cluster, namespace);
  const unbound = names.filter((n) => pvcs.get(n)?.phase !== 'Bound');
  check(unbound.length === 0, `${names.length} claim(s) Bound (${names.map((n) => `${n}=${pvcs.get(n)?.capacity ?? '?'} ${pvcs.get(n)?.storageClass ?? '?'}`).join(', ') || 'none'})`,
    `not Bound: ${unbound.map((n) => `${n} ${pvcs.get(n)?.phase ?? 'missing'}`).join(', ')}`);
  return new Map(names.map((n) => [n, pvcs.get(n)?.uid ?? '']));
}

/**
 * A preset's life with Helm 4 in its own restricted namespace: install, upgrade to a compatible values change and
 * back, rollback, a refused immutable change, uninstall (claims stay), then the previous chart version installed
 * on the retained claims and upgraded to this one.
 */
export async function presetLifecycle(ctx: FlowContext, c: RenderCase): Promise<void> {
  const { cluster, steps } = ctx;
  const row = c.row;
  const namespace = `install-${c.id.replace(/^preset\//, '')}`;
  let prepared: Prepared = { predicted: [], claims: [] };
  let installedRevision = '';
  let installedLevel = '';
  let claimUids = new Map<string, string>();
  try {
    await steps.run(row, 'prepare', async (check, log) => {
      prepared = await prepare(ctx, c, namespace, check, log);
    });

    await steps.run(row, 'install', async (check, log) => {
      const r = await runHelm(cluster, 'helm', ['install', ...helmArgs(c, namespace, waitArgs('helm', { rollbackOnFailure: true }))]);
      check(r.ok, 'helm install --wait=watcher --rollback-on-failure', helmError(r));
      if (!r.ok) return;
      await checkReady(cluster, namespace, check);
      await checkClaims(cluster, namespace, prepared.claims, check);
      await checkCoLocation(cluster, namespace, check);
      await checkObjects(cluster, 'helm', namespace, prepared.predicted, check, log);
      installedRevision = (await brokerStatus(cluster, namespace)).updateRevision;
      installedLevel = await loggingLevel(cluster, namespace);
    });

    await steps.run(row, 'upgrade', async (check) => {
      const r = await runHelm(cluster, 'helm', ['upgrade', ...helmArgs(c, namespace, ['--set', VARIANT, ...waitArgs('helm', { rollbackOnFailure: true })])]);
      check(r.ok, `helm upgrade --set ${VARIANT}`, helmError(r));
      if (!r.ok) return;
      await checkReady(cluster, namespace, check);
      const s = await brokerStatus(cluster, namespace);
      check(s.updateRevision !== installedRevision && s.currentRevision === s.updateRevision && s.updatedReplicas === s.replicas,
        `brokers rolled to a new revision on the config checksum (${installedRevision} -> ${s.updateRevision}, ${s.updatedReplicas}/${s.replicas} updated)`, JSON.stringify(s));
      check(await loggingLevel(cluster, namespace) === 'warn', 'ConfigMap takhin.yaml has logging.level warn');
    });

    await steps.run(row, 'back', async (check) => {
      const r = await runHelm(cluster, 'helm', ['upgrade', ...helmArgs(c, namespace, waitArgs('helm', { rollbackOnFailure: true }))]);
      check(r.ok, 'helm upgrade with the preset alone', helmError(r));
      if (!r.ok) return;
      await checkReady(cluster, namespace, check);
      const s = await brokerStatus(cluster, namespace);
      check(s.updateRevision === installedRevision && s.currentRevision === s.updateRevision, `brokers back on the installed revision ${installedRevision}`, JSON.stringify(s));
      check(await loggingLevel(cluster, namespace) === installedLevel, `ConfigMap takhin.yaml has logging.level ${installedLevel} again`);
    });

    await steps.run(row, 'rollback', async (check) => {
      // Revision 3 (the preset) is what 1 was: roll back to 2 (the variant) would roll pods; to 1 proves the history.
      const r = await runHelm(cluster, 'helm', ['rollback', RELEASE, '1', '--namespace', namespace, '--wait=watcher', '--timeout', '5m']);
      check(r.ok, 'helm rollback to revision 1', helmError(r));
      if (!r.ok) return;
      const h = await runHelm(cluster, 'helm', ['history', RELEASE, '--namespace', namespace, '--output', 'json']);
      const last = (JSON.parse(h.stdout || '[]') as { revision: number; status: string; description: string }[]).at(-1);
      check(last?.revision === 4 && last.status === 'deployed' && /Rollback to 1/.test(last.description), 'history: revision 4 deployed, "Rollback to 1"', JSON.stringify(last));
      await checkReady(cluster, namespace, check);
      check((await brokerStatus(cluster, namespace)).updateRevision === installedRevision, 'brokers on the installed revision');
    });

    await steps.run(row, 'immutable', async (check, log) => {
      const size = prepared.brokerSize;
      if (!size) throw new Error(`the preset renders no claim data-${BROKER}-0`);
      const bigger = largerSize(size);
      const r = await runHelm(cluster, 'helm', ['upgrade', ...helmArgs(c, namespace, [
        '--set', `broker.persistence.size=${bigger}`,
        // The console's snapshot volume grows with it, or the umbrella itself refuses the values before the API server sees them.
        '--set', `console.data.broker.snapshot.sizeLimit=${bigger}`,
        ...waitArgs('helm', { rollbackOnFailure: false, timeout: '1m' })])]);
      const refused = /StatefulSet\.apps "takhin-broker" is invalid: spec: Forbidden: updates to statefulset spec for fields other than/.test(r.stderr);
      check(!r.ok && refused, `the API server refuses persistence.size ${size} -> ${bigger} (volumeClaimTemplates are immutable)`, r.ok ? 'the upgrade succeeded' : helmError(r));
      if (refused) log(`  API server: ${r.stderr.split('\n').find((l) => l.startsWith('Error:'))?.trim()}`);
      const sts = await getObject(cluster, `/apis/apps/v1/namespaces/${namespace}/statefulsets/${BROKER}`);
      check(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage === size, `StatefulSet still claims ${size}`);
    }, { blocking: false });

    steps.skip(row, 'helm test', HELM_TEST_SKIP);

    await steps.run(row, 'uninstall', async (check) => {
      claimUids = new Map([...(await claimsIn(cluster, namespace))].map(([n, p]) => [n, p.uid]));
      const r = await runHelm(cluster, 'helm', ['uninstall', RELEASE, '--namespace', namespace, '--wait=watcher', '--timeout', '5m']);
      check(r.ok, 'helm uninstall --wait', helmError(r));
      const left = await workloads(cluster, namespace);
      check(left.length === 0, 'StatefulSets and Deployments deleted', left.map((w) => `${w.kind}/${w.name}`).join(', '));
      const kept = await checkClaims(cluster, namespace, prepared.claims, check);
      check(prepared.claims.every((n) => kept.get(n) === claimUids.get(n)), `broker claims retained (persistentVolumeClaimRetentionPolicy): ${prepared.claims.join(', ')}`);
    });

    const { base } = ctx;
    if ('reason' in base) {
      steps.skip(row, 'prev install', base.reason);
      steps.skip(row, 'prev upgrade', base.reason);
      return;
    }
    const oldChart = join(base.chartsDir, relative(CHARTS_DIR, c.chartDir));
    const old = { ...c, chartDir: oldChart };
    const accepted = existsSync(join(oldChart, 'Chart.yaml')) ? await helmTemplate(old) : undefined;
    if (!accepted?.ok) {
      const reason = accepted ? `the ${base.label} chart does not accept these values: ${helmError(accepted)}` : `the chart is new since ${base.label}`;
      steps.skip(row, 'prev install', reason);
      steps.skip(row, 'prev upgrade', reason);
      return;
    }
    await steps.run(row, 'prev install', async (check, log) => {
      log(`  installing ${relative(tmpdir(), oldChart)} from ${base.label}`);
      const r = await runHelm(cluster, 'helm', ['install', ...helmArgs(old, namespace, waitArgs('helm', { rollbackOnFailure: true }))]);
      check(r.ok, `helm install of the chart at ${base.label}`, helmError(r));
      if (!r.ok) return;
      await checkReady(cluster, namespace, check);
      const uids = await checkClaims(cluster, namespace, prepared.claims, check);
      check(prepared.claims.every((n) => uids.get(n) === claimUids.get(n)), 'the retained claims are reattached, not recreated (same UIDs)');
    });

    await steps.run(row, 'prev upgrade', async (check, log) => {
      const r = await runHelm(cluster, 'helm', ['upgrade', ...helmArgs(c, namespace, waitArgs('helm', { rollbackOnFailure: true }))]);
      check(r.ok, 'helm upgrade to the working tree chart, same values', helmError(r));
      if (!r.ok) return;
      await checkReady(cluster, namespace, check);
      await checkObjects(cluster, 'helm', namespace, prepared.predicted, check, log);
      if (base.sameAsHead) log('  (base = HEAD: the upgrade changed no object)');
    });
  } finally {
    await runHelm(cluster, 'helm', ['uninstall', RELEASE, '--namespace', namespace, '--timeout', '1m']).catch(() => undefined);
    await deleteNamespace(cluster, namespace).catch(() => undefined);
  }
}

/** Install and upgrade of one preset with Helm 3.18 (--wait, --atomic, client-side apply). */
export async function helm3Lifecycle(ctx: FlowContext, c: RenderCase): Promise<void> {
  const { cluster, steps } = ctx;
  const row = `helm3 ${c.row}`;
  const namespace = `helm3-${c.id.replace(/^preset\//, '')}`;
  let prepared: Prepared = { predicted: [], claims: [] };
  let installedRevision = '';
  try {
    await steps.run(row, 'prepare', async (check, log) => {
      prepared = await prepare(ctx, c, namespace, check, log);
    });
    await steps.run(row, 'install', async (check, log) => {
      const r = await runHelm(cluster, 'helm3', ['install', ...helmArgs(c, namespace, waitArgs('helm3', { rollbackOnFailure: true }))]);
      check(r.ok, 'helm3 install --wait --atomic', helmError(r));
      if (!r.ok) return;
      await checkReady(cluster, namespace, check);
      await checkClaims(cluster, namespace, prepared.claims, check);
      await checkObjects(cluster, 'helm3', namespace, prepared.predicted, check, log);
      installedRevision = (await brokerStatus(cluster, namespace)).updateRevision;
    });
    await steps.run(row, 'upgrade', async (check) => {
      const r = await runHelm(cluster, 'helm3', ['upgrade', ...helmArgs(c, namespace, ['--set', VARIANT, ...waitArgs('helm3', { rollbackOnFailure: true })])]);
      check(r.ok, `helm3 upgrade --set ${VARIANT} --wait --atomic`, helmError(r));
      if (!r.ok) return;
      await checkReady(cluster, namespace, check);
      const s = await brokerStatus(cluster, namespace);
      check(s.updateRevision !== installedRevision && s.currentRevision === s.updateRevision, `brokers rolled to a new revision (${installedRevision} -> ${s.updateRevision})`, JSON.stringify(s));
    });
    steps.skip(row, 'helm test', HELM_TEST_SKIP);
    await steps.run(row, 'uninstall', async (check) => {
      const r = await runHelm(cluster, 'helm3', ['uninstall', RELEASE, '--namespace', namespace, '--wait', '--timeout', '5m']);
      check(r.ok, 'helm3 uninstall --wait', helmError(r));
      const left = await workloads(cluster, namespace);
      check(left.length === 0, 'StatefulSets and Deployments deleted', left.map((w) => `${w.kind}/${w.name}`).join(', '));
      await checkClaims(cluster, namespace, prepared.claims, check);
    });
  } finally {
    await deleteNamespace(cluster, namespace).catch(() => undefined);
  }
}

export const SIDECAR_VALUES = { sidecars: [{ name: 'shell', image: 'busybox:1.36', command: ['sleep', '3600'] }] };

/**
 * Proves the harness can fail: the broker chart with a sidecar that has no security context, in a restricted
 * namespace. `helm install --wait` must fail and the StatefulSet must report PodSecurity's refusal; the same
 * install without the sidecar is the control.
 */
export async function restrictedViolation(ctx: FlowContext): Promise<void> {
  const { cluster, steps } = ctx;
  const row = 'negative: sidecar';
  const namespace = 'negative-sidecar';
  const dir = mkdtempSync(join(tmpdir(), 'takhin-install-negative-'));
  const values = join(dir, 'sidecar-values.yaml');
  writeFileSync(values, YAML.stringify(SIDECAR_VALUES));
  // No volumes: only the pod matters, and a claim would wait for a volume nobody creates.
  const chart = (extra: string[]) => ['neg', join(CHARTS_DIR, 'broker'), '--namespace', namespace, '--set', 'persistence.enabled=false', ...extra];
  try {
    await steps.run(row, 'prepare', async (check) => {
      await createRestrictedNamespace(cluster, namespace);
      check(true, `namespace ${namespace} (restricted)`);
    });
    await steps.run(row, 'rejected', async (check, log) => {
      const r = await runHelm(cluster, 'helm', ['install', ...chart(['--values', values, ...waitArgs('helm', { rollbackOnFailure: false, timeout: '30s' })])]);
      // Failing for another reason (a render error, say) would prove nothing: it must be the wait that gave up.
      check(!r.ok && /not ready|context deadline exceeded|timed out/.test(r.stderr), 'helm install --wait fails: the StatefulSet never gets Ready',
        r.ok ? 'helm install succeeded although the pod violates "restricted"' : helmError(r));
      if (!r.ok) log(`  helm: ${helmError(r)}`);
      const refusal = (await events(cluster, namespace)).find((e) => e.reason === 'FailedCreate' && /violates PodSecurity "restricted:latest"/.test(e.message));
      check(!!refusal && /container "shell"/.test(refusal.message), 'StatefulSet event FailedCreate: pod violates PodSecurity "restricted:latest" (container "shell")',
        refusal?.message ?? 'no such event');
      if (refusal) log(`  API server: ${refusal.message}`);
      const sts = await getObject(cluster, `/apis/apps/v1/namespaces/${namespace}/statefulsets/neg-takhin-broker`);
      check((sts.status?.replicas ?? 0) === 0 && (sts.status?.readyReplicas ?? 0) === 0, 'no pod was created (status.replicas 0)', JSON.stringify(sts.status));
    });
    await steps.run(row, 'control', async (check) => {
      await runHelm(cluster, 'helm', ['uninstall', 'neg', '--namespace', namespace, '--wait=watcher', '--timeout', '1m']);
      const r = await runHelm(cluster, 'helm', ['install', ...chart(waitArgs('helm', { rollbackOnFailure: true, timeout: '2m' }))]);
      check(r.ok, 'the same install without the sidecar succeeds', helmError(r));
      if (r.ok) await checkReady(cluster, namespace, check);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await deleteNamespace(cluster, namespace).catch(() => undefined);
  }
}

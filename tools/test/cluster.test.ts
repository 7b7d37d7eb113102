import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type Cluster, createLocalVolumes, startCluster } from '../cluster/cluster.ts';

// Needs the binaries from tools/cluster/build.sh (a long one-off build), so it only runs when asked for.
const enabled = process.env.TAKHIN_INSTALL_TESTS === '1';
const suite = enabled ? describe : describe.skip;
const skipReason = 'skipped: set TAKHIN_INSTALL_TESTS=1 (after tools/cluster/build.sh) to run it';
const title = `real control plane (etcd, kube-apiserver, controller-manager, scheduler, kwok)${enabled ? '' : ` [${skipReason}]`}`;
// The default reporter folds a skipped file into one line; say why once.
if (!enabled) console.info(`cluster.test.ts ${skipReason}`);

const NS = 'restricted-ns';

/** A pod that passes Pod Security Standards "restricted". */
const restrictedPod = {
  securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [{
    name: 'app',
    image: 'registry.example/app:1',
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    volumeMounts: [{ name: 'data', mountPath: '/data' }],
  }],
};

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

suite(title, () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({ log: s => console.log(`[cluster] ${s}`) });
    await createLocalVolumes(cluster, 3, '10Gi');
    const ns = await api(cluster, 'POST', '/api/v1/namespaces', {
      apiVersion: 'v1', kind: 'Namespace',
      metadata: { name: NS, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
    });
    expect(ns.status).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 30_000);

  it('runs a restricted StatefulSet to Ready with its claim Bound', async () => {
    const sts = await api(cluster, 'POST', `/apis/apps/v1/namespaces/${NS}/statefulsets`, {
      apiVersion: 'apps/v1', kind: 'StatefulSet',
      metadata: { name: 'web' },
      spec: {
        replicas: 1,
        serviceName: 'web',
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: restrictedPod },
        volumeClaimTemplates: [{
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
        }],
      },
    });
    expect(sts.status, JSON.stringify(sts.body)).toBe(201);

    await eventually('StatefulSet web readyReplicas=1', async () => {
      const res = await api(cluster, 'GET', `/apis/apps/v1/namespaces/${NS}/statefulsets/web`);
      return res.body.status?.readyReplicas === 1 ? true : undefined;
    });
    const pvc = await api(cluster, 'GET', `/api/v1/namespaces/${NS}/persistentvolumeclaims/data-web-0`);
    expect(pvc.body.status?.phase).toBe('Bound');
    expect(pvc.body.spec.storageClassName).toBe('standard'); // set by the DefaultStorageClass admission plugin
    const pod = await api(cluster, 'GET', `/api/v1/namespaces/${NS}/pods/web-0`);
    expect(pod.body.status.phase).toBe('Running');
    expect(pod.body.spec.nodeName).toMatch(/^kwok-node-/);
  }, 120_000);

  it('rejects a privileged pod in the restricted namespace through PodSecurity admission', async () => {
    const res = await api(cluster, 'POST', `/api/v1/namespaces/${NS}/pods`, {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'privileged' },
      spec: { containers: [{ name: 'app', image: 'registry.example/app:1', securityContext: { privileged: true } }] },
    });
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/violates PodSecurity "restricted:latest".*privileged/);
  });

  it('stops every process it started', async () => {
    const { processes } = cluster;
    expect(processes.map(p => p.name)).toEqual(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok']);
    await cluster.stop();
    for (const { name, pid } of processes) {
      expect(() => process.kill(pid, 0), `${name} (pid ${pid}) still running`).toThrow(/ESRCH/);
    }
  }, 30_000);
});

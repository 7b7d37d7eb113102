// Behaviour of the takhin-console chart, asserted on `helm template` output (Helm 4, and Helm 3 where users may differ).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../toolchain/paths.ts';
import { tool } from '../toolchain/install.ts';
import { mergeValues } from '../values/merge.ts';
import { parseManifests } from '../render/manifests.ts';
import { KUBE_VERSIONS } from '../toolchain/versions.ts';

// Synchronous on purpose: these tests read like specifications, one render per expectation.
const HELM = { helm4: tool('helm'), helm3: tool('helm3') };
type HelmName = keyof typeof HELM;
const CHART = join(REPO_ROOT, 'charts', 'console');
const RELEASE = 'demo';
const NAMESPACE = 'demo-ns';
const KUBE_VERSION = KUBE_VERSIONS[KUBE_VERSIONS.length - 1]!;
const SLOW = { timeout: 120_000 };

// Manifests are arbitrary Kubernetes objects: their fields are read untyped.
type Manifest = Record<string, any>;
type Values = Record<string, unknown>;

/** A key no template could produce by accident: it must surface only inside the Secret. */
const KEY = 'zq-console-test-key-7f3a9c1e5b';
const BROKER = 'demo-takhin-broker';
const brokerMode: Values = { data: { broker: { fullname: BROKER } }, auth: { apiKeys: [KEY] } };

let scratch = '';
let fileCount = 0;

function run(bin: string, args: string[]) {
  const out = spawnSync(bin, args, { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (out.error) throw new Error(`${bin} could not run (${out.error.message}): run npm run setup`);
  return { ok: out.status === 0, stdout: out.stdout, stderr: out.stderr };
}


const renders = new Map<string, ReturnType<typeof run>>();

/** Renders once per distinct input: charts do not change while the tests run. */
function template(values: Values, helm: HelmName = 'helm4', extra: string[] = []) {
  const key = JSON.stringify([values, helm, extra]);
  const cached = renders.get(key);
  if (cached) return cached;
  const file = join(scratch, `values-${++fileCount}.yaml`);
  writeFileSync(file, YAML.stringify(values));
  const result = run(HELM[helm], ['template', RELEASE, CHART, '--namespace', NAMESPACE, '--kube-version', KUBE_VERSION, '--values', file, ...extra]);
  renders.set(key, result);
  return result;
}

function renderText(values: Values, helm: HelmName = 'helm4'): string {
  const out = template(values, helm);
  if (!out.ok) throw new Error(`helm template failed:\n${out.stderr}`);
  return out.stdout;
}

function render(values: Values, helm: HelmName = 'helm4'): Manifest[] {
  return parseManifests(renderText(values, helm));
}

function renderError(values: Values, helm: HelmName): string {
  const out = template(values, helm);
  expect(out.ok, `helm ${helm} accepted values it should reject:\n${YAML.stringify(values)}`).toBe(false);
  return out.stderr;
}

const one = (ms: Manifest[], kind: string): Manifest => {
  const found = ms.filter((m) => m.kind === kind);
  expect(found.map((m) => m.metadata.name), `expected one ${kind}`).toHaveLength(1);
  return found[0]!;
};
const kinds = (ms: Manifest[]) => ms.map((m) => m.kind).sort();
const deployment = (values: Values) => one(render(values), 'Deployment');
const podSpec = (values: Values) => deployment(values).spec.template.spec;
const consoleContainer = (values: Values) => podSpec(values).containers.find((c: Manifest) => c.name === 'console');
const volume = (spec: Manifest, name: string) => spec.volumes.find((v: Manifest) => v.name === name);
const mount = (container: Manifest, name: string) => container.volumeMounts.find((m: Manifest) => m.name === name);

// Chart dependencies are built once for all tests (tools/test/global-setup.ts).
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'console-test-'));
});
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('takhin-console flags', () => {
  it('runs takhin-console with flags rendered from values, never the image entrypoint', SLOW, () => {
    const c = consoleContainer(brokerMode);
    expect(c.command).toEqual(['/usr/local/bin/takhin-console']);
    expect(c.args).toEqual([
      '-data-dir=/var/lib/takhin-console/data',
      '-api-addr=:8080',
      '-enable-auth=true',
      '-api-keys=$(CONSOLE_API_KEYS)',
      '-enable-audit=true',
      '-audit-path=/var/lib/takhin-console/audit/audit.log',
    ]);
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080 }]);
  });

  it('follows api, data, auth and audit values', SLOW, () => {
    const c = consoleContainer({
      api: { port: 9443 },
      data: { mode: 'standalone', mountPath: '/srv/console' },
      auth: { enabled: false },
      audit: { enabled: false },
    });
    expect(c.args).toEqual(['-data-dir=/srv/console', '-api-addr=:9443', '-enable-auth=false', '-enable-audit=false']);
    expect(c.ports[0].containerPort).toBe(9443);
    expect(c.env.map((e: Manifest) => e.name)).not.toContain('CONSOLE_API_KEYS');
  });

  it('sets GOMAXPROCS from the CPU limit and GOMEMLIMIT to 90% of the memory limit, and no TAKHIN_* variable', SLOW, () => {
    const env = consoleContainer(mergeValues(brokerMode, { resources: { limits: { cpu: '2', memory: '1Gi' } } })).env as Manifest[];
    expect(env.find((e) => e.name === 'GOMAXPROCS')?.valueFrom.resourceFieldRef).toEqual({ resource: 'limits.cpu', divisor: '1' });
    expect(env.find((e) => e.name === 'GOMEMLIMIT')?.value).toBe(String(Math.floor(1073741824 / 10) * 9));
    expect(env.filter((e) => e.name.startsWith('TAKHIN_'))).toEqual([]);
    expect(podSpec(brokerMode).enableServiceLinks).toBe(false);
  });
});

describe('API keys', () => {
  it('appear nowhere in the rendered manifests except inside the Secret', SLOW, () => {
    const second = 'zq-second-console-key-2d8e4b6a';
    const text = renderText(mergeValues(brokerMode, { auth: { apiKeys: [KEY, second] } }));
    const encoded = Buffer.from(`${KEY},${second}`).toString('base64');
    const manifests = parseManifests(text);
    const secret = one(manifests, 'Secret');
    expect(Buffer.from(secret.data['api-keys'], 'base64').toString()).toBe(`${KEY},${second}`);
    for (const m of manifests.filter((x) => x.kind !== 'Secret')) {
      const body = JSON.stringify(m);
      for (const secretText of [KEY, second, encoded, Buffer.from(KEY).toString('base64')]) {
        expect(body, `${m.kind} ${m.metadata.name} leaks an API key`).not.toContain(secretText);
      }
    }
    // The raw text too (comments included): the only occurrence is the Secret's data.
    expect(text.split(encoded)).toHaveLength(2);
    expect(text).not.toContain(KEY);
  });

  it('reach -api-keys through $(VAR) expansion of a Secret-backed variable', SLOW, () => {
    const c = consoleContainer(brokerMode);
    expect(c.args).toContain('-api-keys=$(CONSOLE_API_KEYS)');
    expect(c.env.find((e: Manifest) => e.name === 'CONSOLE_API_KEYS').valueFrom).toEqual({
      secretKeyRef: { name: `${RELEASE}-takhin-console-auth`, key: 'api-keys' },
    });
  });

  it('come from an existing Secret with a configurable key, and the chart then creates none', SLOW, () => {
    const ms = render({ data: { broker: { fullname: BROKER } }, auth: { existingSecret: 'ops-console-keys', existingSecretKey: 'keys' } });
    expect(kinds(ms)).not.toContain('Secret');
    const c = one(ms, 'Deployment').spec.template.spec.containers[0];
    expect(c.env.find((e: Manifest) => e.name === 'CONSOLE_API_KEYS').valueFrom.secretKeyRef).toEqual({ name: 'ops-console-keys', key: 'keys' });
    expect(one(ms, 'Deployment').spec.template.metadata.annotations?.['checksum/auth']).toBeUndefined();
  });

  it('roll the pods when the chart-created Secret changes', SLOW, () => {
    const checksum = (keys: string[]) => deployment(mergeValues(brokerMode, { auth: { apiKeys: keys } })).spec.template.metadata.annotations['checksum/auth'];
    expect(checksum([KEY])).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum([KEY])).toBe(checksum([KEY]));
    expect(checksum([KEY])).not.toBe(checksum(['zq-rotated-console-key-000001']));
  });
});

describe('probes', () => {
  it('all target /api/health, the only API path exempt from auth, with no credentials', SLOW, () => {
    const c = consoleContainer(brokerMode);
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      expect(c[probe].httpGet, probe).toEqual({ path: '/api/health', port: 'http' });
    }
  });

  it('give the startup probe room for topic loading (10 minutes by default)', SLOW, () => {
    const { startupProbe } = consoleContainer(brokerMode);
    expect(startupProbe.periodSeconds * startupProbe.failureThreshold).toBeGreaterThanOrEqual(600);
  });
});

describe('data source', () => {
  it('by default copies broker 0\'s claim, mounted read-only, into a scratch volume on broker 0\'s node', SLOW, () => {
    const spec = podSpec(brokerMode);
    expect(volume(spec, 'broker-data')).toEqual({ name: 'broker-data', persistentVolumeClaim: { claimName: `data-${BROKER}-0`, readOnly: true } });
    expect(volume(spec, 'data')).toEqual({ name: 'data', emptyDir: { sizeLimit: '10Gi' } });
    const snapshot = spec.initContainers.find((c: Manifest) => c.name === 'snapshot');
    expect(mount(snapshot, 'broker-data')).toMatchObject({ readOnly: true });
    expect(mount(spec.containers[0], 'broker-data')).toBeUndefined();
    expect(spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      { labelSelector: { matchLabels: { 'statefulset.kubernetes.io/pod-name': `${BROKER}-0` } }, topologyKey: 'kubernetes.io/hostname' },
    ]);
    expect(deployment(brokerMode).spec.strategy).toBeUndefined();
  });

  it('mounts the broker claim itself read-only, on volume and mount, when the snapshot is off', SLOW, () => {
    const values = mergeValues(brokerMode, { data: { broker: { snapshot: { enabled: false }, claimName: 'shared-broker-data', colocate: false } } });
    const spec = podSpec(values);
    expect(volume(spec, 'data').persistentVolumeClaim).toEqual({ claimName: 'shared-broker-data', readOnly: true });
    expect(mount(spec.containers[0], 'data')).toMatchObject({ mountPath: '/var/lib/takhin-console/data', readOnly: true });
    expect(spec.initContainers).toBeUndefined();
    expect(spec.affinity).toBeUndefined();
  });

  it('keeps user affinity rules next to the broker co-location', SLOW, () => {
    const nodeAffinity = { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['tools'] }] }] } };
    const spec = podSpec(mergeValues(brokerMode, { affinity: { nodeAffinity } }));
    expect(spec.affinity.nodeAffinity).toEqual(nodeAffinity);
    expect(spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
  });

  it('shows the broker chosen by ordinal: its claim and its node', SLOW, () => {
    const spec = podSpec(mergeValues(brokerMode, { data: { broker: { ordinal: 2 } } }));
    expect(volume(spec, 'broker-data').persistentVolumeClaim.claimName).toBe(`data-${BROKER}-2`);
    expect(spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels).toEqual({ 'statefulset.kubernetes.io/pod-name': `${BROKER}-2` });
  });

  it('takes the broker fullname through tpl, so an umbrella can name it after its release', SLOW, () => {
    const spec = podSpec(mergeValues(brokerMode, { data: { broker: { fullname: '{{ .Release.Name }}-takhin-broker' } } }));
    expect(volume(spec, 'broker-data').persistentVolumeClaim.claimName).toBe(`data-${RELEASE}-takhin-broker-0`);
  });

  it('writes to broker data only with readOnly=false, allowWrites=true and no snapshot', SLOW, () => {
    const writable = mergeValues(brokerMode, { data: { broker: { readOnly: false, allowWrites: true, snapshot: { enabled: false } } } });
    const d = deployment(writable);
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    const spec = d.spec.template.spec;
    expect(volume(spec, 'data').persistentVolumeClaim).toEqual({ claimName: `data-${BROKER}-0` });
    expect(mount(spec.containers[0], 'data').readOnly).toBeUndefined();
  });

  it.each<HelmName>(['helm4', 'helm3'])('refuses writes to broker data without the acknowledgement (%s)', SLOW, (helm) => {
    const noAck = renderError(mergeValues(brokerMode, { data: { broker: { readOnly: false, snapshot: { enabled: false } } } }), helm);
    expect(noAck).toContain('data.broker.allowWrites');
    expect(noAck).toContain('corrupt');
    const withSnapshot = renderError(mergeValues(brokerMode, { data: { broker: { readOnly: false, allowWrites: true } } }), helm);
    expect(withSnapshot).toContain('data.broker.snapshot.enabled');
  });

  it('refuses broker mode without the broker fullname, naming the value and the alternatives', SLOW, () => {
    const error = renderError({ auth: { apiKeys: [KEY] } }, 'helm4');
    expect(error).toContain('data.broker.fullname is empty');
    expect(error).toContain('data.mode=standalone');
  });

  it('refuses an audit log inside the broker data directory', SLOW, () => {
    expect(renderError(mergeValues(brokerMode, { audit: { path: '/var/lib/takhin-console/data/audit/audit.log' } }), 'helm4')).toContain('audit.path');
  });

  it('gives standalone mode its own claim, writable, one writer at a time', SLOW, () => {
    const ms = render({ data: { mode: 'standalone', standalone: { persistence: { size: '3Gi', storageClass: 'fast' } } }, auth: { apiKeys: [KEY] } });
    const pvc = one(ms, 'PersistentVolumeClaim');
    expect(pvc.metadata.name).toBe(`${RELEASE}-takhin-console-data`);
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '3Gi' } } });
    const d = one(ms, 'Deployment');
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(volume(d.spec.template.spec, 'data').persistentVolumeClaim).toEqual({ claimName: pvc.metadata.name });
    expect(d.spec.template.spec.affinity).toBeUndefined();
    expect(volume(d.spec.template.spec, 'broker-data')).toBeUndefined();
  });

  it('uses an emptyDir in standalone mode without persistence, or an existing claim', SLOW, () => {
    const ephemeral = render({ data: { mode: 'standalone', standalone: { persistence: { enabled: false } } }, auth: { enabled: false } });
    expect(kinds(ephemeral)).not.toContain('PersistentVolumeClaim');
    expect(volume(one(ephemeral, 'Deployment').spec.template.spec, 'data')).toEqual({ name: 'data', emptyDir: {} });
    const existing = render({ data: { mode: 'standalone', standalone: { persistence: { existingClaim: 'console-data' } } }, auth: { enabled: false } });
    expect(kinds(existing)).not.toContain('PersistentVolumeClaim');
    expect(volume(one(existing, 'Deployment').spec.template.spec, 'data').persistentVolumeClaim.claimName).toBe('console-data');
  });

  it('keeps a standalone audit log on the data claim when its path lies inside the data directory', SLOW, () => {
    const spec = podSpec({ data: { mode: 'standalone' }, audit: { path: '/var/lib/takhin-console/data/audit/audit.log' }, auth: { apiKeys: [KEY] } });
    expect(volume(spec, 'audit')).toBeUndefined();
    expect(spec.containers[0].args).toContain('-audit-path=/var/lib/takhin-console/data/audit/audit.log');
  });

  it('refuses several replicas on a writable source', SLOW, () => {
    const error = renderError({ replicas: 2, data: { mode: 'standalone' }, auth: { apiKeys: [KEY] } }, 'helm4');
    expect(error).toContain('replicas is 2');
  });

  it('snapshot script copies only topic directories and acls.json, starting from an empty copy', SLOW, () => {
    const root = mkdtempSync(join(scratch, 'snapshot-'));
    const src = join(root, 'broker');
    const dst = join(root, 'copy');
    for (const dir of ['orders/partition-0', 'payments/partition-0', 'lost+found', 'not-a-topic']) mkdirSync(join(src, dir), { recursive: true });
    writeFileSync(join(src, 'orders', 'topic-metadata.json'), '{}');
    writeFileSync(join(src, 'orders', 'partition-0', '00000000000000000000.log'), 'records');
    writeFileSync(join(src, 'payments', 'topic-metadata.json'), '{}');
    writeFileSync(join(src, 'acls.json'), '[]');
    chmodSync(join(src, 'lost+found'), 0o000);
    mkdirSync(join(dst, 'stale-topic'), { recursive: true });

    const spec = podSpec(mergeValues(brokerMode, { data: { mountPath: dst } }));
    const script = (spec.initContainers[0].command[2] as string).replace(/^src=.*$/m, `src=${src}`);
    const out = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
    chmodSync(join(src, 'lost+found'), 0o755);
    expect(out.status, out.stderr).toBe(0);
    expect(readdirSync(dst).sort()).toEqual(['acls.json', 'orders', 'payments']);
    expect(readFileSync(join(dst, 'orders', 'partition-0', '00000000000000000000.log'), 'utf8')).toBe('records');
    expect(out.stdout).toContain('copied 2 topics');
  });
});

describe('exposure', () => {
  it('renders a Service on the http port and, when enabled, an Ingress with class, hosts, paths and TLS', SLOW, () => {
    const ms = render(mergeValues(brokerMode, {
      ingress: {
        enabled: true,
        className: 'nginx',
        annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
        hosts: [{ host: 'console.example.com' }, { host: 'api.example.com', paths: [{ path: '/api', pathType: 'Exact' }] }],
        tls: [{ secretName: 'console-tls', hosts: ['console.example.com'] }],
      },
    }));
    expect(one(ms, 'Service').spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }]);
    const ingress = one(ms, 'Ingress');
    expect(ingress.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt' });
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.tls).toEqual([{ secretName: 'console-tls', hosts: ['console.example.com'] }]);
    const backend = { service: { name: `${RELEASE}-takhin-console`, port: { name: 'http' } } };
    expect(ingress.spec.rules).toEqual([
      { host: 'console.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } },
      { host: 'api.example.com', http: { paths: [{ path: '/api', pathType: 'Exact', backend }] } },
    ]);
    expect(kinds(render(brokerMode))).not.toContain('Ingress');
  });

  it('renders a Gateway API HTTPRoute when enabled', SLOW, () => {
    const route = one(render(mergeValues(brokerMode, { httpRoute: { enabled: true, parentRefs: [{ name: 'public', namespace: 'gw' }], hostnames: ['console.example.com'] } })), 'HTTPRoute');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec.parentRefs).toEqual([{ name: 'public', namespace: 'gw' }]);
    expect(route.spec.hostnames).toEqual(['console.example.com']);
    expect(route.spec.rules[0].backendRefs).toEqual([{ name: `${RELEASE}-takhin-console`, port: 8080 }]);
    expect(kinds(render(brokerMode))).not.toContain('HTTPRoute');
  });

  it('has a NetworkPolicy by default that admits only the namespace to the console port', SLOW, () => {
    const policy = one(render(brokerMode), 'NetworkPolicy');
    expect(policy.spec.podSelector.matchLabels['app.kubernetes.io/component']).toBe('console');
    expect(policy.spec.ingress).toEqual([{ ports: [{ port: 8080, protocol: 'TCP' }], from: [{ podSelector: {} }] }]);
  });

  it('admits the ingress controller namespace and extra peers when asked', SLOW, () => {
    const peer = { ipBlock: { cidr: '10.0.0.0/8' } };
    const policy = one(render(mergeValues(brokerMode, {
      ingress: { enabled: true, hosts: [{ host: 'console.example.com' }] },
      networkPolicy: { from: [peer], ingressControllerNamespace: 'envoy-gateway-system' },
    })), 'NetworkPolicy');
    expect(policy.spec.ingress[0].from).toEqual([{ podSelector: {} }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'envoy-gateway-system' } } }, peer]);
    expect(kinds(render(mergeValues(brokerMode, { networkPolicy: { enabled: false } })))).not.toContain('NetworkPolicy');
  });

  it('creates a PodDisruptionBudget only with more than one replica', SLOW, () => {
    expect(kinds(render(brokerMode))).not.toContain('PodDisruptionBudget');
    const pdb = one(render(mergeValues(brokerMode, { replicas: 2 })), 'PodDisruptionBudget');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'takhin-console', 'app.kubernetes.io/instance': RELEASE, 'app.kubernetes.io/component': 'console' } } });
  });
});

describe('pod security and shared values', () => {
  it('passes Pod Security "restricted" in every pod and container, without a service-account token', SLOW, () => {
    const pods = render(brokerMode)
      .filter((m) => m.kind === 'Deployment' || m.kind === 'Pod')
      .map((m) => (m.kind === 'Pod' ? m.spec : m.spec.template.spec));
    expect(pods).toHaveLength(2);
    for (const spec of pods) {
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(spec.hostNetwork ?? false).toBe(false);
      expect(spec.volumes.filter((v: Manifest) => v.hostPath)).toEqual([]);
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
        expect(c.securityContext, c.name).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(c.securityContext.privileged ?? false).toBe(false);
      }
    }
    const sa = one(render(brokerMode), 'ServiceAccount');
    expect(sa.automountServiceAccountToken).toBe(false);
  });

  it('honours global image registry, pull secrets and labels like the broker chart', SLOW, () => {
    const ms = render(mergeValues(brokerMode, {
      global: { imageRegistry: 'mirror.example.com', imagePullSecrets: ['mirror-pull'], commonLabels: { team: 'data' } },
      image: { digest: `sha256:${'a'.repeat(64)}` },
      commonAnnotations: { owner: 'streaming' },
    }));
    const spec = one(ms, 'Deployment').spec.template.spec;
    expect(spec.containers[0].image).toBe(`mirror.example.com/takhin/takhin@sha256:${'a'.repeat(64)}`);
    expect(spec.initContainers[0].image).toBe(spec.containers[0].image);
    expect(spec.imagePullSecrets).toEqual([{ name: 'mirror-pull' }]);
    for (const m of ms) {
      expect(m.metadata.labels, `${m.kind} labels`).toMatchObject({ team: 'data', 'helm.sh/chart': 'takhin-console-0.1.0' });
      expect(m.metadata.annotations?.owner, `${m.kind} annotations`).toBe('streaming');
    }
  });

  it('offers the broker chart\'s extension points', SLOW, () => {
    const spec = podSpec(mergeValues(brokerMode, {
      podLabels: { extra: 'label' },
      podAnnotations: { extra: 'annotation' },
      extraEnv: [{ name: 'TZ', value: 'UTC' }],
      extraEnvFrom: [{ configMapRef: { name: 'extra-env' } }],
      extraVolumes: [{ name: 'extra', emptyDir: {} }],
      extraVolumeMounts: [{ name: 'extra', mountPath: '/extra' }],
      initContainers: [{ name: 'prepare', image: 'busybox' }],
      sidecars: [{ name: 'proxy', image: 'envoy' }],
    }));
    const c = spec.containers[0];
    expect(c.env).toContainEqual({ name: 'TZ', value: 'UTC' });
    expect(c.envFrom).toEqual([{ configMapRef: { name: 'extra-env' } }]);
    expect(mount(c, 'extra')).toEqual({ name: 'extra', mountPath: '/extra' });
    expect(volume(spec, 'extra')).toEqual({ name: 'extra', emptyDir: {} });
    expect(spec.initContainers.map((i: Manifest) => i.name)).toEqual(['snapshot', 'prepare']);
    expect(spec.containers.map((i: Manifest) => i.name)).toEqual(['console', 'proxy']);
  });
});

describe('bad values are rejected by helm itself', () => {
  describe.each<HelmName>(['helm4', 'helm3'])('%s', (helm) => {
    it('auth on without keys: says how to provide them', SLOW, () => {
      const error = renderError({ data: { broker: { fullname: BROKER } } }, helm);
      expect(error).toContain('auth.enabled is true but no API keys are given');
      expect(error).toContain('auth.existingSecret');
      expect(error).toContain('auth.apiKeys');
    });

    it('ingress TLS without hosts: names the entry', SLOW, () => {
      const error = renderError(mergeValues(brokerMode, { ingress: { enabled: true, hosts: [{ host: 'console.example.com' }], tls: [{ secretName: 'console-tls' }] } }), helm);
      expect(error).toContain('ingress.tls[0] (secretName console-tls) has no hosts');
    });

    it('an unknown key at the root: names it', SLOW, () => {
      expect(renderError(mergeValues(brokerMode, { replicaCount: 2 }), helm)).toMatch(/replicaCount.*not allowed/);
    });

    it('an unknown nested key: names it and where it is', SLOW, () => {
      const error = renderError(mergeValues(brokerMode, { data: { broker: { readonly: true } } }), helm);
      expect(error).toMatch(/data(\.|\/)broker/);
      expect(error).toMatch(/readonly.*not allowed/);
    });
  });
});

describe('ci values', () => {
  const ciDir = join(CHART, 'ci');
  const files = readdirSync(ciDir).filter((f) => f.endsWith('-values.yaml')).sort();

  it('cover every data source, auth mode and exposure', () => {
    expect(files).toEqual(expect.arrayContaining(['default-values.yaml', 'ingress-tls-values.yaml', 'existing-secret-values.yaml', 'auth-off-values.yaml', 'standalone-values.yaml', 'broker-data-values.yaml']));
  });

  // Lint, Helm 3/4 parity and kubeconform of every ci file on every Kubernetes version: the npm test pipeline.
});

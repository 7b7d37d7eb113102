import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { all, find, notes, podSpec, render, renderError, renderOk, type Manifest } from './render.ts';

const CHART = 'broker';
const FULLNAME = 'takhin-takhin-broker';

const configMap = (docs: Manifest[]) => find(docs, 'ConfigMap', FULLNAME);
const takhinYaml = (docs: Manifest[]) => YAML.parse(configMap(docs).data['takhin.yaml']) as Record<string, Record<string, unknown>>;
const statefulSet = (docs: Manifest[]) => find(docs, 'StatefulSet', FULLNAME);
const brokerContainer = (docs: Manifest[]) => podSpec(statefulSet(docs)).containers.find((c: { name: string }) => c.name === 'broker');

/**
 * Runs the chart's real entrypoint.sh with /bin/sh as pod `hostname`, with paths redirected to a temp dir and
 * Takhin replaced by `cat`, and returns the takhin.yaml the broker would load.
 */
function runEntrypoint(docs: Manifest[], hostname: string, env: Record<string, string> = {}): { config: Record<string, Record<string, unknown>>; stdout: string } {
  const dir = mkdtempSync(join(tmpdir(), 'takhin-entrypoint-'));
  mkdirSync(join(dir, 'config'));
  mkdirSync(join(dir, 'run'));
  const cm = configMap(docs).data;
  writeFileSync(join(dir, 'config', 'takhin.yaml'), cm['takhin.yaml']);
  const script = (cm['entrypoint.sh'] as string)
    .replaceAll('/etc/takhin/config/', `${dir}/config/`)
    .replaceAll('/run/takhin/', `${dir}/run/`)
    .replace(/^exec \/usr\/local\/bin\/takhin -config (.*)$/m, 'cat $1 > /dev/null');
  writeFileSync(join(dir, 'entrypoint.sh'), script);
  const stdout = execFileSync('/bin/sh', [join(dir, 'entrypoint.sh')], { env: { PATH: process.env.PATH, HOSTNAME: hostname, ...env }, encoding: 'utf8' });
  return { config: YAML.parse(readFileSync(join(dir, 'run', 'takhin.yaml'), 'utf8')), stdout };
}

describe('broker: takhin.yaml in the form Takhin reads', () => {
  it('writes dotted settings as literal keys, and data.dir equals the data volume mount', async () => {
    const docs = await renderOk(CHART);
    const cfg = takhinYaml(docs);
    const mount = brokerContainer(docs).volumeMounts.find((m: { name: string }) => m.name === 'data');
    expect(cfg.storage?.['data.dir']).toBe(mount.mountPath);
    expect(cfg.storage?.['log.segment.size']).toBe(1073741824);
    // Nested forms are what Takhin silently ignores: they must never appear.
    expect(cfg.storage).not.toHaveProperty('data');
    expect(cfg.storage).not.toHaveProperty('log');
    expect(cfg.kafka).not.toHaveProperty('broker');
  });

  it('always enables the health and metrics servers, bound to all interfaces', async () => {
    const cfg = takhinYaml(await renderOk(CHART));
    expect(cfg.health).toMatchObject({ enabled: true, host: '0.0.0.0', port: 9091 });
    expect(cfg.metrics).toMatchObject({ enabled: true, host: '0.0.0.0', port: 9090, path: '/metrics' });
  });

  it('enables the retention cleaner through its literal key (Takhin defaults it off)', async () => {
    const cfg = takhinYaml(await renderOk(CHART));
    expect(cfg.storage?.['cleaner.enabled']).toBe(true);
    expect(cfg.storage?.['log.retention.hours']).toBe(168);
  });

  it('disables the producer throttle with -1, the only value Takhin treats as off', async () => {
    const on = takhinYaml(await renderOk(CHART));
    expect((on.throttle?.producer as Record<string, unknown>)['bytes.per.second']).toBe(10485760);
    const off = takhinYaml(await renderOk(CHART, { config: { throttle: { producer: { enabled: false } } } }));
    expect((off.throttle?.producer as Record<string, unknown>)['bytes.per.second']).toBe(-1);
  });

  it('leaves settings Takhin ignores out of takhin.yaml unless set, and NOTES lists them when set', async () => {
    const base = takhinYaml(await renderOk(CHART));
    expect(base).not.toHaveProperty('raft');
    expect(base.kafka).not.toHaveProperty('max.message.bytes');
    const r = await render(CHART, { config: { kafka: { maxMessageBytes: 10485760 }, raft: { electionTimeoutMs: 5000 } } });
    const set = takhinYaml(r.docs);
    expect(set.kafka?.['max.message.bytes']).toBe(10485760);
    expect(set.raft?.['election.timeout.ms']).toBe(5000);
  });

  it('merges config.extra last, verbatim', async () => {
    const cfg = takhinYaml(await renderOk(CHART, { config: { extra: { storage: { 'log.retention.bytes': 5 }, sasl: { 'gssapi.realm': 'EXAMPLE' } } } }));
    expect(cfg.storage?.['log.retention.bytes']).toBe(5);
    expect(cfg.sasl?.['gssapi.realm']).toBe('EXAMPLE');
  });

  it('sets no TAKHIN_* environment variable (Takhin would map it onto its config)', async () => {
    const env: { name: string }[] = brokerContainer(await renderOk(CHART)).env;
    expect(env.filter((e) => e.name.startsWith('TAKHIN_'))).toEqual([]);
  });
});

describe('broker: per-pod identity from the real entrypoint', () => {
  it('gives ordinal 0 broker.id 1 and a second replica broker.id 2, each listing only itself in cluster.brokers', async () => {
    const docs = await renderOk(CHART, { replicas: 3 });
    const first = runEntrypoint(docs, `${FULLNAME}-0`).config;
    const second = runEntrypoint(docs, `${FULLNAME}-1`).config;
    expect(first.kafka).toMatchObject({ 'broker.id': 1, 'cluster.brokers': [1] });
    expect(second.kafka).toMatchObject({ 'broker.id': 2, 'cluster.brokers': [2] });
  });

  it('advertises (and so binds) the pod FQDN under the governing headless Service', async () => {
    const docs = await renderOk(CHART, { replicas: 2 });
    const sts = statefulSet(docs);
    const headless = find(docs, 'Service', sts.spec.serviceName);
    expect(headless.spec.clusterIP).toBe('None');
    const { config, stdout } = runEntrypoint(docs, `${FULLNAME}-1`);
    // Kubelet writes exactly this name into the pod's /etc/hosts, so Takhin binds the pod IP, not localhost.
    expect(config.kafka?.['advertised.host']).toBe(`${FULLNAME}-1.${sts.spec.serviceName}.takhin.svc.cluster.local`);
    expect(config.kafka?.['advertised.port']).toBe(9092);
    expect(stdout).toContain('broker.id=2');
  });

  it('honours clusterDomain in advertised hosts', async () => {
    const { config } = runEntrypoint(await renderOk(CHART, { clusterDomain: 'corp.internal' }), `${FULLNAME}-0`);
    expect(String(config.kafka?.['advertised.host'])).toMatch(/\.svc\.corp\.internal$/);
  });

  it('sets GOMEMLIMIT to 90% of the memory limit and GOMAXPROCS from the CPU limit', async () => {
    const docs = await renderOk(CHART);
    const env = brokerContainer(docs).env as { name: string; value?: string; valueFrom?: { resourceFieldRef?: { resource: string } } }[];
    expect(env.find((e) => e.name === 'GOMAXPROCS')?.valueFrom?.resourceFieldRef?.resource).toBe('limits.cpu');
    // 90% of the default 2Gi limit.
    expect(env.find((e) => e.name === 'GOMEMLIMIT')?.value).toBe(String(Math.floor(2 * 1024 ** 3 / 10) * 9));
    const small = brokerContainer(await renderOk(CHART, { resources: { limits: { memory: '512Mi' } } })).env as { name: string; value?: string }[];
    expect(small.find((e) => e.name === 'GOMEMLIMIT')?.value).toBe(String(Math.floor(512 * 1024 ** 2 / 10) * 9));
  });

  it('refuses to start a pod whose ordinal cannot be read', async () => {
    const docs = await renderOk(CHART);
    expect(() => runEntrypoint(docs, 'not-a-statefulset-pod')).toThrow();
  });
});

describe('broker: pods and services', () => {
  it('disables service links and creates no Service named takhin-<section>', async () => {
    const docs = await renderOk(CHART);
    expect(podSpec(statefulSet(docs)).enableServiceLinks).toBe(false);
    for (const svc of all(docs, 'Service')) expect(svc.metadata.name).not.toMatch(/^takhin-(server|metrics|health|profiler|kafka|storage)$/);
  });

  it('rejects a fullnameOverride that would create the crashing takhin-metrics Service', async () => {
    const err = await renderError(CHART, { fullnameOverride: 'takhin' });
    expect(err).toContain('takhin-metrics');
    expect(err).toContain('fullnameOverride');
  });

  it('rolls the pods when the config changes (checksum annotation)', async () => {
    const a = statefulSet(await renderOk(CHART)).spec.template.metadata.annotations['checksum/config'];
    const b = statefulSet(await renderOk(CHART, { config: { logging: { level: 'debug' } } })).spec.template.metadata.annotations['checksum/config'];
    expect(a).toMatch(/^[a-f0-9]{64}$/);
    expect(b).not.toBe(a);
  });

  it('probes /health/live for startup and liveness, and the Kafka listener for readiness', async () => {
    const c = brokerContainer(await renderOk(CHART));
    expect(c.startupProbe.httpGet).toEqual({ path: '/health/live', port: 'health' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'health' });
    expect(c.readinessProbe.tcpSocket).toEqual({ port: 'kafka' });
  });

  it('passes Pod Security "restricted" field by field, with a read-only root filesystem and no token', async () => {
    const spec = podSpec(statefulSet(await renderOk(CHART)));
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
    expect(spec.automountServiceAccountToken).toBe(false);
    const sc = spec.containers[0].securityContext;
    expect(sc).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  });

  it('keeps claims on uninstall and scale-down by default, and uses emptyDir with persistence off', async () => {
    const sts = statefulSet(await renderOk(CHART));
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('10Gi');
    const off = statefulSet(await renderOk(CHART, { persistence: { enabled: false } }));
    expect(off.spec.volumeClaimTemplates).toBeUndefined();
    expect(podSpec(off).volumes.find((v: { name: string }) => v.name === 'data').emptyDir).toEqual({});
  });

  it('selects pods by name, instance and component only (no version: selectors are immutable)', async () => {
    const sts = statefulSet(await renderOk(CHART));
    expect(Object.keys(sts.spec.selector.matchLabels).sort()).toEqual(['app.kubernetes.io/component', 'app.kubernetes.io/instance', 'app.kubernetes.io/name']);
  });

  it('creates a PDB only for several brokers, and spreads softly by default, hard on request', async () => {
    expect(all(await renderOk(CHART), 'PodDisruptionBudget')).toHaveLength(0);
    const docs = await renderOk(CHART, { replicas: 3, topologySpread: { mode: 'hard' } });
    expect(find(docs, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
    const spread = podSpec(statefulSet(docs)).topologySpreadConstraints;
    expect(spread.map((t: { topologyKey: string }) => t.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    expect(spread.every((t: { whenUnsatisfiable: string }) => t.whenUnsatisfiable === 'DoNotSchedule')).toBe(true);
  });

  it('allows Kafka from the namespace and metrics from the monitoring namespace (NetworkPolicy on by default)', async () => {
    const np = find(await renderOk(CHART), 'NetworkPolicy');
    expect(np.spec.ingress[0].from).toEqual([{ podSelector: {} }]);
    expect(np.spec.ingress[1].from[0].namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'monitoring' });
  });

  it('adds Prometheus scrape annotations to the metrics Service on request', async () => {
    const svc = find(await renderOk(CHART, { metricsService: { scrapeAnnotations: true } }), 'Service', `${FULLNAME}-metrics`);
    expect(svc.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090', 'prometheus.io/path': '/metrics' });
  });
});

describe('broker: external access', () => {
  const lb = { replicas: 2, external: { enabled: true, type: 'LoadBalancer', domain: 'kafka.example.com' } };

  it('creates one LoadBalancer per broker and advertises its DNS name, bound to all interfaces via hostAliases', async () => {
    const docs = await renderOk(CHART, lb);
    const services = all(docs, 'Service').filter((s) => s.spec.type === 'LoadBalancer');
    expect(services.map((s) => s.spec.selector['statefulset.kubernetes.io/pod-name'])).toEqual([`${FULLNAME}-0`, `${FULLNAME}-1`]);
    const aliases = podSpec(statefulSet(docs)).hostAliases;
    expect(aliases).toEqual([{ ip: '0.0.0.0', hostnames: [`${FULLNAME}-0.kafka.example.com`, `${FULLNAME}-1.kafka.example.com`] }]);
    const { config } = runEntrypoint(docs, `${FULLNAME}-1`);
    expect(config.kafka).toMatchObject({ 'advertised.host': `${FULLNAME}-1.kafka.example.com`, 'advertised.port': 9092 });
  });

  it('gives each NodePort broker its own port to advertise and listen on, and checks readiness on it', async () => {
    const docs = await renderOk(CHART, { replicas: 2, external: { enabled: true, type: 'NodePort', hosts: ['b0.example.com', 'b1.example.com'], nodePorts: [31000, 31001] } });
    const { config } = runEntrypoint(docs, `${FULLNAME}-1`);
    expect(config.kafka).toMatchObject({ 'advertised.host': 'b1.example.com', 'advertised.port': 31001 });
    const nodePorts = all(docs, 'Service').filter((s) => s.spec.type === 'NodePort').map((s) => s.spec.ports[0]);
    expect(nodePorts).toEqual([
      { name: 'kafka', port: 31000, targetPort: 31000, nodePort: 31000 },
      { name: 'kafka', port: 31001, targetPort: 31001, nodePort: 31001 },
    ]);
    expect(brokerContainer(docs).readinessProbe.exec.command.join(' ')).toContain('nc -z');
  });

  it('rejects per-broker lists whose length differs from replicas, naming the value', async () => {
    const err = await renderError(CHART, { replicas: 3, external: { enabled: true, hosts: ['a.example.com', 'b.example.com'] } });
    expect(err).toContain('external.hosts has 2 entries but replicas is 3');
    const ports = await renderError(CHART, { replicas: 2, external: { enabled: true, type: 'NodePort', domain: 'x.example.com', nodePorts: [31000] } });
    expect(ports).toContain('external.nodePorts has 1 entries but replicas is 2');
  });

  it('rejects IP literals as advertised hosts (Takhin binds what it advertises)', async () => {
    const err = await renderError(CHART, { external: { enabled: true, hosts: ['203.0.113.10'] } });
    expect(err).toContain('external.hosts entry "203.0.113.10" is an IP address');
  });
});

describe('broker: TLS', () => {
  it('mounts the Secret where the rendered server.tls keys point', async () => {
    const docs = await renderOk(CHART, { tls: { enabled: true, existingSecret: 'broker-tls', clientAuth: 'require', clientCaSecret: 'client-ca' } });
    const tls = (takhinYaml(docs).server as Record<string, Record<string, unknown>>).tls;
    expect(tls).toMatchObject({ enabled: true, 'cert.file': '/etc/takhin/tls/tls.crt', 'key.file': '/etc/takhin/tls/tls.key', 'ca.file': '/etc/takhin/client-ca/ca.crt', 'client.auth': 'require' });
    const mounts = brokerContainer(docs).volumeMounts.map((m: { mountPath: string }) => m.mountPath);
    expect(mounts).toEqual(expect.arrayContaining(['/etc/takhin/tls', '/etc/takhin/client-ca']));
    expect(podSpec(statefulSet(docs)).volumes.find((v: { name: string }) => v.name === 'tls').secret.secretName).toBe('broker-tls');
  });

  it('creates a cert-manager Certificate covering every broker name only when asked', async () => {
    expect(all(await renderOk(CHART), 'Certificate')).toHaveLength(0);
    const docs = await renderOk(CHART, { replicas: 2, tls: { enabled: true, certManager: { enabled: true, issuerRef: { name: 'ca' } } } });
    const cert = find(docs, 'Certificate');
    expect(cert.spec.dnsNames).toContain(`*.${FULLNAME}-headless.takhin.svc.cluster.local`);
    expect(cert.spec.secretName).toBe(`${FULLNAME}-tls`);
  });

  it('rejects TLS without a certificate source, and required client auth without a CA', async () => {
    expect(await renderError(CHART, { tls: { enabled: true } })).toContain('tls.enabled is true but no certificate source is set');
    expect(await renderError(CHART, { tls: { enabled: true, existingSecret: 's', clientAuth: 'require' } })).toContain('tls.clientCaSecret is empty');
  });
});

describe('broker: values Takhin would not honour are refused', () => {
  it('refuses a replication factor above 1 (brokers do not replicate)', async () => {
    expect(await renderError(CHART, { config: { replication: { defaultReplicationFactor: 3 } } })).toContain('config.replication.defaultReplicationFactor is 3');
  });

  it('applies Takhin\'s Raft validation so the broker cannot fail at startup', async () => {
    expect(await renderError(CHART, { config: { raft: { heartbeatTimeoutMs: 50 } } })).toContain('config.raft.heartbeatTimeoutMs is 50');
    expect(await renderError(CHART, { config: { raft: { electionTimeoutMs: 500 } } })).toContain('below the heartbeat timeout');
  });

  it('refuses encryption at rest, which Takhin validates but never performs', async () => {
    expect(await renderError(CHART, { config: { storage: { encryption: { enabled: true } } } })).toContain('never encrypts');
  });

  it.each(['helm', 'helm3'] as const)('%s rejects upper-case log levels and unknown keys through the schema, naming the field', async (helm) => {
    const level = await renderError(CHART, { config: { logging: { level: 'INFO' } } }, helm);
    expect(level).toMatch(/logging\/level|logging\.level/);
    const unknown = await renderError(CHART, { config: { storage: { dataDir: '/x' } } }, helm);
    expect(unknown).toContain('dataDir');
    const zero = await renderError(CHART, { config: { storage: { logRetentionHours: 0 } } }, helm);
    expect(zero).toMatch(/logRetentionHours/);
  });
});

describe('broker: NOTES.txt', () => {
  it('states what several replicas mean, lists every advertised address and warns about SASL/ACL and persistence', async () => {
    const text = await notes(CHART, { replicas: 2, persistence: { enabled: false }, config: { sasl: { enabled: true }, acl: { enabled: true }, kafka: { maxConnections: 5000 } } });
    expect(text).toContain('independent single-node brokers');
    expect(text).toContain('LOST whenever a broker pod restarts');
    expect(text).toContain('config.sasl.enabled=true does NOT protect');
    expect(text).toContain('config.acl.enabled=true does NOT restrict');
    expect(text).toMatch(/config\.kafka\.maxConnections: the broker binary never reads it/);
    expect(text).toContain(`broker.id 2  ${FULLNAME}-1  ${FULLNAME}-1.${FULLNAME}-headless.takhin.svc.cluster.local:9092`);
  });

  it('stays quiet about limitations that do not apply', async () => {
    const text = await notes(CHART);
    expect(text).not.toContain('independent single-node brokers');
    expect(text).not.toContain('LOST');
    expect(text).not.toContain('SASL');
  });
});

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { all, find, podSpec, renderOk, type Manifest } from './render.ts';
import { helmTemplate } from '../render/helm.ts';
import { PRESET_API_VERSIONS } from '../render/cases.ts';

const presetValues = (name: string) => YAML.parse(readFileSync(`values-examples/${name}.yaml`, 'utf8')) as Record<string, any>;
const renderPreset = (name: string) => renderOk('takhin', presetValues(name), { apiVersions: PRESET_API_VERSIONS });

const broker = (docs: Manifest[]) => find(docs, 'StatefulSet', 'takhin-broker');
const takhinYaml = (docs: Manifest[]) => YAML.parse(find(docs, 'ConfigMap', 'takhin-broker').data['takhin.yaml']) as Record<string, any>;
const consoleDeployment = (docs: Manifest[]) => find(docs, 'Deployment', 'takhin-console');

describe('preset dev', () => {
  it('runs one small broker with debug text logs, a fixed console key and no monitoring objects', async () => {
    const docs = await renderPreset('dev');
    expect(broker(docs).spec.replicas).toBe(1);
    expect(takhinYaml(docs).logging).toEqual({ level: 'debug', format: 'text' });
    expect(podSpec(broker(docs)).containers[0].resources.requests).toEqual({ cpu: '100m', memory: '128Mi' });
    const secret = find(docs, 'Secret', 'takhin-console-auth');
    expect(Object.values(secret.stringData ?? secret.data ?? {}).join()).toMatch(/dev-console-key-not-secret|ZGV2LWNvbnNvbGUta2V5LW5vdC1zZWNyZXQ/);
    expect(all(docs, 'ServiceMonitor')).toHaveLength(0);
    expect(all(docs, 'PrometheusRule')).toHaveLength(0);
  });
});

describe('preset production', () => {
  it('spreads three brokers across zones, with a PDB', async () => {
    const docs = await renderPreset('production');
    expect(broker(docs).spec.replicas).toBe(3);
    const keys = podSpec(broker(docs)).topologySpreadConstraints.map((t: { topologyKey: string }) => t.topologyKey);
    expect(keys).toContain('topology.kubernetes.io/zone');
    expect(find(docs, 'PodDisruptionBudget', 'takhin-broker').spec.maxUnavailable).toBe(1);
  });

  it('serves Kafka over TLS from a cert-manager Certificate', async () => {
    const docs = await renderPreset('production');
    expect(takhinYaml(docs).server.tls).toMatchObject({ enabled: true, 'cert.file': '/etc/takhin/tls/tls.crt' });
    expect(find(docs, 'Certificate').spec.issuerRef.name).toBe('takhin-ca-issuer');
  });

  it('takes console API keys from an existing Secret and creates none itself', async () => {
    const docs = await renderPreset('production');
    const env = consoleDeployment(docs).spec.template.spec.containers[0].env as { valueFrom?: { secretKeyRef?: { name: string } } }[];
    expect(env.map((e) => e.valueFrom?.secretKeyRef?.name).filter(Boolean)).toEqual(['takhin-console-api-keys']);
    expect(all(docs, 'Secret')).toHaveLength(0);
  });

  it('really enforces retention: cleaner on, 7 days, and a size bound', async () => {
    const storage = takhinYaml(await renderPreset('production')).storage;
    expect(storage).toMatchObject({ 'cleaner.enabled': true, 'log.retention.hours': 168, 'log.segment.size': 2147483648 });
    expect(storage['log.retention.bytes']).toBeGreaterThan(0);
  });

  it('ships NetworkPolicies, a ServiceMonitor, alerts and dashboards', async () => {
    const docs = await renderPreset('production');
    expect(all(docs, 'NetworkPolicy').map((n) => n.metadata.name).sort()).toEqual(['takhin-broker', 'takhin-console']);
    expect(all(docs, 'ServiceMonitor')).toHaveLength(1);
    expect(all(docs, 'PrometheusRule')).toHaveLength(1);
    expect(all(docs, 'ConfigMap').some((c) => c.metadata.labels?.grafana_dashboard !== undefined)).toBe(true);
  });
});

describe('preset high-throughput', () => {
  it('disables the producer throttle (Takhin would otherwise cap every broker at 10 MiB/s)', async () => {
    const producer = takhinYaml(await renderPreset('high-throughput')).throttle.producer;
    const rate = producer['bytes.per.second'] as number;
    expect(rate === -1 || rate >= 1024 ** 3).toBe(true);
  });

  it('uses larger segments and more resources than the defaults', async () => {
    const docs = await renderPreset('high-throughput');
    expect(takhinYaml(docs).storage['log.segment.size']).toBe(2147483648);
    expect(podSpec(broker(docs)).containers[0].resources.limits).toEqual({ cpu: '4', memory: '8Gi' });
  });
});

describe('preset high-durability', () => {
  it('keeps claims, spreads hard, uses a replicated StorageClass and a PDB', async () => {
    const docs = await renderPreset('high-durability');
    const sts = broker(docs);
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBe('replicated-ssd');
    expect(podSpec(sts).topologySpreadConstraints.every((t: { whenUnsatisfiable: string }) => t.whenUnsatisfiable === 'DoNotSchedule')).toBe(true);
    expect(sts.spec.minReadySeconds).toBe(30);
    expect(all(docs, 'PodDisruptionBudget').map((p) => p.metadata.name)).toContain('takhin-broker');
  });

  it('writes the documented flush settings, which NOTES marks as ignored, and keeps replication factor 1', async () => {
    const cfg = takhinYaml(await renderPreset('high-durability'));
    expect(cfg.storage['log.flush.interval.ms']).toBe(100);
    expect(cfg.replication['default.replication.factor']).toBe(1);
  });
});

describe('preset high-throughput console', () => {
  it('leaves the console out: a copy of 500 GiB at every console start is impractical', async () => {
    expect((await renderPreset('high-throughput')).filter((d) => d.metadata.name.includes('console'))).toEqual([]);
  });
});

describe.each(['dev', 'production', 'high-durability'])('preset %s console', (name) => {
  it('reads broker 0 of the same release, read-only, with room for a copy of its whole volume', async () => {
    const docs = await renderPreset(name);
    const volumes = consoleDeployment(docs).spec.template.spec.volumes as { persistentVolumeClaim?: { claimName: string; readOnly?: boolean } }[];
    const claim = volumes.find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim;
    const sts = broker(docs);
    expect(claim).toEqual({ claimName: `${sts.spec.volumeClaimTemplates[0].metadata.name}-${sts.metadata.name}-0`, readOnly: true });
    // The snapshot copy lands in the `data` emptyDir: it must be able to hold the whole broker volume.
    const scratch = (volumes as { name: string; emptyDir?: { sizeLimit: string } }[]).find((v) => v.name === 'data');
    const mib = (q: string) => {
      const m = /^(\d+)(Mi|Gi|Ti)$/.exec(q);
      if (!m) throw new Error(`unexpected quantity ${q}`);
      return Number(m[1]) * { Mi: 1, Gi: 1024, Ti: 1024 * 1024 }[m[2] as 'Mi' | 'Gi' | 'Ti'];
    };
    expect(mib(scratch!.emptyDir!.sizeLimit)).toBeGreaterThanOrEqual(mib(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage));
  });
});

describe.each(['dev', 'production', 'high-throughput', 'high-durability'])('preset %s', (name) => {
  it('renders byte-identical output twice (two separate helm runs, not the test render cache)', async () => {
    const c = { chartDir: 'charts/takhin', valuesFiles: [`values-examples/${name}.yaml`], apiVersions: PRESET_API_VERSIONS };
    const a = await helmTemplate(c);
    const b = await helmTemplate(c);
    expect(a.ok).toBe(true);
    expect(a.stdout.length).toBeGreaterThan(1000);
    expect(b.stdout).toBe(a.stdout);
  });
});

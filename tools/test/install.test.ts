// The install tests' own logic, without a cluster: what each preset needs before `helm install`, the helm flags
// used, and that the reports never show a step that could not run as passed. The cluster run is `npm run test:install`.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { Summary } from '../check/summary.ts';
import { helm } from '../render/helm.ts';
import { PRESET_API_VERSIONS } from '../render/cases.ts';
import { HELM_TEST_SKIP, SIDECAR_VALUES } from '../install/flows.ts';
import { waitArgs } from '../install/harness.ts';
import { claimsOf, externalSecrets, largerSize, releaseObjects } from '../install/prerequisites.ts';
import { Timings } from '../install/report.ts';
import { Steps } from '../install/steps.ts';
import { renderOk, type Manifest } from './render.ts';

const presetValues = (name: string) => YAML.parse(readFileSync(`values-examples/${name}.yaml`, 'utf8')) as Record<string, any>;
/** As the install test renders a preset: the cluster serves the Prometheus Operator and cert-manager APIs. */
const renderPreset = (name: string) => renderOk('takhin', presetValues(name), { apiVersions: [...PRESET_API_VERSIONS, 'cert-manager.io/v1'] });

describe('volumes a preset needs before install', () => {
  it('production: one 100Gi claim per broker in the default class, and none for the console, which mounts broker 0\'s', async () => {
    const claims = claimsOf(await renderPreset('production'));
    expect(claims).toEqual([0, 1, 2].map((i) => ({ name: `data-takhin-broker-${i}`, size: '100Gi', storageClass: 'standard' })));
  });

  it('high-durability: three 200Gi claims in StorageClass replicated-ssd', async () => {
    const claims = claimsOf(await renderPreset('high-durability'));
    expect(claims.map((c) => `${c.name} ${c.size} ${c.storageClass}`)).toEqual([0, 1, 2].map((i) => `data-takhin-broker-${i} 200Gi replicated-ssd`));
  });

  it('dev and high-throughput: one claim each, 2Gi and 500Gi', async () => {
    expect(claimsOf(await renderPreset('dev'))).toEqual([{ name: 'data-takhin-broker-0', size: '2Gi', storageClass: 'standard' }]);
    expect(claimsOf(await renderPreset('high-throughput'))).toEqual([{ name: 'data-takhin-broker-0', size: '500Gi', storageClass: 'standard' }]);
  });

  it('refuses a claim that asks for no StorageClass, which no volume here could satisfy', () => {
    const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'x' }, spec: { replicas: 1, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { storageClassName: '', resources: { requests: { storage: '1Gi' } } } }] } };
    expect(() => claimsOf([sts])).toThrow(/data-x-0 asks for no StorageClass/);
  });
});

describe('Secrets a preset expects to exist', () => {
  it('production: the console API keys the values name, and the broker TLS Secret its Certificate would produce', async () => {
    const secrets = externalSecrets(await renderPreset('production'), presetValues('production'));
    expect(secrets.map((s) => [s.name, s.type, s.keys])).toEqual(expect.arrayContaining([
      ['takhin-console-api-keys', 'Opaque', ['api-keys']],
      ['takhin-broker-tls', 'kubernetes.io/tls', []],
    ]));
    expect(secrets).toHaveLength(2);
  });

  it('dev: none (the chart creates the console keys from the inline apiKeys)', async () => {
    expect(externalSecrets(await renderPreset('dev'), presetValues('dev'))).toEqual([]);
  });

  it('a Secret that the release reads but nothing accounts for is a chart bug, not something to pre-create', () => {
    const deployment: Manifest = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
      spec: { template: { spec: { containers: [{ name: 'c', env: [{ name: 'K', valueFrom: { secretKeyRef: { name: 'forgotten', key: 'k' } } }] }] } } },
    };
    expect(() => externalSecrets([deployment], {})).toThrow(/Deployment\/web reads Secret forgotten, which the release does not create/);
  });
});

describe('objects and values changes', () => {
  it('helm test pods are not release objects: helm installs them only for `helm test`', async () => {
    const objects = releaseObjects(await renderPreset('dev'));
    expect(objects).toContain('StatefulSet/takhin-broker');
    expect(objects.some((o) => o.startsWith('Pod/'))).toBe(false);
  });

  it('the immutable-change probe asks for one unit more', () => {
    expect(largerSize('2Gi')).toBe('3Gi');
    expect(largerSize('500Gi')).toBe('501Gi');
  });

  it('the negative case renders a sidecar without a security context, which "restricted" forbids', async () => {
    const docs = await renderOk('broker', { ...SIDECAR_VALUES, persistence: { enabled: false } });
    const sts = docs.find((d) => d.kind === 'StatefulSet');
    const shell = sts?.spec.template.spec.containers.find((c: { name: string }) => c.name === 'shell');
    expect(shell).toEqual({ name: 'shell', image: 'busybox:1.36', command: ['sleep', '3600'] });
  });
});

describe('helm flags', () => {
  it('Helm 4 waits with kstatus and rolls back with --rollback-on-failure; Helm 3 uses --wait and --atomic', () => {
    expect(waitArgs('helm', { rollbackOnFailure: true })).toEqual(['--wait=watcher', '--rollback-on-failure', '--timeout', '5m']);
    expect(waitArgs('helm3', { rollbackOnFailure: true })).toEqual(['--wait', '--atomic', '--timeout', '5m']);
    expect(waitArgs('helm', { rollbackOnFailure: false, timeout: '30s' })).toEqual(['--wait=watcher', '--timeout', '30s']);
  });

  it.each([['helm', 'install'], ['helm', 'upgrade'], ['helm3', 'install'], ['helm3', 'upgrade']] as const)('%s %s knows every flag the install tests pass', async (cli, sub) => {
    const help = (await helm(cli, [sub, '--help'])).stdout;
    for (const flag of waitArgs(cli, { rollbackOnFailure: true }).filter((a) => a.startsWith('--'))) expect(help).toContain(flag.split('=')[0]);
  });
});

describe('reports', () => {
  const quiet = () => undefined;

  it('helm test is recorded as skipped with its reason, never as passed', () => {
    const summary = new Summary([]);
    new Steps(summary, new Timings(), quiet).skip('preset/dev', 'helm test', HELM_TEST_SKIP);
    expect(summary.totals()).toEqual({ passed: 0, failed: 0, skipped: 1 });
    expect(summary.skips()).toEqual([`[preset/dev / helm test] ${HELM_TEST_SKIP}`]);
    expect(summary.table()).toMatch(/preset\/dev\s+skip 1/);
  });

  it('after a failed step, the row\'s later steps are skipped; a teardown marked always still runs', async () => {
    const summary = new Summary([]);
    const timings = new Timings();
    const steps = new Steps(summary, timings, quiet);
    await steps.run('p', 'install', async (check) => check(false, 'helm install', 'Error: INSTALLATION FAILED'));
    let ranUpgrade = false;
    await steps.run('p', 'upgrade', async () => { ranUpgrade = true; });
    let ranStop = false;
    await steps.run('p', 'stop', async (check) => { ranStop = true; check(true, 'stopped'); }, { always: true });
    expect(ranUpgrade).toBe(false);
    expect(ranStop).toBe(true);
    expect(summary.failures()).toEqual(['[p / install] helm install: Error: INSTALLATION FAILED']);
    expect(summary.skips()).toEqual(['[p / upgrade] not run: step "install" failed']);
    expect(timings.table()).toMatch(/^p\s+FAIL \d+\.\ds\s+skip\s+\d+\.\ds/m);
  });

  it('a step that throws fails with the error, not silently', async () => {
    const summary = new Summary([]);
    await new Steps(summary, new Timings(), quiet).run('p', 'prepare', async () => { throw new Error('POST namespace: HTTP 403'); });
    expect(summary.failures()).toEqual(['[p / prepare] step did not complete: POST namespace: HTTP 403']);
  });
});

import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkParityAndDeterminism } from '../check/pipeline.ts';
import { helmTemplate } from '../render/helm.ts';
import { KUBE_VERSIONS } from '../toolchain/versions.ts';
import { policyFindings } from '../check/policy.ts';
import { nondeterministicCalls } from '../check/determinism.ts';
import { breakingChangeAllowed, immutableChanges } from '../check/upgrade.ts';
import { Summary } from '../check/summary.ts';
import { find, renderOk } from './render.ts';

describe('policy gate', () => {
  it('passes the broker StatefulSet as rendered, helm test pods included', async () => {
    expect(policyFindings(await renderOk('broker'))).toEqual([]);
  });

  it('catches a sidecar without a security context or resources, naming object and field', async () => {
    const docs = await renderOk('broker', { sidecars: [{ name: 'shell', image: 'busybox' }] });
    const findings = policyFindings(docs);
    const fields = findings.map((f) => f.field);
    expect(findings.every((f) => f.object === 'StatefulSet/takhin-takhin-broker')).toBe(true);
    expect(fields).toContain('spec.template.spec.containers[1](shell).securityContext.allowPrivilegeEscalation');
    expect(fields).toContain('spec.template.spec.containers[1](shell).securityContext.capabilities.drop');
    expect(fields).toContain('spec.template.spec.containers[1](shell).resources.limits.memory');
    expect(fields).toContain('spec.template.spec.containers[1](shell).image');
    expect(fields).toContain('spec.template.spec.containers[1](shell).livenessProbe');
  });

  it('catches host access, privileged containers, root and an API token', () => {
    const pod = {
      kind: 'Pod',
      metadata: { name: 'bad' },
      spec: {
        hostNetwork: true,
        securityContext: { runAsUser: 0 },
        volumes: [{ name: 'h', hostPath: { path: '/' } }],
        containers: [{ name: 'c', image: 'x:latest', ports: [{ containerPort: 80, hostPort: 80 }], securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'] } } }],
      },
    };
    const messages = policyFindings([pod]).map((f) => `${f.field}: ${f.message}`);
    for (const expected of ['spec.hostNetwork', 'spec.automountServiceAccountToken', 'spec.volumes[0].hostPath', 'spec.securityContext.runAsUser', 'securityContext.privileged', 'capabilities.add: capability SYS_ADMIN', 'hostPort', '"x:latest" must name a tag']) {
      expect(messages.some((m) => m.includes(expected)), expected).toBe(true);
    }
  });

  it('accepts an image pinned by digest even without a tag', () => {
    const digest = `repo/x@sha256:${'a'.repeat(64)}`;
    const pod = { kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: digest }] } };
    expect(policyFindings([pod]).some((f) => f.field.endsWith('.image'))).toBe(false);
  });
});

describe('determinism gate', () => {
  it('finds calls of lookup, random and time functions in template actions, with file and line', () => {
    const text = 'a: 1\nb: {{ randAlphaNum 8 }}\nc: {{ now | date "2006" }}\n{{- $x := lookup "v1" "Secret" "ns" "n" }}\n';
    const calls = nondeterministicCalls('t.yaml', text).map((c) => `${c.line}:${c.fn}`);
    expect(calls).toEqual(['2:randAlphaNum', '3:now', '3:date', '4:lookup']);
  });

  it('ignores comments and names that merely contain those words', () => {
    expect(nondeterministicCalls('t.yaml', '{{/* never call lookup or now here */}}\n{{ .Values.nowhere }} {{ include "x.dateFormat" . }}')).toEqual([]);
  });
});

describe('upgrade gate', () => {
  const sts = (serviceName: string, size = '10Gi') => ({
    kind: 'StatefulSet',
    metadata: { name: 'b' },
    spec: { selector: { matchLabels: { a: '1' } }, serviceName, podManagementPolicy: 'Parallel', volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: size } } } }] },
  });

  it('catches a changed StatefulSet serviceName and claim template', () => {
    const changes = immutableChanges([sts('b-headless')], [sts('b-hl', '20Gi')]);
    expect(changes.map((c) => `${c.object} ${c.field}`)).toEqual(['StatefulSet/b spec.serviceName', 'StatefulSet/b spec.volumeClaimTemplates']);
  });

  it('catches a selector change on a real render (a label added to the selector)', async () => {
    const before = await renderOk('broker');
    const after = structuredClone(before);
    find(after, 'StatefulSet').spec.selector.matchLabels['app.kubernetes.io/version'] = '2';
    expect(immutableChanges(before, after).map((c) => c.field)).toEqual(['spec.selector']);
  });

  it('catches a Service turning headless', () => {
    const svc = (clusterIP?: string) => ({ kind: 'Service', metadata: { name: 's' }, spec: { clusterIP } });
    expect(immutableChanges([svc()], [svc('None')]).map((c) => c.field)).toEqual(['spec.clusterIP']);
  });

  it('allows a breaking change only with a major bump and an upgrading.md entry', () => {
    const doc = '# Upgrading\n\n## takhin-broker 1.0.0\n\nDelete the StatefulSet with --cascade=orphan first.\n';
    expect(breakingChangeAllowed('takhin-broker', '0.4.0', '1.0.0', doc)).toBe(true);
    expect(breakingChangeAllowed('takhin-broker', '0.4.0', '0.5.0', doc)).toBe(false);
    expect(breakingChangeAllowed('takhin-broker', '0.4.0', '1.0.0', '# Upgrading\n')).toBe(false);
    expect(breakingChangeAllowed('takhin-console', '0.4.0', '1.0.0', doc)).toBe(false);
  });
});

describe('summary table', () => {
  it('shows failures and skips, never a skip as passed', () => {
    const s = new Summary(['a', 'b']);
    s.record('r', 'a', true);
    s.record('r', 'a', false, 'broke');
    s.skip('r', 'b', 'no base');
    expect(s.failed).toBe(true);
    expect(s.table()).toContain('FAIL 1/2');
    expect(s.table()).toContain('skip 1');
    expect(s.totals()).toEqual({ passed: 1, failed: 1, skipped: 1 });
    expect(s.failures()).toEqual(['[r / a] broke']);
  });
});

describe('helm3 parity and determinism gates', () => {
  it('catch a chart whose output differs between Helm versions and between two renders', async () => {
    const chartDir = mkdtempSync(join(tmpdir(), 'takhin-gate-chart-'));
    mkdirSync(join(chartDir, 'templates'));
    writeFileSync(join(chartDir, 'Chart.yaml'), 'apiVersion: v2\nname: gate-probe\nversion: 0.1.0\n');
    writeFileSync(join(chartDir, 'templates', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: probe\ndata:\n  helm: {{ .Capabilities.HelmVersion.Version | quote }}\n  token: {{ randAlphaNum 12 | quote }}\n');
    const kubeVersion = KUBE_VERSIONS[KUBE_VERSIONS.length - 1]!;
    const c = { row: 'probe', id: 'probe', chartDir, valuesFiles: [] };
    const first = await helmTemplate(c, { kubeVersion });
    expect(first.ok, first.stderr).toBe(true);
    const summary = new Summary([]);
    await checkParityAndDeterminism(summary, [{ case: c, kubeVersion, manifests: first.stdout }], () => undefined);
    const failures = summary.failures().join('\n');
    expect(failures).toContain('[probe / helm3 parity] probe: Helm 3 output differs from Helm 4');
    expect(failures).toContain('[probe / determinism] probe: a second render differs');
  });
});

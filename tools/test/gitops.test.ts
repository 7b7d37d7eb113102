import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import YAML from 'yaml';
import { kubeconform } from '../check/kubeconform.ts';
import { KUBE_VERSIONS } from '../toolchain/versions.ts';

const files = readdirSync('docs/gitops').filter((f) => f.endsWith('.yaml'));

describe('GitOps examples', () => {
  it.each(files)('%s passes kubeconform strict with the Argo CD and Flux CRD schemas', async (file) => {
    const text = readFileSync(`docs/gitops/${file}`, 'utf8');
    for (const version of KUBE_VERSIONS) {
      const result = await kubeconform(text, version);
      expect(result.findings).toEqual([]);
      expect(result.resources).toBe(YAML.parseAllDocuments(text).length);
    }
  });

  it('install the umbrella chart from the OCI registry at a pinned version', () => {
    const argo = YAML.parse(readFileSync('docs/gitops/argocd-application.yaml', 'utf8'));
    expect(argo.spec.sources[0]).toMatchObject({ chart: 'takhin', targetRevision: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    const [repo, release] = YAML.parseAllDocuments(readFileSync('docs/gitops/flux.yaml', 'utf8')).map((d) => d.toJS());
    expect(repo.spec.url).toMatch(/^oci:\/\/.*\/takhin$/);
    expect(release.spec.chartRef).toEqual({ kind: 'OCIRepository', name: repo.metadata.name });
  });

  it('kubeconform rejects an unknown field in a HelmRelease (the check can fail)', async () => {
    const bad = readFileSync('docs/gitops/flux.yaml', 'utf8').replace('  releaseName: takhin', '  releaseName: takhin\n  releaseNmae: typo');
    const result = await kubeconform(bad, KUBE_VERSIONS[0]);
    expect(result.ok).toBe(false);
    expect(result.findings.map((f) => f.msg).join()).toContain('releaseNmae');
  });
});

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { mergeValues } from '../values/merge.ts';
import { all, podSpec, renderError, renderOk, type Manifest } from './render.ts';
import { PRESET_API_VERSIONS } from '../render/cases.ts';
import { chartDef } from '../values/charts.ts';

const KEY = { console: { auth: { apiKeys: ['umbrella-test-key-0001'] } } };
const presetValues = (name: string) => YAML.parse(readFileSync(`values-examples/${name}.yaml`, 'utf8')) as Record<string, any>;


/** An object as the test compares it: the chart label names the chart (alias vs. name), everything else must match. */
function normalised(doc: Manifest): string {
  const copy = structuredClone(doc);
  const strip = (labels?: Record<string, string>) => labels && delete labels['helm.sh/chart'];
  strip(copy.metadata.labels);
  strip(copy.spec?.template?.metadata?.labels);
  return `${copy.kind}/${copy.metadata.name}\n${YAML.stringify(copy)}`;
}

describe('umbrella wiring', () => {
  const umbrella = chartDef('takhin').values.properties!;

  it.each(['dev', 'production', 'high-throughput', 'high-durability'])(
    'with preset %s renders exactly the objects the three charts render separately',
    async (name) => {
      const preset = presetValues(name);
      const whole = await renderOk('takhin', preset, { apiVersions: PRESET_API_VERSIONS });
      const parts: Manifest[] = [];
      for (const [alias, dir] of [['broker', 'broker'], ['console', 'console'], ['monitoring', 'monitoring']] as const) {
        const defaults = umbrella[alias]!.subchart!.defaults;
        const values = mergeValues(mergeValues(defaults, preset[alias]), { global: preset.global ?? {}, nameOverride: alias });
        if (!values.enabled) continue;
        parts.push(...(await renderOk(dir, values, { apiVersions: PRESET_API_VERSIONS })));
      }
      expect(whole.map(normalised).sort()).toEqual(parts.map(normalised).sort());
    },
  );

  it('validates the whole tree: a misspelt key inside a subchart is rejected by the umbrella\'s own schema', async () => {
    for (const helm of ['helm', 'helm3'] as const) {
      const err = await renderError('takhin', { ...KEY, broker: { config: { storage: { dataDir: '/data' } } } }, helm);
      expect(err).toContain('dataDir');
      expect(err).toMatch(/takhin:/);
    }
  });

  it('honours global values in every subchart', async () => {
    const docs = await renderOk('takhin', {
      ...KEY,
      monitoring: { enabled: true },
      console: { ...KEY.console, data: { mode: 'standalone' } },
      global: { imageRegistry: 'registry.example.com', imagePullSecrets: ['regcred'], storageClass: 'global-class', commonLabels: { team: 'streaming' }, commonAnnotations: { owner: 'data-platform' } },
    }, { apiVersions: PRESET_API_VERSIONS });
    for (const doc of docs) {
      expect(doc.metadata.labels?.team, `${doc.kind}/${doc.metadata.name}`).toBe('streaming');
      expect(doc.metadata.annotations?.owner, `${doc.kind}/${doc.metadata.name}`).toBe('data-platform');
    }
    const pods = docs.filter((d) => ['StatefulSet', 'Deployment', 'Pod'].includes(d.kind));
    expect(pods.length).toBeGreaterThan(3);
    for (const doc of pods) {
      const spec = podSpec(doc);
      for (const c of spec.containers) expect(c.image, `${doc.kind}/${doc.metadata.name}`).toMatch(/^registry\.example\.com\//);
      expect(spec.imagePullSecrets, `${doc.kind}/${doc.metadata.name}`).toContainEqual({ name: 'regcred' });
    }
    const claims = [...all(docs, 'StatefulSet').flatMap((s) => s.spec.volumeClaimTemplates), ...all(docs, 'PersistentVolumeClaim')];
    expect(claims.length).toBeGreaterThanOrEqual(2);
    for (const c of claims) expect(c.spec.storageClassName).toBe('global-class');
  });

  it('switches subcharts off with <alias>.enabled', async () => {
    const docs = await renderOk('takhin', { console: { enabled: false } });
    expect(docs.some((d) => d.metadata.name.includes('console'))).toBe(false);
    expect(docs.some((d) => d.kind === 'StatefulSet')).toBe(true);
  });

  it('names the broker the console reads after the release, however the release is called', async () => {
    // Helm's fullname rule drops the chart name when the release name contains it: the wiring must follow.
    for (const [release, sts] of [['takhin', 'takhin-broker'], ['event-broker', 'event-broker']]) {
      const docs = await renderOk('takhin', KEY, { release });
      expect(all(docs, 'StatefulSet').map((s) => s.metadata.name)).toEqual([sts]);
      const claim = podSpec(all(docs, 'Deployment')[0]!).volumes.find((v: { persistentVolumeClaim?: unknown }) => v.persistentVolumeClaim);
      expect(claim.persistentVolumeClaim.claimName).toBe(`data-${sts}-0`);
    }
  });
});

// Every chart's Chart.yaml says what Artifact Hub and `helm show chart` users need, and agrees with its sources:
// appVersion with the default image tag, artifacthub.io/images with the images the chart runs, artifacthub.io/changes
// with CHANGELOG.md.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { ciCases, presetCases } from '../render/cases.ts';
import { helmTemplate, pool } from '../render/helm.ts';
import { CHARTS_DIR, REPO_ROOT } from '../toolchain/paths.ts';
import { KUBE_VERSION_RANGE } from '../toolchain/versions.ts';
import { TAKHIN_IMAGE } from '../values/images.ts';
import { sourceCharts } from '../package/charts.ts';
import { annotatedChanges, annotatedImages, annotatedLinks, imagesInManifests, imagesInValues, missingMetadata, parseChangelog, readChangelog } from '../package/metadata.ts';

const charts = sourceCharts(CHARTS_DIR);
const LICENSE = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { license: string }).license;
const isApplication = (c: (typeof charts)[number]) => (c.meta.type ?? 'application') === 'application';

/** Default values of the chart and of every chart it vendors: all the images it can run without overrides. */
const defaultImages = (c: (typeof charts)[number]) =>
  [...new Set([c.path, ...c.localDependencies].filter((dir) => existsSync(join(dir, 'values.yaml'))).flatMap((dir) => imagesInValues(YAML.parse(readFileSync(join(dir, 'values.yaml'), 'utf8')))))].sort();

describe.each(charts.map((c) => [c.meta.name, c] as const))('%s Chart.yaml', (_name, chart) => {
  const { meta } = chart;

  it('has everything helm show chart and Artifact Hub display', () => {
    expect(missingMetadata(meta)).toEqual([]);
    expect(meta.kubeVersion).toBe(KUBE_VERSION_RANGE);
    expect(meta.home).toMatch(/^https:\/\//);
    for (const s of meta.sources ?? []) expect(s).toMatch(/^https:\/\//);
    for (const m of meta.maintainers ?? []) expect(m.name).toBeTruthy();
    expect(meta.version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
  });

  it.runIf(isApplication(chart))('has appVersion equal to the default Takhin image tag', () => {
    expect(meta.appVersion).toBe(TAKHIN_IMAGE.tag);
  });

  it('has the repository\'s license and well-formed links', () => {
    expect(meta.annotations?.['artifacthub.io/license']).toBe(LICENSE);
    const links = annotatedLinks(meta);
    expect(links.length).toBeGreaterThan(0);
    for (const l of links) {
      expect(Object.keys(l).sort()).toEqual(['name', 'url']);
      expect(l.url).toMatch(/^https:\/\//);
    }
  });

  it('lists in artifacthub.io/changes exactly the CHANGELOG.md entries of its version', () => {
    const changelog = readChangelog(chart.path);
    const entries = changelog.get(meta.version);
    expect(entries, `charts/${chart.dir}/CHANGELOG.md has no "## ${meta.version}" section`).toBeDefined();
    expect(entries!.length).toBeGreaterThan(0);
    expect(annotatedChanges(meta)).toEqual(entries);
  });

  it('lists in artifacthub.io/images every image of its default values, helm test images included, and nothing else', () => {
    const listed = annotatedImages(meta);
    for (const i of listed) expect(Object.keys(i).sort()).toEqual(['image', 'name']);
    expect(listed.map((i) => i.image).sort()).toEqual(defaultImages(chart));
  });
});

/** `ghcr.io/takhin/takhin:1.0.0` → `takhin/takhin:1.0.0`: the first segment is a registry when it has a dot or port. */
const withoutRegistry = (image: string) => image.replace(/^[^/]*[.:][^/]*\//, '');

describe('artifacthub.io/images against rendered manifests', () => {
  it('covers every image any ci case or preset renders, helm test pods included', async () => {
    const cases = [...ciCases(), ...presetCases()];
    const unlisted: string[] = [];
    await pool(cases, 2, async (c) => {
      const chart = charts.find((x) => x.path === c.chartDir)!;
      const result = await helmTemplate(c);
      if (!result.ok) throw new Error(`helm template ${c.id} failed:\n${result.stderr}`);
      // Cases may point at a mirror (global.imageRegistry): what must be listed is the repository and tag.
      const listed = annotatedImages(chart.meta).map((i) => withoutRegistry(i.image));
      for (const image of imagesInManifests(result.stdout)) if (!listed.includes(withoutRegistry(image))) unlisted.push(`${c.id}: ${image}`);
    });
    expect(unlisted).toEqual([]);
  }, 180_000);
});

describe('CHANGELOG.md format', () => {
  it('reads versions, kinds and wrapped entries', () => {
    const parsed = parseChangelog('# Changelog\n\nProse.\n\n## 0.2.0\n\n### Fixed\n\n- One\n  continued.\n- Two\n\n### Security\n\n- Three\n\n## 0.1.0\n\n### Added\n\n- First\n');
    expect(parsed.get('0.2.0')).toEqual([
      { kind: 'fixed', description: 'One continued.' },
      { kind: 'fixed', description: 'Two' },
      { kind: 'security', description: 'Three' },
    ]);
    expect(parsed.get('0.1.0')).toEqual([{ kind: 'added', description: 'First' }]);
  });

  it('rejects a heading Artifact Hub has no kind for, naming the line and the kinds', () => {
    expect(() => parseChangelog('## 0.1.0\n\n### Improved\n\n- x\n', 'charts/x/CHANGELOG.md')).toThrow(
      'charts/x/CHANGELOG.md:3: "### Improved" is not a change kind; use one of Added, Changed, Deprecated, Removed, Fixed, Security',
    );
  });

  it('rejects a version with two sections', () => {
    expect(() => parseChangelog('## 0.1.0\n### Added\n- a\n## 0.1.0\n')).toThrow(/version 0.1.0 has a second section/);
  });
});

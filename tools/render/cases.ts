// What gets rendered: every chart's ci/*-values.yaml and every preset (through the umbrella chart).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import YAML from 'yaml';
import { CHARTS_DIR, PRESETS_DIR, REPO_ROOT } from '../toolchain/paths.ts';

export interface RenderCase {
  /** Summary-table row: the chart name, or `preset/<name>`. */
  row: string;
  /** Unique, readable id: `takhin-broker/ci/tls-values.yaml`, `preset/production`. */
  id: string;
  /** Chart directory (absolute). */
  chartDir: string;
  /** Values files, relative to the repository. */
  valuesFiles: string[];
  /** APIs to announce to helm (`--api-versions`), for charts that render custom resources only when they exist. */
  apiVersions?: string[];
}

/** Presets target clusters that run the Prometheus Operator, so their custom resources are rendered and validated. */
export const PRESET_API_VERSIONS = ['monitoring.coreos.com/v1'];

export const RELEASE = 'takhin';
export const NAMESPACE = 'takhin';

export interface ChartInfo {
  name: string;
  dir: string;
  type: string;
  dependencies: { name: string; repository: string }[];
}

export function chartInfo(dir: string): ChartInfo {
  const chart = YAML.parse(readFileSync(join(dir, 'Chart.yaml'), 'utf8')) as { name: string; type?: string; dependencies?: ChartInfo['dependencies'] };
  return { name: chart.name, dir, type: chart.type ?? 'application', dependencies: chart.dependencies ?? [] };
}

/** Every chart directory, dependencies before dependants (file:// order), library charts included. */
export function allCharts(): ChartInfo[] {
  const charts = readdirSync(CHARTS_DIR).map((d) => join(CHARTS_DIR, d)).filter((d) => existsSync(join(d, 'Chart.yaml'))).map(chartInfo);
  const depth = (c: ChartInfo): number => Math.max(0, ...c.dependencies.filter((d) => d.repository.startsWith('file://')).map((d) => 1 + depth(chartInfo(join(c.dir, d.repository.slice(7))))));
  return charts.sort((a, b) => depth(a) - depth(b) || a.name.localeCompare(b.name));
}

export const applicationCharts = () => allCharts().filter((c) => c.type === 'application');

export function ciCases(): RenderCase[] {
  return applicationCharts().flatMap((chart) => {
    const ci = join(chart.dir, 'ci');
    const files = existsSync(ci) ? readdirSync(ci).filter((f) => f.endsWith('-values.yaml')).sort() : [];
    return files.map((f) => ({ row: chart.name, id: `${chart.name}/ci/${f}`, chartDir: chart.dir, valuesFiles: [relative(REPO_ROOT, join(ci, f))] }));
  });
}

export function presetCases(): RenderCase[] {
  const umbrella = join(CHARTS_DIR, 'takhin');
  if (!existsSync(PRESETS_DIR) || !existsSync(join(umbrella, 'Chart.yaml'))) return [];
  return readdirSync(PRESETS_DIR).filter((f) => f.endsWith('.yaml')).sort().map((f) => {
    const name = f.replace(/\.yaml$/, '');
    return { row: `preset/${name}`, id: `preset/${name}`, chartDir: umbrella, valuesFiles: [relative(REPO_ROOT, join(PRESETS_DIR, f))], apiVersions: PRESET_API_VERSIONS };
  });
}

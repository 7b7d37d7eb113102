// Chart.yaml as packaging sees it, for any charts directory (the repository's, a staging copy, a test fixture).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import YAML from 'yaml';

export interface ChartDependency {
  name: string;
  version: string;
  repository: string;
  alias?: string;
}

export interface ChartMeta {
  apiVersion: string;
  name: string;
  version: string;
  type?: string;
  appVersion?: string;
  kubeVersion?: string;
  description?: string;
  home?: string;
  icon?: string;
  sources?: string[];
  maintainers?: { name: string; email?: string; url?: string }[];
  keywords?: string[];
  dependencies?: ChartDependency[];
  annotations?: Record<string, string>;
}

export interface SourceChart {
  /** Directory name under charts/ (`broker`), which differs from the chart name (`takhin-broker`). */
  dir: string;
  path: string;
  meta: ChartMeta;
  /** Directories (absolute) of the charts this one vendors by file://, transitively. */
  localDependencies: string[];
}

export function readChartMeta(chartPath: string): ChartMeta {
  const file = join(chartPath, 'Chart.yaml');
  const meta = YAML.parse(readFileSync(file, 'utf8')) as ChartMeta;
  if (!meta?.name || !meta.version) throw new Error(`${file}: name and version are required`);
  return meta;
}

function localDependencies(chartPath: string, meta: ChartMeta, seen: string[] = []): string[] {
  const out: string[] = [];
  for (const dep of meta.dependencies ?? []) {
    if (!dep.repository.startsWith('file://')) continue;
    const path = resolve(chartPath, dep.repository.slice('file://'.length));
    if (seen.includes(path) || out.includes(path)) continue;
    out.push(path, ...localDependencies(path, readChartMeta(path), [...seen, chartPath]).filter((p) => !out.includes(p)));
  }
  return out;
}

/** Every chart under `chartsDir`, each after the charts it vendors by file:// (the order packaging needs). */
export function sourceCharts(chartsDir: string): SourceChart[] {
  const charts = readdirSync(chartsDir)
    .map((d) => join(chartsDir, d))
    .filter((p) => existsSync(join(p, 'Chart.yaml')))
    .map((path) => {
      const meta = readChartMeta(path);
      return { dir: basename(path), path, meta, localDependencies: localDependencies(path, meta) };
    });
  return charts.sort((a, b) => a.localDependencies.length - b.localDependencies.length || a.meta.name.localeCompare(b.meta.name));
}

/** The archive name `helm package` writes for a chart. */
export const archiveName = (meta: Pick<ChartMeta, 'name' | 'version'>) => `${meta.name}-${meta.version}.tgz`;

// Which metric names a Takhin alert or dashboard may use: Takhin's own series that the pinned broker really
// updates (takhin-metrics.tsv), and the standard series in standard-series.yaml. Pure apart from reading both.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { REPO_ROOT } from '../toolchain/paths.ts';

const HERE = join(REPO_ROOT, 'tools', 'monitoring');
export const TAKHIN_METRICS_FILE = join(HERE, 'takhin-metrics.tsv');
export const STANDARD_SERIES_FILE = join(HERE, 'standard-series.yaml');

export type Status = 'updated' | 'constant' | 'absent';

export interface TakhinMetric {
  name: string;
  type: string;
  status: Status;
}

export interface StandardGroup {
  source: string;
  why: string;
  names: string[];
}

export function parseTakhinMetrics(tsv: string): Map<string, TakhinMetric> {
  const metrics = new Map<string, TakhinMetric>();
  for (const line of tsv.split('\n')) {
    if (line.startsWith('#') || line.trim() === '' || line.startsWith('name\t')) continue;
    const [name, type, , status] = line.split('\t');
    if (!name || !type || !['updated', 'constant', 'absent'].includes(status ?? '')) {
      throw new Error(`${TAKHIN_METRICS_FILE}: cannot read line ${JSON.stringify(line)} (want name, type, labels, status)`);
    }
    metrics.set(name, { name, type, status: status as Status });
  }
  return metrics;
}

export const loadTakhinMetrics = () => parseTakhinMetrics(readFileSync(TAKHIN_METRICS_FILE, 'utf8'));
export const loadStandardSeries = () => YAML.parse(readFileSync(STANDARD_SERIES_FILE, 'utf8')) as StandardGroup[];

const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];

export interface Verdict {
  ok: boolean;
  /** Why it is allowed, or what is wrong and what to do. */
  reason: string;
}

/** Whether `name` may appear in an alert or dashboard query. */
export function judgeMetric(name: string, takhin: Map<string, TakhinMetric>, standard: StandardGroup[]): Verdict {
  if (name.startsWith('~')) return { ok: false, reason: `selects metric names by regex (${name.slice(1)}): name each metric so it can be checked` };
  const group = standard.find((g) => g.names.includes(name));
  if (group) return { ok: true, reason: `standard series from ${group.source}` };

  let metric = takhin.get(name);
  if (!metric) {
    const suffix = HISTOGRAM_SUFFIXES.find((s) => name.endsWith(s));
    const base = suffix ? takhin.get(name.slice(0, -suffix.length)) : undefined;
    if (base?.type === 'histogram') metric = base;
  }
  if (!metric) {
    return {
      ok: false,
      reason: name.startsWith('takhin_')
        ? 'is not a metric Takhin registers (check takhin-metrics.tsv for the real name)'
        : `is neither a Takhin metric nor listed in ${STANDARD_SERIES_FILE.slice(REPO_ROOT.length + 1)}: add it there with its exporter and why it is safe, or use another series`,
    };
  }
  if (metric.status === 'absent') return { ok: false, reason: 'is registered but never set by the pinned broker, so no series exists: drop the query' };
  if (metric.status === 'constant') return { ok: false, reason: 'is exposed but never changes at the pinned broker: a query on it only ever shows its initial value' };
  return { ok: true, reason: `Takhin ${metric.type} the broker updates` };
}

// Renders the takhin-monitoring chart (through the shared helm wrapper) and picks out what the checks need.
import { parseManifests } from '../render/manifests.ts';
import { join } from 'node:path';
import { helmTemplate, type TemplateOptions } from '../render/helm.ts';
import { CHARTS_DIR } from '../toolchain/paths.ts';

export const CHART_DIR = join(CHARTS_DIR, 'monitoring');
/** The Prometheus Operator API; `--api-versions` with it renders the CRD-based objects in `auto`. */
export const MONITORING_API = 'monitoring.coreos.com/v1';
export const GRAFANA_API = 'grafana.integreatly.org/v1beta1';

/** `helm template` of the chart (release and namespace `takhin`: the broker is then `takhin-broker`); throws on failure. */
export async function renderMonitoring(valuesFiles: string[] = [], opts: TemplateOptions = {}): Promise<string> {
  const result = await helmTemplate({ chartDir: CHART_DIR, valuesFiles }, opts);
  if (!result.ok) throw new Error(`helm template charts/monitoring ${valuesFiles.join(' ')} ${(opts.set ?? []).join(' ')} failed:\n${result.stderr.trim()}`);
  return result.stdout;
}

export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Rule[];
}

/** spec.groups of the one PrometheusRule in a render. */
export function ruleGroups(manifests: string): RuleGroup[] {
  const rules = parseManifests(manifests).filter((o) => o.kind === 'PrometheusRule');
  if (rules.length !== 1) throw new Error(`expected one PrometheusRule in the render, found ${rules.length}`);
  return (rules[0]?.spec?.groups ?? []) as RuleGroup[];
}

export const alertRules = (groups: RuleGroup[]) => groups.flatMap((g) => g.rules.filter((r) => r.alert));

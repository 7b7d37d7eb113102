// Reads charts/monitoring/rules/alerts.yaml, the one definition of Takhin's alerts, and checks its shape, so a
// typo there fails generation with the alert's name instead of rendering a broken rule.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { CHARTS_DIR } from '../toolchain/paths.ts';

export const ALERTS_FILE = join(CHARTS_DIR, 'monitoring', 'rules', 'alerts.yaml');

export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A Prometheus duration as `for` accepts it: 5m, 1h30m, 0m. */
export const DURATION_PATTERN = '^([0-9]+(ms|s|m|h|d|w|y))+$';

export interface Threshold {
  default: number;
  minimum?: number;
  maximum?: number;
  exclusiveMaximum?: number;
  description: string;
}

export interface Alert {
  alert: string;
  group: string;
  expr: string;
  for: string;
  severity: Severity;
  threshold?: Threshold;
  summary: string;
  description: string;
}

const PLACEHOLDERS = ['<<target>>', '<<pod>>', '<<pvc>>', '<<pdb>>', '<<threshold>>', '<<thresholdPercent>>', '<<for>>'];

export function parseAlerts(text: string, file = ALERTS_FILE): Alert[] {
  const doc = YAML.parse(text) as { groups?: { name?: string; alerts?: Record<string, unknown>[] }[] };
  const problems: string[] = [];
  const alerts: Alert[] = [];
  for (const group of doc.groups ?? []) {
    for (const raw of group.alerts ?? []) {
      const name = String(raw.alert ?? '(no name)');
      const where = `${file}: alert ${name}`;
      for (const key of ['alert', 'expr', 'for', 'severity', 'summary', 'description']) {
        if (typeof raw[key] !== 'string' || raw[key] === '') problems.push(`${where}: \`${key}\` must be a non-empty string`);
      }
      if (!/^Takhin[A-Za-z0-9]+$/.test(name)) problems.push(`${where}: names start with Takhin and are CamelCase (they become values keys and runbook file names)`);
      if (!SEVERITIES.includes(raw.severity as Severity)) problems.push(`${where}: severity must be one of ${SEVERITIES.join(', ')}`);
      if (typeof raw.for === 'string' && !new RegExp(DURATION_PATTERN).test(raw.for)) problems.push(`${where}: \`for\` ${raw.for} is not a Prometheus duration`);
      const threshold = raw.threshold as Threshold | undefined;
      const text = `${String(raw.expr)} ${String(raw.summary)} ${String(raw.description)}`;
      if (threshold !== undefined) {
        if (typeof threshold.default !== 'number' || typeof threshold.description !== 'string') {
          problems.push(`${where}: threshold needs a numeric \`default\` and a \`description\``);
        }
        if (!String(raw.expr).includes('<<threshold>>')) problems.push(`${where}: has a threshold but its expr never uses <<threshold>>`);
      } else if (text.includes('<<threshold')) {
        problems.push(`${where}: uses <<threshold>> but defines no threshold`);
      }
      for (const placeholder of text.match(/<<[A-Za-z]+>>/g) ?? []) {
        if (!PLACEHOLDERS.includes(placeholder)) problems.push(`${where}: unknown placeholder ${placeholder}; known: ${PLACEHOLDERS.join(' ')}`);
      }
      if (alerts.some((a) => a.alert === name)) problems.push(`${where}: defined twice`);
      alerts.push({
        alert: name,
        group: String(group.name),
        expr: String(raw.expr),
        for: String(raw.for),
        severity: raw.severity as Severity,
        ...(threshold ? { threshold } : {}),
        summary: String(raw.summary),
        description: String(raw.description),
      });
    }
  }
  if (alerts.length === 0) problems.push(`${file}: no alerts found under groups[].alerts`);
  if (problems.length > 0) throw new Error(`invalid alert definitions:\n  - ${problems.join('\n  - ')}`);
  return alerts;
}

export function loadAlerts(): Alert[] {
  return parseAlerts(readFileSync(ALERTS_FILE, 'utf8'));
}

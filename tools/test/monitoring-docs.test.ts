// Every alert is documented where its runbook_url and the chart README say it is, with what the alert really does.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAlerts } from '../monitoring/alerts.ts';
import { CHARTS_DIR, REPO_ROOT } from '../toolchain/paths.ts';

const ALERTS = loadAlerts();
const RUNBOOKS = join(REPO_ROOT, 'docs', 'runbooks');
const README = readFileSync(join(CHARTS_DIR, 'monitoring', 'README.md'), 'utf8');
const runbook = (alert: string) => readFileSync(join(RUNBOOKS, `${alert}.md`), 'utf8');

/** The 24 rules of Takhin's docs/deployment/prometheus-alerts.yml (upstream commit 324febf). */
const UPSTREAM = [
  'TakhinDown', 'TakhinHighErrorRate', 'TakhinOutOfMemory', 'TakhinTooManyGoroutines', 'TakhinDiskSpaceHigh',
  'TakhinDiskSpaceCritical', 'TakhinHighIOErrorRate', 'TakhinLogSegmentsTooMany', 'TakhinReplicationLagHigh',
  'TakhinReplicationLagCritical', 'TakhinISRShrunk', 'TakhinReplicationFetchLatencyHigh', 'TakhinConsumerLagHigh',
  'TakhinConsumerLagCritical', 'TakhinConsumerGroupRebalancing', 'TakhinConsumerGroupNoMembers',
  'TakhinProduceLatencyHigh', 'TakhinFetchLatencyHigh', 'TakhinRequestLatencyHigh', 'TakhinThroughputDropped',
  'TakhinHighConnectionCount', 'TakhinHighCPUUsage', 'TakhinHighGCPause', 'TakhinMemoryLeakSuspected',
];

describe('runbooks', () => {
  it('there is one per alert and no other', () => {
    const files = readdirSync(RUNBOOKS).filter((f) => f !== 'README.md').map((f) => f.replace(/\.md$/, '')).sort();
    expect(files).toEqual(ALERTS.map((a) => a.alert).sort());
  });

  it.each(ALERTS)('$alert: meaning, impact, diagnosis and fix, with the severity, `for` and values key it ships with', (alert) => {
    const text = runbook(alert.alert);
    expect(text.split('\n')[0]).toBe(`# ${alert.alert}`);
    for (const section of ['## Meaning', '## Impact', '## Diagnosis', '## Fix']) expect(text).toContain(section);
    expect(text).toContain(`Severity \`${alert.severity}\``);
    expect(text).toContain(`\`for: ${alert.for}\``);
    expect(text).toContain(`\`alerts.${alert.alert}\``);
  });

  it('the index lists every alert with its severity', () => {
    const index = readFileSync(join(RUNBOOKS, 'README.md'), 'utf8');
    for (const a of ALERTS) expect(index).toContain(`| [${a.alert}](${a.alert}.md) | ${a.severity} |`);
  });

  it('links between runbooks point at files that exist', () => {
    for (const a of ALERTS) {
      for (const [, target] of runbook(a.alert).matchAll(/\]\(([^)]+\.md)\)/g)) expect(existsSync(join(RUNBOOKS, target as string)), `${a.alert} -> ${target}`).toBe(true);
    }
  });
});

describe('chart README', () => {
  it('lists every alert with the severity and `for` it ships with', () => {
    for (const a of ALERTS) expect(README).toContain(`| ${a.alert} | ${a.severity} | ${a.for} |`);
  });

  it('says for each of Takhin\'s own 24 alerts why it is not shipped as written', () => {
    const table = README.slice(README.indexOf('### Takhin\'s own alerts that are not shipped'), README.indexOf('## Dashboards'));
    for (const name of UPSTREAM) expect(table, name).toMatch(new RegExp(`^\\| [^|]*\\b${name}\\b[^|]*\\|`, 'm'));
  });
});

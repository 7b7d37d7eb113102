// The alerts as the chart renders them, run through promtool: they load, every alert has a unit test that
// passes, and every unit test fails when its alert is broken (so no test passes vacuously).
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import YAML from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHARTS_DIR } from '../toolchain/paths.ts';
import { loadAlerts, type Alert } from '../monitoring/alerts.ts';
import { checkRules, ruleTestFiles, testRules } from '../monitoring/promtool.ts';
import { MONITORING_API, renderMonitoring, ruleGroups, type RuleGroup } from '../monitoring/render.ts';

const ALERTS = loadAlerts();
const FILES = ruleTestFiles();
const CI_DIR = join(CHARTS_DIR, 'monitoring', 'ci');
const testFile = (alert: string) => FILES.find((f) => basename(f) === `${alert}.yaml`) as string;

interface TestCase {
  alert_rule_test?: { alertname: string; eval_time: string; exp_alerts?: unknown[] }[];
}
const evals = (file: string) => ((YAML.parse(readFileSync(file, 'utf8')) as { tests: TestCase[] }).tests ?? []).flatMap((t) => t.alert_rule_test ?? []);

/** The rendered groups with one alert changed. */
function mutate(groups: RuleGroup[], alert: string, change: (rule: RuleGroup['rules'][number]) => void): RuleGroup[] {
  const copy = structuredClone(groups);
  const target = copy.flatMap((g) => g.rules).find((r) => r.alert === alert);
  if (!target) throw new Error(`no ${alert} in the rendered rules`);
  change(target);
  return copy;
}

const seconds = (duration: string) =>
  [...duration.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)].reduce((sum, [, n, u]) => sum + Number(n) * ({ ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 }[u as string] ?? 0), 0);

/** A threshold at the edge of what the schema allows, on the side that makes the alert fire more easily. */
function eagerThreshold(alert: Alert): number | undefined {
  const t = alert.threshold;
  if (!t) return undefined;
  // `< <<threshold>>` fires below the threshold and `<<threshold>> * 3600)) < 0` looks further ahead: raise them.
  const raise = /<\s*<<threshold>>/.test(alert.expr) || /<<threshold>>\s*\*/.test(alert.expr);
  const bound = raise ? t.maximum : t.minimum;
  return bound === undefined || bound === t.default ? undefined : bound;
}

let groups: RuleGroup[];
beforeAll(async () => {
  groups = ruleGroups(await renderMonitoring([], { apiVersions: [MONITORING_API] }));
});

describe('promtool check rules', () => {
  it('accepts the rules rendered with the defaults', () => {
    expect(checkRules(groups)).toBeUndefined();
  });

  it.each(['servicemonitor-values.yaml', 'alerts-overridden-values.yaml', 'standalone-broker-values.yaml'])('accepts the rules rendered for ci/%s', async (file) => {
    expect(checkRules(ruleGroups(await renderMonitoring([join(CI_DIR, file)])))).toBeUndefined();
  });

  it('rejects a broken expression (the check is not vacuous)', () => {
    expect(checkRules(mutate(groups, 'TakhinTargetDown', (r) => { r.expr = 'up{job="takhin" == 0'; }))).toMatch(/TakhinTargetDown|parse error/);
  });
});

describe('one promtool test file per alert', () => {
  it('every alert has a test file, and every test file belongs to an alert', () => {
    expect(FILES.map((f) => basename(f, '.yaml')).sort()).toEqual(ALERTS.map((a) => a.alert).sort());
  });

  it.each(ALERTS.map((a) => a.alert))('%s: its tests evaluate only that alert, both silent and firing', (alert) => {
    const cases = evals(testFile(alert));
    expect(new Set(cases.map((c) => c.alertname))).toEqual(new Set([alert]));
    expect(cases.some((c) => (c.exp_alerts ?? []).length === 0)).toBe(true);
    expect(cases.some((c) => (c.exp_alerts ?? []).length > 0)).toBe(true);
  });
});

describe('promtool test rules', () => {
  it.each(ALERTS.map((a) => a.alert))('%s fires on its bad series after `for` and stays silent on healthy ones', (alert) => {
    const [run] = testRules(groups, [testFile(alert)]);
    expect(run?.ok, run?.output).toBe(true);
  });
});

describe('each test fails when its alert is broken', () => {
  it.each(ALERTS.map((a) => a.alert))('%s: an expression that never fires is caught', (alert) => {
    const broken = mutate(groups, alert, (r) => { r.expr = 'vector(0) > 1'; });
    expect(testRules(broken, [testFile(alert)])[0]?.ok).toBe(false);
  });

  const delayed = ALERTS.filter((a) => seconds(a.for) > 0).map((a) => a.alert);
  it.each(delayed)('%s: firing before its `for` has elapsed is caught', (alert) => {
    const eager = mutate(groups, alert, (r) => { r.for = '0s'; });
    expect(testRules(eager, [testFile(alert)])[0]?.ok).toBe(false);
  });

  const tunable = ALERTS.filter((a) => eagerThreshold(a) !== undefined);
  it.each(tunable.map((a) => [a.alert, eagerThreshold(a)]))('%s: a threshold of %s set through values makes it fire on the healthy series, which is caught', async (alert, threshold) => {
    // Only this alert is rendered, so cross-alert validation (volume thresholds) does not get in the way.
    const others = ALERTS.filter((a) => a.alert !== alert).map((a) => `alerts.${a.alert}.enabled=false`);
    const rendered = ruleGroups(await renderMonitoring([], { apiVersions: [MONITORING_API], set: [...others, `alerts.${alert}.threshold=${threshold}`] }));
    expect(testRules(rendered, [testFile(alert as string)])[0]?.ok).toBe(false);
  });

  it('only alerts already at their most eager threshold (0: any restart, any rejected request) skip that mutation', () => {
    const skipped = ALERTS.filter((a) => a.threshold && eagerThreshold(a) === undefined).map((a) => a.alert);
    expect(skipped.sort()).toEqual(['TakhinBrokerRestarting', 'TakhinProduceRequestsThrottled']);
  });
});

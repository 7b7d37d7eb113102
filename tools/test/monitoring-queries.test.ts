// Every query the monitoring chart ships, alert or dashboard, uses only series that exist for the pinned Takhin
// and parses as PromQL; the dashboards are the generated ones and carry their datasource variable.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAlerts } from '../monitoring/alerts.ts';
import { judgeMetric, loadStandardSeries, loadTakhinMetrics } from '../monitoring/catalog.ts';
import { DASHBOARDS_DIR, dashboardFiles } from '../monitoring/dashboards.ts';
import { expandGrafanaVariables, metricNames, variableQueryExpr } from '../monitoring/promql.ts';
import { parseQueries } from '../monitoring/promtool.ts';
import { alertRules, MONITORING_API, renderMonitoring, ruleGroups } from '../monitoring/render.ts';

const TAKHIN = loadTakhinMetrics();
const STANDARD = loadStandardSeries();

type Json = Record<string, any>;
const dashboards = readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith('.json')).sort()
  .map((file) => ({ file, json: JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')) as Json }));

/** Every PromQL query of a dashboard, Grafana variables expanded: panel targets and variable queries. */
function dashboardQueries(json: Json): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  for (const panel of json.panels as Json[]) {
    for (const target of (panel.targets ?? []) as Json[]) out.push({ where: `panel "${panel.title}" ${target.refId}`, expr: expandGrafanaVariables(target.expr) });
  }
  for (const variable of json.templating.list as Json[]) {
    if (variable.type !== 'query') continue;
    const expr = variableQueryExpr(variable.query.query);
    if (expr) out.push({ where: `variable ${variable.name}`, expr });
  }
  return out;
}

let alertExprs: { where: string; expr: string }[] = [];
beforeAll(async () => {
  alertExprs = alertRules(ruleGroups(await renderMonitoring([], { apiVersions: [MONITORING_API] }))).map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }));
});
const allQueries = () => [...alertExprs, ...dashboards.flatMap((d) => dashboardQueries(d.json).map((q) => ({ ...q, where: `${d.file} ${q.where}` })))];

describe('metric names', () => {
  it('every metric an alert or dashboard queries is a Takhin series the broker updates, or an allowlisted standard series', () => {
    const problems = allQueries().flatMap(({ where, expr }) =>
      metricNames(expr).map((name) => ({ name, verdict: judgeMetric(name, TAKHIN, STANDARD) })).filter((m) => !m.verdict.ok).map((m) => `${where}: ${m.name} ${m.verdict.reason}`));
    expect(problems).toEqual([]);
  });

  it('every allowlisted standard series is used (the allowlist holds no stale entries)', () => {
    const used = new Set(allQueries().flatMap((q) => metricNames(q.expr)));
    expect(STANDARD.flatMap((g) => g.names).filter((n) => !used.has(n))).toEqual([]);
  });

  it('the check rejects what Takhin\'s own alerts and dashboards get wrong', () => {
    const verdict = (name: string) => judgeMetric(name, TAKHIN, STANDARD);
    // Names Takhin's own alert files use that no code registers.
    expect(verdict('takhin_go_memory_heap_alloc_bytes')).toMatchObject({ ok: false, reason: expect.stringContaining('not a metric Takhin registers') });
    expect(verdict('takhin_replication_replica_count').ok).toBe(false);
    // Registered but never set, or never changing.
    expect(verdict('takhin_kafka_request_errors_total')).toMatchObject({ ok: false, reason: expect.stringContaining('never set') });
    expect(verdict('takhin_consumer_group_lag_offsets_bucket').ok).toBe(false);
    expect(verdict('takhin_connections_active')).toMatchObject({ ok: false, reason: expect.stringContaining('never changes') });
    // Unknown non-Takhin series must be allowlisted first.
    expect(verdict('container_memory_working_set_bytes')).toMatchObject({ ok: false, reason: expect.stringContaining('standard-series.yaml') });
    // Histogram parts of a live histogram are fine.
    expect(verdict('takhin_go_gc_pause_seconds_bucket').ok).toBe(true);
    expect(verdict('~takhin_.*').ok).toBe(false);
  });
});

describe('PromQL', () => {
  it('every dashboard query parses (promtool, each wrapped in a recording rule)', () => {
    const queries = dashboards.flatMap((d) => dashboardQueries(d.json).map((q) => q.expr));
    expect(queries.length).toBeGreaterThan(20);
    expect(parseQueries(queries)).toEqual([]);
  });

  it('the parse check reports the broken query', () => {
    expect(parseQueries(['up', 'sum(rate(up[5m])', 'up == 1'])).toEqual([{ expr: 'sum(rate(up[5m])', error: expect.stringContaining('parse error') }]);
  });

  it('metricNames finds metric names and skips functions, keywords, label names and strings', () => {
    expect(metricNames('max by (namespace, pod) (rate(process_cpu_seconds_total{job="a", pod=~"b-[0-9]+"}[5m])) / on (namespace, pod) group_left max by (namespace, pod) (kube_pod_container_resource_limits{resource="cpu"}) > 0.9'))
      .toEqual(['process_cpu_seconds_total', 'kube_pod_container_resource_limits']);
    expect(metricNames('histogram_quantile(0.99, sum without (instance) (rate(x_bucket[1h30m] offset 5m)))')).toEqual(['x_bucket']);
    expect(metricNames('absent(up{job="takhin"}) or vector(1) unless on() time() > 1e+06')).toEqual(['up']);
    expect(metricNames('{__name__="node_load1", instance="a"} + max_over_time(foo[10m:1m]) + Inf')).toEqual(['node_load1', 'foo']);
    expect(metricNames('count({__name__=~"takhin_.*"})')).toEqual(['~takhin_.*']);
    expect(metricNames('sum(rate(a[5m])) by (pod) + b * 2')).toEqual(['a', 'b']);
  });

  it('Grafana variables expand to durations; label_values() yields its selector', () => {
    expect(expandGrafanaVariables('rate(x[$__rate_interval]) + increase(y[${__range}])')).toBe('rate(x[5m]) + increase(y[6h])');
    expect(variableQueryExpr('label_values(takhin_go_goroutines{job="$job"}, namespace)')).toBe('takhin_go_goroutines{job="$job"}');
    expect(variableQueryExpr('label_values(job)')).toBeUndefined();
  });
});

describe('dashboards', () => {
  it('the committed files are exactly what tools/monitoring/dashboards.ts generates', () => {
    const generated = dashboardFiles();
    expect(dashboards.map((d) => d.file)).toEqual([...generated.keys()].sort());
    for (const [file, text] of generated) {
      expect(readFileSync(join(DASHBOARDS_DIR, file), 'utf8'), `${file} is stale: run npm run generate`).toBe(text);
    }
  });

  it.each(dashboards.map((d) => [d.file, d.json]))('%s says it is generated, defines its datasource variable and uses only it', (_, json) => {
    const text = JSON.stringify(json);
    expect(json.__generated).toMatch(/^Generated by .*do not edit/);
    expect(json.templating.list.find((v: Json) => v.name === 'datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(text).not.toContain('DS_PROMETHEUS');
    const sources = [...text.matchAll(/"uid":"([^"]*)"/g)].map((m) => m[1]).filter((uid) => uid !== json.uid && uid !== '-- Grafana --');
    expect(new Set(sources)).toEqual(new Set(['${datasource}']));
  });

  it.each(dashboards.map((d) => [d.file, d.json]))('%s: panels have unique ids, fit 24 columns and do not overlap', (_, json) => {
    const panels = json.panels as Json[];
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    const cells = new Set<string>();
    for (const { gridPos: g, title } of panels) {
      expect(g.x + g.w, title).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++) for (let y = g.y; y < g.y + g.h; y++) {
        expect(cells.has(`${x},${y}`), `${title} overlaps at ${x},${y}`).toBe(false);
        cells.add(`${x},${y}`);
      }
    }
  });

  it('dashboard uids are unique', () => {
    expect(new Set(dashboards.map((d) => d.json.uid)).size).toBe(dashboards.length);
  });
});

describe('rules/alerts.yaml is checked when read', () => {
  const alert = (fields: string) => `groups:\n  - name: g\n    alerts:\n      - alert: TakhinX\n${fields}`;
  const base = '        expr: up{<<target>>} == 0\n        for: 5m\n        severity: warning\n        summary: s\n        description: d\n';

  it('accepts a complete alert', () => {
    expect(parseAlerts(alert(base), 'test.yaml')).toHaveLength(1);
  });

  it('names the alert and what is wrong', () => {
    expect(() => parseAlerts(alert(base.replace('warning', 'page')), 'test.yaml')).toThrow(/test.yaml: alert TakhinX: severity must be one of critical, warning, info/);
    expect(() => parseAlerts(alert(base.replace('5m', 'five')), 'test.yaml')).toThrow(/`for` five is not a Prometheus duration/);
    expect(() => parseAlerts(alert(base.replace('== 0', '> <<threshold>>')), 'test.yaml')).toThrow(/uses <<threshold>> but defines no threshold/);
    expect(() => parseAlerts(alert(base.replace('<<target>>', '<<targets>>')), 'test.yaml')).toThrow(/unknown placeholder <<targets>>/);
  });
});

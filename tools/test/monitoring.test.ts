// Behaviour of the takhin-monitoring chart, asserted on `helm template` output: what selects the broker, when the
// CRD-based objects render, and how every switch and override lands.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifests } from '../render/manifests.ts';
import { describe, expect, it } from 'vitest';
import { helm } from '../render/helm.ts';
import { CHARTS_DIR } from '../toolchain/paths.ts';
import { loadAlerts } from '../monitoring/alerts.ts';
import { GRAFANA_API, MONITORING_API } from '../monitoring/render.ts';
import { all, find, notes, render, renderError, renderOk, valuesFile, type Manifest } from './render.ts';

const CHART = 'monitoring';
const API = { apiVersions: [MONITORING_API] };
const FORCED = { scrape: { enabled: true }, prometheusRule: { enabled: true } };
const CI_DIR = join(CHARTS_DIR, CHART, 'ci');
const CI_FILES = readdirSync(CI_DIR).filter((f) => f.endsWith('-values.yaml')).sort();
const ALERTS = loadAlerts();

const kinds = (docs: Manifest[]) => docs.map((d) => d.kind).sort();
const subset = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);
const rules = (docs: Manifest[]) => (find(docs, 'PrometheusRule').spec.groups as { name: string; interval?: string; rules: Manifest[] }[]).flatMap((g) => g.rules);
const rule = (docs: Manifest[], alert: string) => {
  const found = rules(docs).find((r) => r.alert === alert);
  if (!found) throw new Error(`no alert ${alert} in the PrometheusRule`);
  return found;
};
/** The regular expression a rendered expression applies to `label`. */
const regexOf = (expr: string, label: string) => new RegExp(`^(?:${(new RegExp(`${label}=~"([^"]+)"`).exec(expr) ?? [])[1]})$`);

/** Renders a release of another chart with an explicit release name and namespace. */
async function renderRelease(chart: string, release: string, namespace: string, values: unknown, apiVersions: string[] = []): Promise<Manifest[]> {
  const args = ['template', release, join(CHARTS_DIR, chart), '--namespace', namespace, '--values', valuesFile(values), ...apiVersions.flatMap((a) => ['--api-versions', a])];
  const result = await helm('helm', args);
  if (!result.ok) throw new Error(`helm template ${chart} failed:\n${result.stderr}`);
  return parseManifests(result.stdout);
}

/** Asserts that monitoring objects in `mon` select exactly the broker in `broker`. */
function expectSelectsBroker(mon: Manifest[], broker: Manifest[]) {
  const sts = find(broker, 'StatefulSet');
  const namespace = sts.metadata.namespace as string;
  const podLabels = sts.spec.template.metadata.labels as Record<string, string>;
  const monitor = mon.find((d) => d.kind === 'ServiceMonitor' || d.kind === 'PodMonitor') as Manifest;
  const selector = monitor.spec.selector.matchLabels as Record<string, string>;
  expect(monitor.spec.namespaceSelector.matchNames).toEqual([namespace]);

  if (monitor.kind === 'ServiceMonitor') {
    const port = monitor.spec.endpoints[0].port as string;
    // Only the metrics Service both matches and has the port: one target per broker, no duplicates.
    const scraped = all(broker, 'Service').filter((s) => subset(selector, s.metadata.labels) && s.spec.ports.some((p: Manifest) => p.name === port));
    expect(scraped.map((s) => s.metadata.name)).toEqual([`${sts.metadata.name}-metrics`]);
    expect(subset(scraped[0]!.spec.selector, podLabels)).toBe(true);
  } else {
    expect(subset(selector, podLabels)).toBe(true);
    const port = monitor.spec.podMetricsEndpoints[0].port as string;
    expect(sts.spec.template.spec.containers.find((c: Manifest) => c.name === 'broker').ports.map((p: Manifest) => p.name)).toContain(port);
  }

  // The alerts name the same broker: its pods, its data claims, its PodDisruptionBudget, its namespace.
  const down = rule(mon, 'TakhinTargetDown').expr as string;
  expect(down).toContain(`namespace="${namespace}"`);
  expect(regexOf(down, 'pod').test(`${sts.metadata.name}-0`)).toBe(true);
  expect(regexOf(down, 'pod').test(`${sts.metadata.name}-0-x`)).toBe(false);
  const claim = sts.spec.volumeClaimTemplates[0].metadata.name as string;
  expect(regexOf(rule(mon, 'TakhinVolumeFillingUp').expr, 'persistentvolumeclaim').test(`${claim}-${sts.metadata.name}-1`)).toBe(true);
  expect(rule(mon, 'TakhinPDBAtZeroDisruptions').expr).toContain(`poddisruptionbudget="${find(broker, 'PodDisruptionBudget').metadata.name}"`);
  expect(rule(mon, 'TakhinBrokerRestarting').expr).toContain(`container="${sts.spec.template.spec.containers[0].name}"`);
}

describe('selecting the broker', () => {
  it('defaults match the broker of the same umbrella release (alias broker): its metrics Service, pods, claims and PDB', async () => {
    const docs = await renderOk('takhin', { broker: { replicas: 2 }, console: { enabled: false }, monitoring: { enabled: true, ...FORCED } });
    expectSelectsBroker(docs, docs);
  });

  it('a PodMonitor selects the umbrella broker pods and their metrics container port', async () => {
    const docs = await renderOk('takhin', { broker: { replicas: 2 }, console: { enabled: false }, monitoring: { enabled: true, ...FORCED, scrape: { enabled: true, kind: 'PodMonitor' } } });
    expectSelectsBroker(docs, docs);
  });

  it('ci/standalone-broker-values.yaml points at a standalone takhin-broker release in another namespace', async () => {
    const broker = await renderRelease('broker', 'kafka', 'streaming', { replicas: 2 });
    const mon = (await render(CHART, {}, { extraValues: [join(CI_DIR, 'standalone-broker-values.yaml')] })).docs;
    expectSelectsBroker(mon, broker);
    // The monitors and rules live in the monitoring release's namespace; dashboards go to Grafana's.
    expect(find(mon, 'ServiceMonitor').metadata.namespace).toBe('takhin');
    expect(find(mon, 'ConfigMap').metadata.namespace).toBe('grafana');
  });

  it('adds instance = release name unless selectorLabels sets it', async () => {
    const own = find(await renderOk(CHART, FORCED), 'ServiceMonitor').spec.selector.matchLabels;
    expect(own).toEqual({ 'app.kubernetes.io/name': 'broker', 'app.kubernetes.io/component': 'broker', 'app.kubernetes.io/instance': 'takhin' });
    const other = find(await renderOk(CHART, { ...FORCED, broker: { selectorLabels: { 'app.kubernetes.io/instance': 'kafka' } } }), 'ServiceMonitor');
    expect(other.spec.selector.matchLabels['app.kubernetes.io/instance']).toBe('kafka');
  });

  it('derives the broker fullname the way the umbrella does for its broker alias', async () => {
    const podRegex = async (release: string) => {
      const r = await helm('helm', ['template', release, join(CHARTS_DIR, CHART), '--namespace', 'x', '--values', valuesFile(FORCED)]);
      return /pod=~"([^"]+)"/.exec(r.stdout)?.[1];
    };
    expect(await podRegex('prod')).toBe('prod-broker-[0-9]+');
    expect(await podRegex('my-broker')).toBe('my-broker-[0-9]+');
  });
});

describe('CRD-based objects: auto, true, false', () => {
  it('auto without the APIs (ct lint, plain helm template) renders only the dashboards ConfigMap', async () => {
    expect(kinds(await renderOk(CHART))).toEqual(['ConfigMap']);
  });

  it('auto with monitoring.coreos.com/v1 renders the ServiceMonitor and the PrometheusRule', async () => {
    expect(kinds(await renderOk(CHART, {}, API))).toEqual(['ConfigMap', 'PrometheusRule', 'ServiceMonitor']);
  });

  it('auto judges by kind when the API list names kinds (as a live cluster does)', async () => {
    const docs = await renderOk(CHART, {}, { apiVersions: [`${MONITORING_API}/ServiceMonitor`] });
    expect(kinds(docs)).toEqual(['ConfigMap', 'ServiceMonitor']);
  });

  it('true renders without the APIs; false never renders, even with them', async () => {
    expect(kinds(await renderOk(CHART, FORCED))).toEqual(['ConfigMap', 'PrometheusRule', 'ServiceMonitor']);
    const off = { scrape: { enabled: false }, prometheusRule: { enabled: false } };
    expect(kinds(await renderOk(CHART, off, API))).toEqual(['ConfigMap']);
  });

  it('GrafanaDashboards render in auto only when grafana.integreatly.org/v1beta1 is served', async () => {
    const auto = { dashboards: { grafanaOperator: { enabled: 'auto' } } };
    expect(kinds(await renderOk(CHART, auto))).toEqual(['ConfigMap']);
    expect(kinds(await renderOk(CHART, auto, { apiVersions: [GRAFANA_API] }))).toEqual(['ConfigMap', 'GrafanaDashboard', 'GrafanaDashboard']);
  });

  it('NOTES.txt says loudly what auto left out and why', async () => {
    const text = await notes(CHART);
    expect(text).toContain('!!! NOT created: the ServiceMonitor');
    expect(text).toContain('NOTHING scrapes the broker');
    expect(text).toContain('!!! NOT created: the PrometheusRule');
    expect(text).toContain('metricsService.scrapeAnnotations=true');
  });

  it('NOTES.txt lists what was created and the labels a Prometheus selector must match', async () => {
    const text = await notes(CHART, { ...FORCED, scrape: { enabled: true, labels: { release: 'kube-prometheus-stack' } } });
    expect(text).not.toContain('NOT created');
    expect(text).toContain('ServiceMonitor takhin/takhin-takhin-monitoring');
    expect(text).toContain('{"release":"kube-prometheus-stack"}');
    expect(text).toContain(`${ALERTS.length} of ${ALERTS.length} alerts`);
  });
});

describe('scrape', () => {
  it('sets a stable job label first, then applies the user relabelings', async () => {
    const extra = { action: 'drop', sourceLabels: ['__meta_kubernetes_pod_ready'], regex: 'false' };
    const sm = find(await renderOk(CHART, { scrape: { enabled: true, job: 'streaming', relabelings: [extra] } }), 'ServiceMonitor');
    expect(sm.spec.endpoints[0].relabelings).toEqual([{ action: 'replace', targetLabel: 'job', replacement: 'streaming' }, extra]);
  });

  it('alerts select the job the scrape sets', async () => {
    const docs = await renderOk(CHART, { ...FORCED, scrape: { enabled: true, job: 'streaming' } });
    expect(rule(docs, 'TakhinTargetDown').expr).toContain('job="streaming"');
  });

  it('passes interval, timeout, path, honorLabels, metricRelabelings and namespaceSelector through', async () => {
    const drop = { action: 'drop', sourceLabels: ['__name__'], regex: 'go_.*' };
    const values = { scrape: { enabled: true, kind: 'PodMonitor', interval: '15s', scrapeTimeout: '5s', path: '/m', honorLabels: true, metricRelabelings: [drop], namespaceSelector: { any: true } } };
    const pm = find(await renderOk(CHART, values), 'PodMonitor');
    expect(pm.spec.namespaceSelector).toEqual({ any: true });
    expect(pm.spec.podMetricsEndpoints[0]).toMatchObject({ port: 'metrics', path: '/m', interval: '15s', scrapeTimeout: '5s', honorLabels: true, metricRelabelings: [drop] });
  });

  it('extra labels (e.g. the release label a kube-prometheus-stack Prometheus selects on) land on the monitor, never replacing chart labels', async () => {
    const values = { scrape: { enabled: true, labels: { release: 'kps', 'app.kubernetes.io/name': 'hijack' } }, commonLabels: { team: 'streaming' } };
    const labels = find(await renderOk(CHART, values), 'ServiceMonitor').metadata.labels;
    expect(labels).toMatchObject({ release: 'kps', team: 'streaming', 'app.kubernetes.io/name': 'takhin-monitoring', 'app.kubernetes.io/component': 'monitoring' });
  });
});

describe('alerts', () => {
  it('renders every alert of rules/alerts.yaml with severity, summary, description and its runbook', async () => {
    const docs = await renderOk(CHART, FORCED);
    expect(rules(docs).map((r) => r.alert)).toEqual(ALERTS.map((a) => a.alert));
    for (const r of rules(docs)) {
      expect(r.labels.severity).toMatch(/^(critical|warning|info)$/);
      expect(r.annotations.summary).toBeTruthy();
      expect(r.annotations.description).toBeTruthy();
      expect(r.annotations.runbook_url).toBe(`https://github.com/takhin-data/takhin-helm-charts/blob/main/docs/runbooks/${r.alert}.md`);
      expect(JSON.stringify(r), `${r.alert} keeps a placeholder`).not.toMatch(/<<\w+>>/);
    }
  });

  it('a disabled alert is left out; with every alert disabled there is no PrometheusRule and NOTES says so', async () => {
    const docs = await renderOk(CHART, { ...FORCED, alerts: { TakhinCPUNearLimit: { enabled: false } } });
    expect(rules(docs).map((r) => r.alert)).not.toContain('TakhinCPUNearLimit');
    expect(rules(docs)).toHaveLength(ALERTS.length - 1);
    const none = { ...FORCED, alerts: Object.fromEntries(ALERTS.map((a) => [a.alert, { enabled: false }])) };
    expect(kinds(await renderOk(CHART, none))).toEqual(['ConfigMap', 'ServiceMonitor']);
    expect(await notes(CHART, none)).toContain('Every alert is disabled');
  });

  it('threshold, for and severity come from values, also inside the texts', async () => {
    const docs = await renderOk(CHART, { ...FORCED, alerts: { TakhinMemoryNearLimit: { threshold: 0.9, for: '30m', severity: 'critical' }, TakhinGoroutinesHigh: { threshold: 50000 } } });
    const memory = rule(docs, 'TakhinMemoryNearLimit');
    expect(memory.expr).toMatch(/> 0\.9$/);
    expect(memory.for).toBe('30m');
    expect(memory.labels.severity).toBe('critical');
    expect(memory.annotations.description).toContain('above 90% of the container memory limit for 30m');
    expect(rule(docs, 'TakhinGoroutinesHigh').expr).toMatch(/> 50000$/);
  });

  it('extra labels and annotations: global alertLabels, per-alert labels win, per-alert annotations replace the chart\'s', async () => {
    const values = {
      ...FORCED,
      prometheusRule: { enabled: true, alertLabels: { team: 'streaming', pager: 'false' }, runbookBaseUrl: 'https://runbooks.example.com/takhin/' },
      alerts: { TakhinTargetDown: { labels: { pager: 'true', severity: 'ignored' }, annotations: { summary: 'Broker down', dashboard: 'https://g/d/takhin-broker' } } },
    };
    const down = rule(await renderOk(CHART, values), 'TakhinTargetDown');
    expect(down.labels).toEqual({ severity: 'critical', team: 'streaming', pager: 'true' });
    expect(down.annotations).toMatchObject({ summary: 'Broker down', dashboard: 'https://g/d/takhin-broker', runbook_url: 'https://runbooks.example.com/takhin/TakhinTargetDown.md' });
  });

  it('prometheusRule.interval sets every group\'s evaluation interval; labels land on the PrometheusRule', async () => {
    const docs = await renderOk(CHART, { prometheusRule: { enabled: true, interval: '30s', labels: { release: 'kps' } } });
    const pr = find(docs, 'PrometheusRule');
    expect(pr.metadata.labels?.release).toBe('kps');
    expect(pr.spec.groups.map((g: Manifest) => g.interval)).toEqual(pr.spec.groups.map(() => '30s'));
  });
});

describe('dashboards', () => {
  const files = readdirSync(join(CHARTS_DIR, CHART, 'dashboards')).sort();
  const fileText = (f: string) => readFileSync(join(CHARTS_DIR, CHART, 'dashboards', f), 'utf8').trim();

  it('a ConfigMap for the Grafana sidecar: label, value, folder annotation and target namespace configurable', async () => {
    const values = { dashboards: { folder: 'Streaming', configMaps: { label: 'grafana_dashboard_takhin', labelValue: 'takhin', folderAnnotation: 'k8s-sidecar-target-directory', namespace: 'grafana' } } };
    const cm = find(await renderOk(CHART, values), 'ConfigMap');
    expect(cm.metadata.namespace).toBe('grafana');
    expect(cm.metadata.labels?.grafana_dashboard_takhin).toBe('takhin');
    expect(cm.metadata.annotations).toEqual({ 'k8s-sidecar-target-directory': 'Streaming' });
    expect(Object.keys(cm.data).sort()).toEqual(files);
    for (const f of files) expect(cm.data[f]).toBe(fileText(f));
  });

  it('defaults suit kube-prometheus-stack\'s sidecar: grafana_dashboard="1", folder Takhin', async () => {
    const cm = find(await renderOk(CHART), 'ConfigMap');
    expect(cm.metadata.labels?.grafana_dashboard).toBe('1');
    expect(cm.metadata.annotations).toEqual({ grafana_folder: 'Takhin' });
  });

  it('GrafanaDashboard resources carry the instanceSelector, folder and the dashboard JSON', async () => {
    const docs = await renderOk(CHART, {}, { extraValues: [join(CI_DIR, 'grafana-operator-values.yaml')] });
    const dashboards = all(docs, 'GrafanaDashboard');
    expect(dashboards.map((d) => JSON.parse(d.spec.json).uid).sort()).toEqual(files.map((f) => JSON.parse(fileText(f)).uid).sort());
    for (const d of dashboards) {
      expect(d.metadata.namespace).toBe('grafana');
      expect(d.spec).toMatchObject({ instanceSelector: { matchLabels: { dashboards: 'grafana' } }, folder: 'Streaming', allowCrossNamespaceImport: true, resyncPeriod: '30m' });
    }
    expect(all(docs, 'ConfigMap')).toHaveLength(0);
  });
});

describe('values validation', () => {
  it('rejects a scrape timeout longer than the interval, naming both values', async () => {
    const message = await renderError(CHART, { scrape: { interval: '30s', scrapeTimeout: '1m' } });
    expect(message).toContain('scrape.scrapeTimeout (1m) is longer than scrape.interval (30s)');
  });

  it('rejects a GC pause threshold the histogram can never exceed', async () => {
    expect(await renderError(CHART, { alerts: { TakhinGCPauseHigh: { threshold: 0.1 } } })).toMatch(/threshold/);
  });

  it('rejects a warning volume threshold that is not above the critical one', async () => {
    const message = await renderError(CHART, { alerts: { TakhinVolumeFillingUp: { threshold: 0.05 }, TakhinVolumeAlmostFull: { threshold: 0.1 } } });
    expect(message).toContain('alerts.TakhinVolumeFillingUp.threshold (0.05) is not above alerts.TakhinVolumeAlmostFull.threshold (0.1)');
  });

  it('requires an instanceSelector for grafana-operator (the operator cannot pick Grafanas without one)', async () => {
    const message = await renderError(CHART, { dashboards: { grafanaOperator: { enabled: true, instanceSelector: null } } });
    expect(message).toMatch(/instanceSelector/);
  });

  it('rejects a selector label value no pod can carry, and unknown keys', async () => {
    expect(await renderError(CHART, { broker: { selectorLabels: { 'app.kubernetes.io/name': 'two words' } } })).toMatch(/selectorLabels\/app\.kubernetes\.io~1name': 'two words' does not match pattern/);
    expect(await renderError(CHART, { broker: { selectorLabels: { 'two words': 'broker' } } })).toContain('broker.selectorLabels has the key "two words"');
    expect(await renderError(CHART, { scrape: { intervall: '30s' } })).toMatch(/intervall/);
    expect(await renderError(CHART, { alerts: { TakhinDown: { enabled: false } } })).toMatch(/TakhinDown/);
  });
});

describe('every ci case', () => {
  // Parity, determinism and kubeconform of every ci case on every Kubernetes version run in the npm test pipeline.
  it('the ci cases cover ServiceMonitor, PodMonitor, PrometheusRule, GrafanaDashboard and the auto default', async () => {
    const seen = new Set<string>();
    for (const f of CI_FILES) for (const d of await renderOk(CHART, {}, { extraValues: [join(CI_DIR, f)] })) seen.add(d.kind);
    expect([...seen].sort()).toEqual(['ConfigMap', 'GrafanaDashboard', 'PodMonitor', 'PrometheusRule', 'ServiceMonitor']);
    expect(kinds(await renderOk(CHART, {}, { extraValues: [join(CI_DIR, 'auto-values.yaml')] }))).toEqual(['ConfigMap']);
  });

  it('helm lint --strict passes for the defaults and every ci file', async () => {
    for (const f of ['', ...CI_FILES]) {
      const r = await helm('helm', ['lint', '--strict', join(CHARTS_DIR, CHART), ...(f ? ['--values', join(CI_DIR, f)] : [])]);
      expect(r.ok, `${f || 'defaults'}: ${r.stdout}${r.stderr}`).toBe(true);
    }
  });
});

/**
 * The Grafana dashboards of the takhin-monitoring chart, written to charts/monitoring/dashboards/*.json by
 * `npm run generate`; `npm test` fails when the committed files differ.
 *
 * Every panel queries a series the pinned Takhin really updates (takhin_go_*, takhin_throttle_*, the
 * Go client's process_* and go_*), or one that kube-state-metrics and the kubelet provide; tools/monitoring
 * checks each name. Takhin's own dashboards reference a `${DS_PROMETHEUS}` that nothing defines; these have a
 * `datasource` variable, and `job`, `namespace` and `pod` variables, so one copy serves every release.
 */
import { join } from 'node:path';
import { CHARTS_DIR } from '../toolchain/paths.ts';

export const DASHBOARDS_DIR = join(CHARTS_DIR, 'monitoring', 'dashboards');
const SOURCE = 'tools/monitoring/dashboards.ts';

const DS = { type: 'prometheus', uid: '${datasource}' };
/** Matchers of the broker scrape targets, from the dashboard variables. */
const T = 'job="$job", namespace="$namespace", pod=~"$pod"';
/** Matchers of kube-state-metrics series of the broker container. */
const K = 'namespace="$namespace", pod=~"$pod"';
/** Matchers of kubelet volume stats of the brokers' data claims (data-<pod>). */
const V = 'namespace="$namespace", persistentvolumeclaim=~"data-$pod"';

interface Target {
  expr: string;
  legend: string;
}

interface PanelSpec {
  kind: 'timeseries' | 'stat';
  title: string;
  description: string;
  unit: string;
  width: number;
  targets: Target[];
  min?: number;
  max?: number;
  /** Stat panels: value at which the colour turns red (green below). */
  redFrom?: number;
  /** Stat panels: colour red below this value instead. */
  redBelow?: number;
}

interface RowSpec {
  title: string;
  panels: PanelSpec[];
}

interface DashboardSpec {
  file: string;
  uid: string;
  title: string;
  description: string;
  rows: RowSpec[];
}

const ts = (title: string, unit: string, description: string, targets: Target[], extra: Partial<PanelSpec> = {}): PanelSpec => ({
  kind: 'timeseries', title, unit, description, targets, width: 12, ...extra,
});
const stat = (title: string, unit: string, description: string, expr: string, extra: Partial<PanelSpec> = {}): PanelSpec => ({
  kind: 'stat', title, unit, description, targets: [{ expr, legend: '' }], width: 6, ...extra,
});

const broker: DashboardSpec = {
  file: 'takhin-broker.json',
  uid: 'takhin-broker',
  title: 'Takhin / Broker',
  description: 'Availability, producer throttle, data volumes and container resources of Takhin brokers.',
  rows: [
    {
      title: 'Availability',
      panels: [
        stat('Brokers scraped', 'none', 'Targets answering their metrics scrape (`up`).', `sum(up{${T}})`, { redBelow: 1 }),
        stat('Brokers ready', 'none', 'Broker pods whose Ready condition is true (kube-state-metrics).', `sum(kube_pod_status_ready{${K}, condition="true"})`, { redBelow: 1 }),
        stat('Restarts in range', 'none', 'Broker container restarts over the dashboard time range. Every restart loses the consumer offsets the broker held in memory.', `sum(increase(kube_pod_container_status_restarts_total{${K}, container="broker"}[$__range]))`, { redFrom: 1 }),
        stat('Uptime (youngest broker)', 's', 'Time since the most recently started broker process started.', `min(time() - process_start_time_seconds{${T}})`),
        ts('Scrape status', 'none', '1 = the broker answered its last metrics scrape.', [{ expr: `up{${T}}`, legend: '{{pod}}' }], { min: 0, max: 1 }),
        ts('Container restarts', 'none', 'Restarts of the broker container per interval (kube-state-metrics).', [
          { expr: `sum by (pod) (increase(kube_pod_container_status_restarts_total{${K}, container="broker"}[$__rate_interval]))`, legend: '{{pod}}' },
        ], { min: 0 }),
      ],
    },
    {
      title: 'Producer throttle',
      panels: [
        ts('Produce requests by throttle outcome', 'reqps', 'Produce requests admitted or rejected by the broker\'s producer throttle (10 MiB/s per broker unless configured). Takhin never applies its consumer throttle, so only producers appear.', [
          { expr: `sum by (pod, status) (rate(takhin_throttle_requests_total{${T}, type="producer"}[$__rate_interval]))`, legend: '{{pod}} {{status}}' },
        ], { min: 0 }),
        ts('Produce throughput by throttle outcome', 'Bps', 'Produce bytes admitted or rejected by the throttle. Admitted traffic flat at the limit means producers are being held back.', [
          { expr: `sum by (pod, status) (rate(takhin_throttle_bytes_total{${T}, type="producer"}[$__rate_interval]))`, legend: '{{pod}} {{status}}' },
        ], { min: 0 }),
        ts('Dynamic throttle rate', 'Bps', 'Producer rate chosen by dynamic throttling. Takhin sets this series only when dynamic throttling changes the rate, so it stays empty unless `config.throttle.dynamic.enabled` is on.', [
          { expr: `takhin_throttle_rate_bytes_per_second{${T}, type="producer"}`, legend: '{{pod}}' },
        ], { min: 0, width: 24 }),
      ],
    },
    {
      title: 'Data volumes',
      panels: [
        ts('Volume used', 'bytes', 'Used and total bytes of each broker data claim (kubelet). Takhin deletes old segments only when its retention cleaner runs.', [
          { expr: `max by (persistentvolumeclaim) (kubelet_volume_stats_used_bytes{${V}})`, legend: '{{persistentvolumeclaim}} used' },
          { expr: `max by (persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes{${V}})`, legend: '{{persistentvolumeclaim}} capacity' },
        ], { min: 0 }),
        ts('Volume free', 'percentunit', 'Free fraction of each broker data claim. Produce requests fail when it reaches 0.', [
          { expr: `max by (persistentvolumeclaim) (kubelet_volume_stats_available_bytes{${V}}) / max by (persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes{${V}})`, legend: '{{persistentvolumeclaim}}' },
        ], { min: 0, max: 1 }),
      ],
    },
    {
      title: 'Container resources',
      panels: [
        ts('Memory: resident vs limit', 'bytes', 'Resident memory of the broker process and its container memory limit (kube-state-metrics). GOMEMLIMIT is 90% of the limit.', [
          { expr: `process_resident_memory_bytes{${T}}`, legend: '{{pod}} resident' },
          { expr: `max by (pod) (kube_pod_container_resource_limits{${K}, container="broker", resource="memory"})`, legend: '{{pod}} limit' },
        ], { min: 0 }),
        ts('CPU: used vs limit', 'none', 'CPU cores used by the broker process and its container CPU limit (GOMAXPROCS follows the limit).', [
          { expr: `rate(process_cpu_seconds_total{${T}}[$__rate_interval])`, legend: '{{pod}} used' },
          { expr: `max by (pod) (kube_pod_container_resource_limits{${K}, container="broker", resource="cpu"})`, legend: '{{pod}} limit' },
        ], { min: 0 }),
        ts('File descriptors', 'none', 'Open file descriptors (one per client connection and per open segment file) against the process limit.', [
          { expr: `process_open_fds{${T}}`, legend: '{{pod}} open' },
          { expr: `process_max_fds{${T}}`, legend: '{{pod}} limit' },
        ], { min: 0, width: 24 }),
      ],
    },
  ],
};

const runtime: DashboardSpec = {
  file: 'takhin-go-runtime.json',
  uid: 'takhin-go-runtime',
  title: 'Takhin / Go runtime',
  description: 'Goroutines, heap and garbage collection of Takhin brokers. Takhin refreshes its takhin_go_* series every 15 s.',
  rows: [
    {
      title: 'Concurrency',
      panels: [
        ts('Goroutines', 'none', 'Takhin runs one goroutine per client connection and does not close idle connections; steady growth means connections pile up.', [
          { expr: `takhin_go_goroutines{${T}}`, legend: '{{pod}}' },
        ], { min: 0 }),
        ts('GOMAXPROCS and OS threads', 'none', '`takhin_go_threads` is GOMAXPROCS despite its name (the broker chart derives it from the CPU limit); `go_threads` counts OS threads.', [
          { expr: `takhin_go_threads{${T}}`, legend: '{{pod}} GOMAXPROCS' },
          { expr: `go_threads{${T}}`, legend: '{{pod}} OS threads' },
        ], { min: 0 }),
      ],
    },
    {
      title: 'Memory',
      panels: [
        ts('Heap', 'bytes', 'Heap in use and idle, and allocated heap objects. takhin_go_mem_total_alloc_bytes is not shown: Takhin adds the cumulative total every 15 s, so it over-counts.', [
          { expr: `takhin_go_mem_heap_inuse_bytes{${T}}`, legend: '{{pod}} in use' },
          { expr: `takhin_go_mem_heap_idle_bytes{${T}}`, legend: '{{pod}} idle' },
          { expr: `takhin_go_mem_heap_alloc_bytes{${T}}`, legend: '{{pod}} allocated objects' },
        ], { min: 0 }),
        ts('Memory from the OS', 'bytes', 'Memory the Go runtime obtained from the OS, all allocations, and the resident set of the process.', [
          { expr: `takhin_go_mem_sys_bytes{${T}}`, legend: '{{pod}} sys' },
          { expr: `takhin_go_mem_alloc_bytes{${T}}`, legend: '{{pod}} alloc' },
          { expr: `process_resident_memory_bytes{${T}}`, legend: '{{pod}} resident' },
        ], { min: 0 }),
      ],
    },
    {
      title: 'Garbage collection',
      panels: [
        ts('GC pause quantiles', 's', 'Stop-the-world GC pauses. The histogram\'s largest bucket is 0.1 s, so quantiles never show more than 0.1 s.', [
          { expr: `histogram_quantile(0.99, sum by (pod, le) (rate(takhin_go_gc_pause_seconds_bucket{${T}}[$__rate_interval])))`, legend: '{{pod}} p99' },
          { expr: `histogram_quantile(0.5, sum by (pod, le) (rate(takhin_go_gc_pause_seconds_bucket{${T}}[$__rate_interval])))`, legend: '{{pod}} p50' },
          { expr: `sum by (pod) (rate(takhin_go_gc_pause_seconds_sum{${T}}[$__rate_interval])) / sum by (pod) (rate(takhin_go_gc_pause_seconds_count{${T}}[$__rate_interval]))`, legend: '{{pod}} mean' },
        ], { min: 0 }),
        ts('GC runs', 'ops', 'Garbage collections per second.', [
          { expr: `rate(takhin_go_gc_total{${T}}[$__rate_interval])`, legend: '{{pod}}' },
        ], { min: 0 }),
        ts('Time paused', 'percentunit', 'Fraction of wall time spent in GC pauses.', [
          { expr: `rate(takhin_go_gc_pause_seconds_sum{${T}}[$__rate_interval])`, legend: '{{pod}}' },
        ], { min: 0, width: 24 }),
      ],
    },
  ],
};

export const DASHBOARDS: readonly DashboardSpec[] = [broker, runtime];

const queryVariable = (name: string, label: string, query: string, multi: boolean) => ({
  name,
  label,
  type: 'query',
  datasource: DS,
  definition: query,
  query: { query, refId: `${name}-variable` },
  refresh: 2,
  sort: 1,
  multi,
  includeAll: multi,
  current: {},
  options: [],
  hide: 0,
  regex: '',
});

function panelJson(spec: PanelSpec, id: number, x: number, y: number, height: number): Record<string, unknown> {
  const defaults: Record<string, unknown> = { unit: spec.unit };
  if (spec.min !== undefined) defaults.min = spec.min;
  if (spec.max !== undefined) defaults.max = spec.max;
  const targets = spec.targets.map((t, i) => ({
    datasource: DS,
    expr: t.expr,
    legendFormat: t.legend,
    range: true,
    refId: String.fromCharCode(65 + i),
  }));
  const base = { id, type: spec.kind, title: spec.title, description: spec.description, datasource: DS, gridPos: { h: height, w: spec.width, x, y } };
  if (spec.kind === 'stat') {
    const steps = spec.redBelow !== undefined
      ? [{ color: 'red', value: null }, { color: 'green', value: spec.redBelow }]
      : [{ color: 'green', value: null }, ...(spec.redFrom !== undefined ? [{ color: 'red', value: spec.redFrom }] : [])];
    return {
      ...base,
      fieldConfig: { defaults: { ...defaults, color: { mode: 'thresholds' }, thresholds: { mode: 'absolute', steps } }, overrides: [] },
      options: { colorMode: 'value', graphMode: 'area', justifyMode: 'auto', orientation: 'auto', textMode: 'auto', reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false } },
      targets: targets.map((t) => ({ ...t, instant: true, range: false })),
    };
  }
  return {
    ...base,
    fieldConfig: {
      defaults: { ...defaults, color: { mode: 'palette-classic' }, custom: { drawStyle: 'line', lineWidth: 1, fillOpacity: 10, showPoints: 'never', spanNulls: false } },
      overrides: [],
    },
    options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'desc' } },
    targets,
  };
}

/** The dashboard as Grafana's JSON model: rows laid out top to bottom, panels left to right, 24 columns wide. */
export function dashboardJson(spec: DashboardSpec): Record<string, unknown> {
  const panels: Record<string, unknown>[] = [];
  let id = 1;
  let y = 0;
  for (const row of spec.rows) {
    panels.push({ id: id++, type: 'row', title: row.title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
    y += 1;
    let x = 0;
    let rowHeight = 0;
    for (const panel of row.panels) {
      const height = panel.kind === 'stat' ? 4 : 8;
      if (x + panel.width > 24) {
        y += rowHeight;
        x = 0;
        rowHeight = 0;
      }
      panels.push(panelJson(panel, id++, x, y, height));
      x += panel.width;
      rowHeight = Math.max(rowHeight, height);
    }
    y += rowHeight;
  }
  return {
    __generated: `Generated by \`npm run generate\` from ${SOURCE}: do not edit.`,
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['takhin'],
    editable: true,
    graphTooltip: 1,
    refresh: '30s',
    schemaVersion: 39,
    time: { from: 'now-6h', to: 'now' },
    timezone: '',
    version: 1,
    annotations: {
      list: [{ builtIn: 1, datasource: { type: 'grafana', uid: '-- Grafana --' }, enable: true, hide: true, iconColor: 'rgba(0, 211, 255, 1)', name: 'Annotations & Alerts', type: 'dashboard' }],
    },
    links: [],
    templating: {
      list: [
        { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', current: {}, options: [], hide: 0, refresh: 1, regex: '', includeAll: false, multi: false },
        // Any job that exposes Takhin's own series, so a renamed scrape job (scrape.job) still works.
        queryVariable('job', 'Job', 'label_values(takhin_go_goroutines, job)', false),
        queryVariable('namespace', 'Namespace', 'label_values(takhin_go_goroutines{job="$job"}, namespace)', false),
        queryVariable('pod', 'Broker', 'label_values(takhin_go_goroutines{job="$job", namespace="$namespace"}, pod)', true),
      ],
    },
    panels,
  };
}

/** JSON text whose first line says it is generated. */
export function dashboardText(dashboard: Record<string, unknown>): string {
  return `${JSON.stringify(dashboard, null, 2).replace(/^\{\n\s+/, '{')}\n`;
}

/** File name -> content of every dashboard. */
export function dashboardFiles(): Map<string, string> {
  return new Map(DASHBOARDS.map((spec) => [spec.file, dashboardText(dashboardJson(spec))]));
}

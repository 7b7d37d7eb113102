// Values of the takhin-monitoring chart. Per-alert values come from charts/monitoring/rules/alerts.yaml, the one
// definition of the alerts, so the defaults here always match what the PrometheusRule renders.
import { Type } from '@sinclair/typebox';
import { obj, str, bool, num, strEnum, stringMap, freeform, objectList, common } from './blocks.ts';
import { loadAlerts, DURATION_PATTERN, SEVERITIES, type Alert } from '../monitoring/alerts.ts';

/** `true` renders a CRD-based object always, `false` never, `auto` only when the cluster serves its API. */
const apiSwitch = (def: boolean | 'auto', description: string) =>
  Type.Unsafe<boolean | 'auto'>({ anyOf: [{ type: 'boolean' }, { type: 'string', enum: ['auto'] }], default: def, description });

const duration = (def: string, description: string) => str(def, description, { pattern: DURATION_PATTERN });

/** Scrape settings go into PromQL strings and relabelings verbatim, so quotes and backslashes are refused. */
const PROMQL_SAFE = '^[A-Za-z0-9_.:/-]+$';

const broker = obj(
  {
    selectorLabels: Type.Unsafe<Record<string, string>>({
      type: 'object',
      // Label values checked here; keys by takhin-monitoring.validateValues (Helm 4 reports propertyNames without a path).
      additionalProperties: { type: 'string', minLength: 1, maxLength: 63, pattern: '^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$' },
      description:
        'Labels of the broker pods and metrics Service to scrape. `app.kubernetes.io/instance: <release name>` is added unless set here. ' +
        'The defaults match the broker installed by the takhin umbrella chart (alias `broker`) in the same release; for a standalone ' +
        'takhin-broker release use `app.kubernetes.io/name: takhin-broker` and `app.kubernetes.io/instance: <its release>`.',
      default: { 'app.kubernetes.io/name': 'broker', 'app.kubernetes.io/component': 'broker' },
    }),
    fullname: str('', 'Fullname of the broker release: its pods are `<fullname>-<n>`, its data claims `data-<fullname>-<n>`, its PodDisruptionBudget `<fullname>`. Empty = what the umbrella chart gives its `broker` alias in this release (`<release>-broker`, or the release name when it contains "broker").', { pattern: '^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 }),
    namespace: str('', 'Namespace of the broker; empty = the release namespace.', { pattern: '^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 }),
  },
  { description: 'Which Takhin broker to watch. Alerts and the scrape select its pods by these labels and names.' },
);

const scrape = obj(
  {
    enabled: apiSwitch('auto', 'Create the ServiceMonitor or PodMonitor: `auto` = when the cluster serves monitoring.coreos.com/v1 (NOTES.txt says so when it does not), `true` = always (the install fails without the Prometheus Operator CRDs), `false` = never.'),
    kind: strEnum(['ServiceMonitor', 'PodMonitor'], 'ServiceMonitor', 'Scrape through the broker\'s metrics Service (ServiceMonitor) or straight from the pods (PodMonitor, for a broker with `metricsService.enabled=false`).'),
    job: str('takhin', 'Value of the `job` label on every scraped series (set by a relabeling). Alerts select on it, so it stays the same whatever the Service or monitor is called.', { pattern: PROMQL_SAFE }),
    port: str('metrics', 'Name of the metrics port on the broker Service and container.', { minLength: 1 }),
    path: str('/metrics', 'Metrics path (the broker chart\'s `config.metrics.path`).', { pattern: '^/' }),
    interval: duration('30s', 'Scrape interval.'),
    scrapeTimeout: duration('10s', 'Scrape timeout; at most the interval (Prometheus drops the target otherwise).'),
    honorLabels: bool(false, 'Keep the broker\'s own labels when they clash with target labels.'),
    relabelings: objectList('Extra relabelings (Prometheus Operator RelabelConfig objects), applied after the one that sets `job`.'),
    metricRelabelings: objectList('Relabelings applied to scraped samples, e.g. to drop series.'),
    namespaceSelector: freeform('namespaceSelector of the monitor; empty = only `broker.namespace`.'),
    labels: stringMap('Extra labels on the ServiceMonitor/PodMonitor. A Prometheus selects monitors by label: kube-prometheus-stack wants `release: <its release name>`.'),
    annotations: stringMap('Annotations on the ServiceMonitor/PodMonitor.'),
  },
  { description: 'Prometheus Operator scrape of the broker metrics port. Without the operator, set the broker chart\'s `metricsService.scrapeAnnotations: true` instead.' },
);

const prometheusRule = obj(
  {
    enabled: apiSwitch('auto', 'Create the PrometheusRule with the alerts below: `auto` = when the cluster serves monitoring.coreos.com/v1, `true` = always, `false` = never.'),
    labels: stringMap('Extra labels on the PrometheusRule; kube-prometheus-stack\'s ruleSelector wants `release: <its release name>`.'),
    annotations: stringMap('Annotations on the PrometheusRule.'),
    interval: str('', 'Evaluation interval of the rule groups; empty = the Prometheus global one.', { pattern: `^(|${DURATION_PATTERN.slice(1, -1)})$` }),
    alertLabels: stringMap('Labels added to every alert (for example `team: streaming`); an alert\'s own `labels` win.'),
    runbookBaseUrl: str('https://github.com/takhin-data/takhin-helm-charts/blob/main/docs/runbooks', 'Base of every alert\'s runbook_url: `<base>/<AlertName>.md`.', { pattern: '^https?://' }),
  },
  { description: 'The PrometheusRule holding the Takhin alerts.' },
);

function alertValues(alert: Alert) {
  const { threshold } = alert;
  const limits = threshold ? { minimum: threshold.minimum, maximum: threshold.maximum, exclusiveMaximum: threshold.exclusiveMaximum } : {};
  return obj(
    {
      enabled: bool(true, `Ship ${alert.alert}.`),
      severity: strEnum(SEVERITIES, alert.severity, 'Value of the `severity` label.'),
      for: duration(alert.for, 'How long the condition must hold before the alert fires.'),
      ...(threshold ? { threshold: num(threshold.default, threshold.description.trim(), limits) } : {}),
      labels: stringMap('Extra labels on this alert.'),
      annotations: stringMap('Extra annotations on this alert; a key given here replaces the chart\'s (summary, description, runbook_url).'),
    },
    { description: `${alert.alert}: ${alert.summary.replace(/\{\{[^}]*\}\}/g, '…').replace(/<<(\w+)>>/g, '\`$1\`')} Runbook: docs/runbooks/${alert.alert}.md.` },
  );
}

const alerts = obj(
  Object.fromEntries(loadAlerts().map((a) => [a.alert, alertValues(a)])),
  { description: 'Per-alert switches and overrides. Each alert is defined in rules/alerts.yaml and explained in docs/runbooks/<name>.md.' },
);

const dashboards = obj(
  {
    folder: str('Takhin', 'Grafana folder for the dashboards (sidecar folder annotation value, GrafanaDashboard `folder`); empty = no folder.'),
    configMaps: obj(
      {
        enabled: bool(true, 'Ship the dashboards as a ConfigMap for the Grafana dashboard sidecar (kube-prometheus-stack style). Install them once per Grafana: the dashboards have fixed uids and select the broker with variables.'),
        label: str('grafana_dashboard', 'Label the sidecar looks for (its `sidecar.dashboards.label`).', { minLength: 1 }),
        labelValue: str('1', 'Value of that label (its `sidecar.dashboards.labelValue`).'),
        folderAnnotation: str('grafana_folder', 'Annotation the sidecar reads the folder from (its `sidecar.dashboards.folderAnnotation`); empty = none.'),
        namespace: str('', 'Namespace of the ConfigMap; empty = the release namespace. Use the namespace the sidecar watches.', { pattern: '^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 }),
        labels: stringMap('Extra labels on the ConfigMap.'),
        annotations: stringMap('Extra annotations on the ConfigMap.'),
      },
      { description: 'Dashboards as a ConfigMap for the Grafana sidecar.' },
    ),
    grafanaOperator: obj(
      {
        enabled: apiSwitch(false, 'Create GrafanaDashboard resources for grafana-operator: `auto` = when the cluster serves grafana.integreatly.org/v1beta1, `true` = always, `false` = never.'),
        instanceSelector: freeform('Which Grafana instances import the dashboards (GrafanaDashboard `instanceSelector`, required by the operator).', { matchLabels: { dashboards: 'grafana' } }),
        namespace: str('', 'Namespace of the GrafanaDashboard resources; empty = the release namespace.', { pattern: '^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 }),
        allowCrossNamespaceImport: bool(false, 'Let Grafana instances in other namespaces import them.'),
        resyncPeriod: duration('10m', 'How often the operator re-applies the dashboards.'),
        labels: stringMap('Extra labels on the GrafanaDashboard resources.'),
        annotations: stringMap('Extra annotations on the GrafanaDashboard resources.'),
      },
      { description: 'Dashboards as grafana-operator GrafanaDashboard resources.' },
    ),
  },
  { description: 'Grafana dashboards (dashboards/*.json): a datasource variable and panels only for series the pinned Takhin exposes.' },
);

export const monitoringValues = obj(
  {
    ...common(),
    broker,
    scrape,
    prometheusRule,
    alerts,
    dashboards,
  },
  { description: 'Values of the takhin-monitoring chart.' },
);

{{- /* Monitoring helpers; names and labels come from takhin-common. */ -}}

{{- define "takhin-monitoring.fullname" -}}{{ include "takhin-common.fullname" . }}{{- end -}}

{{- /*
metadata for every object. Like takhin-common.metadata, plus per-object extra labels (a Prometheus or Grafana
selector often needs one) and an optional namespace (dashboards go where Grafana looks). The standard labels win
over extra ones. Call with (dict "ctx" $ "name" x "namespace" "" "labels" map "annotations" map).
*/ -}}
{{- define "takhin-monitoring.metadata" -}}
{{- $labels := merge (include "takhin-common.labels" (dict "ctx" .ctx "component" "monitoring") | fromYaml) (deepCopy (.labels | default dict)) -}}
metadata:
  name: {{ .name }}
  namespace: {{ .namespace | default .ctx.Release.Namespace }}
  labels:
    {{- toYaml $labels | nindent 4 }}
  {{- with include "takhin-common.annotations" (dict "ctx" .ctx "extra" .annotations) }}
  {{- . | nindent 2 }}
  {{- end }}
{{- end -}}

{{- /* ----- The broker being watched ----- */ -}}

{{- /* Pod and Service labels of the broker: the configured ones, plus instance = this release unless set. */ -}}
{{- define "takhin-monitoring.brokerSelectorLabels" -}}
{{- toYaml (merge (deepCopy .Values.broker.selectorLabels) (dict "app.kubernetes.io/instance" .Release.Name)) -}}
{{- end -}}

{{- /* The broker's fullname: as takhin-common.fullname computes it for the umbrella's `broker` alias in this release. */ -}}
{{- define "takhin-monitoring.brokerFullname" -}}
{{- if .Values.broker.fullname -}}
{{- .Values.broker.fullname -}}
{{- else if contains "broker" .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-broker" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "takhin-monitoring.brokerNamespace" -}}{{ .Values.broker.namespace | default .Release.Namespace }}{{- end -}}

{{- /* StatefulSet pod names of the broker, as a regular expression. */ -}}
{{- define "takhin-monitoring.podRegex" -}}{{ include "takhin-monitoring.brokerFullname" . }}-[0-9]+{{- end -}}

{{- /* ----- CRD-based objects: rendered when asked to, or in `auto` when the cluster serves the API ----- */ -}}

{{- /*
Whether the cluster serves kind in group/version. `helm install` and `helm template --validate` list both
"group/version" and "group/version/Kind" entries, so a cluster with only some CRDs of a group is judged by kind.
`helm template --api-versions group/version` (GitOps tools, tests) names only the group/version, which then counts.
Call with (dict "ctx" $ "gv" "monitoring.coreos.com/v1" "kind" "ServiceMonitor"); returns "true" or "".
*/ -}}
{{- define "takhin-monitoring.apiAvailable" -}}
{{- $prefix := printf "%s/" .gv -}}
{{- $kindScoped := false -}}
{{- range .ctx.Capabilities.APIVersions }}{{ if hasPrefix $prefix . }}{{ $kindScoped = true }}{{ end }}{{ end -}}
{{- if $kindScoped -}}
{{- if .ctx.Capabilities.APIVersions.Has (printf "%s%s" $prefix .kind) }}true{{ end -}}
{{- else if .ctx.Capabilities.APIVersions.Has .gv -}}
true
{{- end -}}
{{- end -}}

{{- /* A true/false/"auto" switch resolved against the cluster: (dict "ctx" $ "switch" value "gv" gv "kind" kind). */ -}}
{{- define "takhin-monitoring.wanted" -}}
{{- $switch := toString .switch -}}
{{- if eq $switch "true" -}}
true
{{- else if eq $switch "auto" -}}
{{- include "takhin-monitoring.apiAvailable" . -}}
{{- end -}}
{{- end -}}

{{- define "takhin-monitoring.scrapeWanted" -}}
{{- include "takhin-monitoring.wanted" (dict "ctx" . "switch" .Values.scrape.enabled "gv" "monitoring.coreos.com/v1" "kind" .Values.scrape.kind) -}}
{{- end -}}

{{- define "takhin-monitoring.ruleWanted" -}}
{{- include "takhin-monitoring.wanted" (dict "ctx" . "switch" .Values.prometheusRule.enabled "gv" "monitoring.coreos.com/v1" "kind" "PrometheusRule") -}}
{{- end -}}

{{- define "takhin-monitoring.grafanaDashboardWanted" -}}
{{- include "takhin-monitoring.wanted" (dict "ctx" . "switch" .Values.dashboards.grafanaOperator.enabled "gv" "grafana.integreatly.org/v1beta1" "kind" "GrafanaDashboard") -}}
{{- end -}}

{{- /*
What `auto` left out because the cluster does not serve the API, as loud NOTES lines ("" when nothing). Uses only
.Values and .Capabilities, so an umbrella's NOTES.txt (Helm prints only the parent's) can show it too:
include "takhin-monitoring.apiWarnings" (dict "Values" .Values.monitoring "Capabilities" .Capabilities)
*/ -}}
{{- define "takhin-monitoring.apiWarnings" -}}
{{- if and (eq (toString .Values.scrape.enabled) "auto") (not (include "takhin-monitoring.scrapeWanted" .)) }}

!!! NOT created: the {{ .Values.scrape.kind }}. This cluster does not serve monitoring.coreos.com/v1 {{ .Values.scrape.kind }}
    (the Prometheus Operator CRDs), and scrape.enabled is "auto", so NOTHING scrapes the broker.
    Install the Prometheus Operator (e.g. kube-prometheus-stack) and run `helm upgrade` again, or set
    scrape.enabled=true to create it regardless (the install then fails until the CRDs exist). For a Prometheus
    without the operator, set the broker chart's metricsService.scrapeAnnotations=true instead. !!!
{{- end }}
{{- if and (eq (toString .Values.prometheusRule.enabled) "auto") (not (include "takhin-monitoring.ruleWanted" .)) }}

!!! NOT created: the PrometheusRule. This cluster does not serve monitoring.coreos.com/v1 PrometheusRule, and
    prometheusRule.enabled is "auto", so NO Takhin alert is loaded. Install the Prometheus Operator CRDs and run
    `helm upgrade` again, or set prometheusRule.enabled=true to create it regardless. !!!
{{- end }}
{{- if and (eq (toString .Values.dashboards.grafanaOperator.enabled) "auto") (not (include "takhin-monitoring.grafanaDashboardWanted" .)) }}

!!! NOT created: GrafanaDashboard resources. This cluster does not serve grafana.integreatly.org/v1beta1
    GrafanaDashboard (grafana-operator), and dashboards.grafanaOperator.enabled is "auto". !!!
{{- end }}
{{- end -}}

{{- /* ----- Scrape ----- */ -}}

{{- define "takhin-monitoring.namespaceSelector" -}}
{{- with .Values.scrape.namespaceSelector -}}
{{- toYaml . -}}
{{- else -}}
matchNames:
  - {{ include "takhin-monitoring.brokerNamespace" . }}
{{- end -}}
{{- end -}}

{{- /* The relabeling that makes `job` stable (alerts select on it), then the user's own. */ -}}
{{- define "takhin-monitoring.relabelings" -}}
- action: replace
  targetLabel: job
  replacement: {{ .Values.scrape.job | quote }}
{{- with .Values.scrape.relabelings }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- /* The endpoint settings shared by ServiceMonitor endpoints and PodMonitor podMetricsEndpoints. */ -}}
{{- define "takhin-monitoring.endpoint" -}}
- port: {{ .Values.scrape.port }}
  path: {{ .Values.scrape.path }}
  scheme: http
  interval: {{ .Values.scrape.interval }}
  scrapeTimeout: {{ .Values.scrape.scrapeTimeout }}
  honorLabels: {{ .Values.scrape.honorLabels }}
  relabelings:
    {{- include "takhin-monitoring.relabelings" . | nindent 4 }}
  {{- with .Values.scrape.metricRelabelings }}
  metricRelabelings:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}

{{- /* ----- Alerts ----- */ -}}

{{- /* A number as PromQL and people read it: 10000, not 1e+04. */ -}}
{{- define "takhin-monitoring.number" -}}
{{- $f := float64 . -}}
{{- if eq $f (float64 (int64 $f)) }}{{ int64 $f }}{{ else }}{{ $f }}{{ end -}}
{{- end -}}

{{- /* Fills the placeholders of rules/alerts.yaml: (dict "ctx" $ "text" s "config" .Values.alerts.<name>). */ -}}
{{- define "takhin-monitoring.fill" -}}
{{- $ := .ctx -}}
{{- $ns := include "takhin-monitoring.brokerNamespace" $ -}}
{{- $pods := include "takhin-monitoring.podRegex" $ -}}
{{- $text := .text -}}
{{- $text = replace "<<target>>" (printf "job=%q, namespace=%q, pod=~%q" $.Values.scrape.job $ns $pods) $text -}}
{{- $text = replace "<<pod>>" (printf "namespace=%q, pod=~%q" $ns $pods) $text -}}
{{- $text = replace "<<pvc>>" (printf "namespace=%q, persistentvolumeclaim=~%q" $ns (printf "data-%s" $pods)) $text -}}
{{- $text = replace "<<pdb>>" (printf "namespace=%q, poddisruptionbudget=%q" $ns (include "takhin-monitoring.brokerFullname" $)) $text -}}
{{- $text = replace "<<for>>" .config.for $text -}}
{{- if hasKey .config "threshold" -}}
{{- $text = replace "<<threshold>>" (include "takhin-monitoring.number" .config.threshold) $text -}}
{{- $text = replace "<<thresholdPercent>>" (include "takhin-monitoring.number" (round (mulf .config.threshold 100) 2)) $text -}}
{{- end -}}
{{- $text -}}
{{- end -}}

{{- /* The enabled alerts as PrometheusRule groups (a YAML list); groups left without alerts are dropped. */ -}}
{{- define "takhin-monitoring.ruleGroups" -}}
{{- $ := . -}}
{{- $catalog := .Files.Get "rules/alerts.yaml" | fromYaml -}}
{{- range $catalog.groups }}
{{- $enabled := list }}
{{- range .alerts }}{{ if (index $.Values.alerts .alert).enabled }}{{ $enabled = append $enabled . }}{{ end }}{{ end }}
{{- if $enabled }}
- name: {{ .name }}
  {{- with $.Values.prometheusRule.interval }}
  interval: {{ . }}
  {{- end }}
  rules:
  {{- range $enabled }}
  {{- $config := index $.Values.alerts .alert }}
  {{- $labels := merge (dict "severity" $config.severity) (deepCopy $config.labels) (deepCopy $.Values.prometheusRule.alertLabels) }}
  {{- $annotations := dict
    "summary" (include "takhin-monitoring.fill" (dict "ctx" $ "text" .summary "config" $config))
    "description" (include "takhin-monitoring.fill" (dict "ctx" $ "text" .description "config" $config))
    "runbook_url" (printf "%s/%s.md" (trimSuffix "/" $.Values.prometheusRule.runbookBaseUrl) .alert) }}
  {{- $annotations = merge (deepCopy $config.annotations) $annotations }}
    - alert: {{ .alert }}
      expr: |-
        {{- include "takhin-monitoring.fill" (dict "ctx" $ "text" .expr "config" $config) | nindent 8 }}
      for: {{ $config.for }}
      labels:
        {{- toYaml $labels | nindent 8 }}
      annotations:
        {{- toYaml $annotations | nindent 8 }}
  {{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{- /* Number of enabled alerts. */ -}}
{{- define "takhin-monitoring.enabledAlerts" -}}
{{- $n := 0 -}}
{{- range $name, $config := .Values.alerts }}{{ if $config.enabled }}{{ $n = add1 $n }}{{ end }}{{ end -}}
{{- $n -}}
{{- end -}}

{{- /* ----- Dashboards ----- */ -}}

{{- /* Object name of one dashboard file: (dict "ctx" $ "file" "dashboards/takhin-broker.json"). */ -}}
{{- define "takhin-monitoring.dashboardName" -}}
{{- printf "%s-%s" (include "takhin-monitoring.fullname" .ctx | trunc 40 | trimSuffix "-") (base .file | trimSuffix ".json" | trimPrefix "takhin-") | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- /* A GrafanaDashboard for one dashboard file: (dict "ctx" $ "file" "dashboards/<name>.json"). */ -}}
{{- define "takhin-monitoring.grafanaDashboard" -}}
{{- $ := .ctx -}}
{{- $operator := $.Values.dashboards.grafanaOperator -}}
apiVersion: grafana.integreatly.org/v1beta1
kind: GrafanaDashboard
{{ include "takhin-monitoring.metadata" (dict "ctx" $ "name" (include "takhin-monitoring.dashboardName" .) "namespace" $operator.namespace "labels" $operator.labels "annotations" $operator.annotations) }}
spec:
  instanceSelector:
    {{- toYaml $operator.instanceSelector | nindent 4 }}
  allowCrossNamespaceImport: {{ $operator.allowCrossNamespaceImport }}
  resyncPeriod: {{ $operator.resyncPeriod }}
  {{- with $.Values.dashboards.folder }}
  folder: {{ . | quote }}
  {{- end }}
  json: |-
    {{- $.Files.Get .file | trim | nindent 4 }}
{{- end -}}

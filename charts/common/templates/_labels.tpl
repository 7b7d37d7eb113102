{{- /* Labels. Selectors use name + instance + component only, so upgrades never change an immutable selector. */ -}}

{{- /* Call with (dict "ctx" $ "component" "broker"). */ -}}
{{- define "takhin-common.selectorLabels" -}}
app.kubernetes.io/name: {{ include "takhin-common.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "takhin-common.labels" -}}
{{ include "takhin-common.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | replace "+" "_" | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/part-of: takhin
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
helm.sh/chart: {{ include "takhin-common.chart" .ctx }}
{{- with (merge (dict) (deepCopy .ctx.Values.commonLabels) (deepCopy (.ctx.Values.global.commonLabels | default dict))) }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- /* metadata.annotations for every object: global, chart-wide, then the object's own (dict "ctx" $ "extra" map). */ -}}
{{- define "takhin-common.annotations" -}}
{{- $all := merge (dict) (deepCopy (.extra | default dict)) (deepCopy .ctx.Values.commonAnnotations) (deepCopy (.ctx.Values.global.commonAnnotations | default dict)) -}}
{{- with $all -}}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end -}}
{{- end -}}

{{- /* The standard metadata block: (dict "ctx" $ "component" "broker" "name" "x" "annotations" map). */ -}}
{{- define "takhin-common.metadata" -}}
metadata:
  name: {{ .name }}
  namespace: {{ .ctx.Release.Namespace }}
  labels:
    {{- include "takhin-common.labels" . | nindent 4 }}
  {{- with include "takhin-common.annotations" (dict "ctx" .ctx "extra" .annotations) }}
  {{- . | nindent 2 }}
  {{- end }}
{{- end -}}

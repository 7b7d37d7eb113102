{{- /* Names. Every define is prefixed with the chart name: defines are global across an umbrella. */ -}}

{{- define "takhin-common.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- /* Release-scoped name; 63 characters at most, honours fullnameOverride. */ -}}
{{- define "takhin-common.fullname" -}}
{{- include "takhin-common.fullnameFor" (dict "release" .Release.Name "name" (default .Chart.Name .Values.nameOverride) "override" .Values.fullnameOverride) -}}
{{- end -}}

{{- /*
The fullname rule on its own: (dict "release" R "name" N ["override" O]). The umbrella uses it to name a sibling
subchart's objects (e.g. the console reads the broker's claim) without anyone typing a generated name.
*/ -}}
{{- define "takhin-common.fullnameFor" -}}
{{- if .override -}}
{{- .override | trunc 63 | trimSuffix "-" -}}
{{- else if contains .name .release -}}
{{- .release | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .release .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "takhin-common.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "takhin-common.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "takhin-common.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

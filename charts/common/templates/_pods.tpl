{{- /* Pod plumbing shared by the workloads. */ -}}

{{- /* Scheduling fields from nodeSelector/tolerations/affinity/priorityClassName values. */ -}}
{{- define "takhin-common.scheduling" -}}
{{- $out := include "takhin-common.schedulingFields" . -}}
{{- $out | trim -}}
{{- end -}}

{{- define "takhin-common.schedulingFields" -}}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- end -}}

{{- /* A probe from a values block and a handler map: (dict "probe" .Values.livenessProbe "handler" (dict ...)). */ -}}
{{- define "takhin-common.probe" -}}
{{- toYaml .handler }}
initialDelaySeconds: {{ .probe.initialDelaySeconds }}
periodSeconds: {{ .probe.periodSeconds }}
timeoutSeconds: {{ .probe.timeoutSeconds }}
failureThreshold: {{ .probe.failureThreshold }}
{{- end -}}

{{- /*
GOMAXPROCS from the CPU limit and GOMEMLIMIT at 90% of the memory limit: Takhin's Go runtime (1.24) ignores cgroup
limits. Call with (dict "resources" .Values.resources). No name may start with TAKHIN_: Takhin maps those onto its config.
*/ -}}
{{- define "takhin-common.goRuntimeEnv" -}}
- name: GOMAXPROCS
  valueFrom:
    resourceFieldRef:
      resource: limits.cpu
      divisor: "1"
{{- with include "takhin-common.goMemLimitEnv" . }}
{{ . }}
{{- end }}
{{- end -}}

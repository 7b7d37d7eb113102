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

{{- /* GOMAXPROCS and the memory limit from the container limits (Takhin's Go runtime ignores cgroup limits). No name may start with TAKHIN_: Takhin maps those onto its config. */ -}}
{{- define "takhin-common.goRuntimeEnv" -}}
- name: GOMAXPROCS
  valueFrom:
    resourceFieldRef:
      resource: limits.cpu
      divisor: "1"
- name: CONTAINER_MEMORY_LIMIT_BYTES
  valueFrom:
    resourceFieldRef:
      resource: limits.memory
      divisor: "1"
{{- end -}}

{{- /* Shell lines that set GOMEMLIMIT to 90% of the memory limit (the Downward API cannot compute a percentage). */ -}}
{{- define "takhin-common.goMemLimitShell" -}}
if [ -n "${CONTAINER_MEMORY_LIMIT_BYTES:-}" ]; then
  GOMEMLIMIT=$((CONTAINER_MEMORY_LIMIT_BYTES / 10 * 9)); export GOMEMLIMIT
fi
{{- end -}}

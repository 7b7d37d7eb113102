{{- /* Resource arithmetic done at render time, for containers that start without a shell. */ -}}

{{- /* Whole bytes of a Kubernetes memory quantity ("512Mi", "1.5G"; a plain number is bytes). Exponent forms are refused. */ -}}
{{- define "takhin-common.quantityBytes" -}}
{{- if kindIs "string" . -}}
{{- $suffix := regexFind "(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei)$" . -}}
{{- $factors := dict "" 1.0 "m" 0.001 "k" 1000.0 "M" 1000000.0 "G" 1000000000.0 "T" 1000000000000.0 "P" 1000000000000000.0 "E" 1000000000000000000.0 "Ki" 1024.0 "Mi" 1048576.0 "Gi" 1073741824.0 "Ti" 1099511627776.0 "Pi" 1125899906842624.0 "Ei" 1152921504606846976.0 -}}
{{- $number := trimSuffix $suffix . -}}
{{- if not (regexMatch "^[0-9]+(\\.[0-9]+)?$" $number) -}}
{{- fail (printf "%q is not a memory quantity this chart understands: write it like 512Mi or 2Gi" .) -}}
{{- end -}}
{{- printf "%.0f" (ceil (mulf (float64 $number) (get $factors $suffix))) -}}
{{- else -}}
{{- printf "%.0f" (ceil (float64 .)) -}}
{{- end -}}
{{- end -}}

{{- /*
GOMEMLIMIT at 90% of the memory limit, computed when the chart renders: the Downward API can pass the limit but not
a percentage of it. Renders nothing without a memory limit. Call with (dict "resources" .Values.resources).
*/ -}}
{{- define "takhin-common.goMemLimitEnv" -}}
{{- with (.resources.limits | default dict).memory -}}
{{- $bytes := include "takhin-common.quantityBytes" . | float64 -}}
- name: GOMEMLIMIT
  value: {{ printf "%.0f" (mulf (floor (divf $bytes 10)) 9) | quote }}
{{- end -}}
{{- end -}}

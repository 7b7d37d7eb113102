{{- /*
Cross-field rules the schema cannot express. Each message names the value, what is wrong and how to fix it.
Every template includes this, so every install and template run checks them.
*/ -}}
{{- define "takhin-monitoring.validateValues" -}}
{{- $v := .Values -}}
{{- $errors := list -}}

{{- $interval := include "takhin-monitoring.durationMs" $v.scrape.interval | int64 -}}
{{- $timeout := include "takhin-monitoring.durationMs" $v.scrape.scrapeTimeout | int64 -}}
{{- if gt $timeout $interval -}}
  {{- $errors = append $errors (printf "scrape.scrapeTimeout (%s) is longer than scrape.interval (%s): Prometheus refuses such a scrape config and the broker would silently go unscraped; shorten scrapeTimeout or lengthen interval" $v.scrape.scrapeTimeout $v.scrape.interval) -}}
{{- end -}}

{{- $volume := $v.alerts.TakhinVolumeFillingUp -}}
{{- $full := $v.alerts.TakhinVolumeAlmostFull -}}
{{- if and $volume.enabled $full.enabled (le (float64 $volume.threshold) (float64 $full.threshold)) -}}
  {{- $errors = append $errors (printf "alerts.TakhinVolumeFillingUp.threshold (%v) is not above alerts.TakhinVolumeAlmostFull.threshold (%v): the warning would never come before the critical alert; keep the warning's free fraction larger" $volume.threshold $full.threshold) -}}
{{- end -}}

{{- /* An invalid selector makes the Prometheus Operator skip the monitor silently. */ -}}
{{- range $key, $_ := $v.broker.selectorLabels -}}
  {{- if not (regexMatch "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$" $key) -}}
    {{- $errors = append $errors (printf "broker.selectorLabels has the key %q, which is not a valid Kubernetes label key: use the label keys the broker pods carry (e.g. app.kubernetes.io/instance)" $key) -}}
  {{- end -}}
{{- end -}}

{{- if $errors -}}
{{- fail (printf "\n\ntakhin-monitoring: invalid values:\n  - %s\n" (join "\n  - " $errors)) -}}
{{- end -}}
{{- end -}}

{{- /* A duration such as 30s, 1m or 1h30m in milliseconds. */ -}}
{{- define "takhin-monitoring.durationMs" -}}
{{- $units := dict "ms" 1 "s" 1000 "m" 60000 "h" 3600000 "d" 86400000 "w" 604800000 "y" 31536000000 -}}
{{- $total := 0 -}}
{{- range regexFindAll "[0-9]+(ms|s|m|h|d|w|y)" . -1 -}}
  {{- $unit := regexFind "(ms|s|m|h|d|w|y)$" . -}}
  {{- $total = add $total (mul (trimSuffix $unit . | int64) (get $units $unit)) -}}
{{- end -}}
{{- $total -}}
{{- end -}}

{{- /* Rules that span two subcharts, so neither subchart can check them alone. Messages name the value and the fix. */ -}}
{{- define "takhin.validateValues" -}}
{{- $v := .Values -}}
{{- $errors := list -}}
{{- $data := $v.console.data -}}
{{- /* The console copies the wired broker's data (broker 0's claim) into its scratch volume at every start. */ -}}
{{- if and $v.broker.enabled $v.broker.persistence.enabled $v.console.enabled (eq $data.mode "broker") $data.broker.snapshot.enabled (not $data.broker.claimName) -}}
  {{- $scratch := include "takhin-common.quantityBytes" $data.broker.snapshot.sizeLimit | float64 -}}
  {{- $volume := include "takhin-common.quantityBytes" $v.broker.persistence.size | float64 -}}
  {{- if lt $scratch $volume -}}
    {{- $errors = append $errors (printf "console.data.broker.snapshot.sizeLimit (%s) is smaller than broker.persistence.size (%s): the console copies broker 0's data into that volume at every start and is evicted once the broker holds more; raise the sizeLimit to at least the broker's size, or set console.enabled=false" $data.broker.snapshot.sizeLimit $v.broker.persistence.size) -}}
  {{- end -}}
{{- end -}}
{{- if $errors -}}
{{- fail (printf "\n\ntakhin: invalid values:\n  - %s\n" (join "\n  - " $errors)) -}}
{{- end -}}
{{- end -}}

{{- /* Console-specific helpers; names, labels, images and pod plumbing come from takhin-common. */ -}}

{{- define "takhin-console.fullname" -}}{{ include "takhin-common.fullname" . }}{{- end -}}
{{- define "takhin-console.selectorLabels" -}}{{ include "takhin-common.selectorLabels" (dict "ctx" . "component" "console") }}{{- end -}}
{{- define "takhin-console.authSecretName" -}}
{{- if .Values.auth.existingSecret }}{{ .Values.auth.existingSecret }}{{ else }}{{ include "takhin-common.fullname" . | trunc 58 | trimSuffix "-" }}-auth{{ end -}}
{{- end -}}
{{- define "takhin-console.authSecretKey" -}}
{{- if .Values.auth.existingSecret }}{{ .Values.auth.existingSecretKey }}{{ else }}api-keys{{ end -}}
{{- end -}}
{{- define "takhin-console.createsAuthSecret" -}}
{{- if and .Values.auth.enabled (not .Values.auth.existingSecret) }}true{{ end -}}
{{- end -}}

{{- /* The broker release's fullname; `tpl` lets an umbrella chart write it in terms of its own release name. */ -}}
{{- define "takhin-console.brokerFullname" -}}
{{- tpl .Values.data.broker.fullname . -}}
{{- end -}}
{{- /* The StatefulSet pod of the broker shown, and the claim its volumeClaimTemplate "data" gives it. */ -}}
{{- define "takhin-console.brokerPod" -}}
{{- printf "%s-%d" (include "takhin-console.brokerFullname" .) (int .Values.data.broker.ordinal) -}}
{{- end -}}
{{- define "takhin-console.brokerClaimName" -}}
{{- .Values.data.broker.claimName | default (printf "data-%s" (include "takhin-console.brokerPod" .)) -}}
{{- end -}}

{{- /*
Where the console's data directory comes from, as one word the templates switch on:
  snapshot            broker mode, read-only claim copied into a scratch emptyDir at pod start (default)
  brokerReadOnly      broker mode, the claim itself mounted read-only
  brokerWritable      broker mode, the claim mounted read-write (explicit opt-in)
  standaloneClaim     standalone mode on a PersistentVolumeClaim
  standaloneEmptyDir  standalone mode on an emptyDir
*/ -}}
{{- define "takhin-console.dataSource" -}}
{{- $d := .Values.data -}}
{{- if eq $d.mode "standalone" -}}
{{- ternary "standaloneClaim" "standaloneEmptyDir" $d.standalone.persistence.enabled -}}
{{- else if not $d.broker.readOnly -}}
brokerWritable
{{- else -}}
{{- ternary "snapshot" "brokerReadOnly" $d.broker.snapshot.enabled -}}
{{- end -}}
{{- end -}}

{{- /* "true" when the console writes to a volume that outlives the pod: one writer only, so no rolling overlap. */ -}}
{{- define "takhin-console.writesSharedData" -}}
{{- if has (include "takhin-console.dataSource" .) (list "brokerWritable" "standaloneClaim") }}true{{ end -}}
{{- end -}}

{{- define "takhin-console.standaloneClaimName" -}}
{{- .Values.data.standalone.persistence.existingClaim | default (printf "%s-data" (include "takhin-common.fullname" . | trunc 58 | trimSuffix "-")) -}}
{{- end -}}

{{- /* "true" when the audit log lies on the standalone data volume rather than on its own emptyDir. */ -}}
{{- define "takhin-console.auditOnDataVolume" -}}
{{- if hasPrefix (printf "%s/" (trimSuffix "/" .Values.data.mountPath)) .Values.audit.path }}true{{ end -}}
{{- end -}}

{{- /* Where the snapshot init container sees the broker's claim. */ -}}
{{- define "takhin-console.brokerMountPath" -}}/var/lib/takhin-console/broker-data{{- end -}}

{{- /* takhin-console's flags, one list item each. The API keys come from $(CONSOLE_API_KEYS), a Secret-backed variable. */ -}}
{{- define "takhin-console.args" -}}
- -data-dir={{ .Values.data.mountPath }}
- -api-addr=:{{ .Values.api.port }}
- -enable-auth={{ .Values.auth.enabled }}
{{- if .Values.auth.enabled }}
- -api-keys=$(CONSOLE_API_KEYS)
{{- end }}
- -enable-audit={{ .Values.audit.enabled }}
{{- if .Values.audit.enabled }}
- -audit-path={{ .Values.audit.path }}
{{- end }}
{{- end -}}

{{- /* .Values.affinity plus, when the console mounts a broker claim, a required affinity to that broker pod's node. */ -}}
{{- define "takhin-console.affinity" -}}
{{- $affinity := deepCopy (.Values.affinity | default dict) -}}
{{- if and (eq .Values.data.mode "broker") .Values.data.broker.colocate -}}
{{- $term := dict "labelSelector" (dict "matchLabels" (dict "statefulset.kubernetes.io/pod-name" (include "takhin-console.brokerPod" .))) "topologyKey" "kubernetes.io/hostname" -}}
{{- $podAffinity := get $affinity "podAffinity" | default dict -}}
{{- $required := get $podAffinity "requiredDuringSchedulingIgnoredDuringExecution" | default list -}}
{{- $_ := set $podAffinity "requiredDuringSchedulingIgnoredDuringExecution" (append $required $term) -}}
{{- $_ := set $affinity "podAffinity" $podAffinity -}}
{{- end -}}
{{- toYaml $affinity -}}
{{- end -}}

{{- /*
Copies the broker's topics from the read-only claim into the scratch volume. Only directories holding a
topic-metadata.json are copied (the console skips the rest too, and lost+found is not readable), plus acls.json.
*/ -}}
{{- define "takhin-console.snapshotScript" -}}
set -eu
src={{ include "takhin-console.brokerMountPath" . }}
dst={{ .Values.data.mountPath }}
# The scratch volume outlives container restarts within the pod: start every copy from empty.
rm -rf "${dst:?}"/*
topics=0
for dir in "$src"/*/; do
  [ -f "${dir}topic-metadata.json" ] || continue
  cp -R "${dir%/}" "$dst/"
  topics=$((topics + 1))
done
if [ -f "$src/acls.json" ]; then cp "$src/acls.json" "$dst/"; fi
echo "takhin-console-chart: copied $topics topics from claim {{ include "takhin-console.brokerClaimName" . }} (mounted read-only) into $dst ($(du -sh "$dst" | cut -f1))"
{{- end -}}

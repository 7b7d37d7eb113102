{{- /* NOTES.txt as a define, so the takhin umbrella can print it too (Helm prints only the parent chart's NOTES). */ -}}
{{- define "takhin-broker.notes" -}}
{{- include "takhin-broker.validateValues" . -}}
{{- $fullname := include "takhin-broker.fullname" . -}}
Takhin broker "{{ $fullname }}" ({{ .Values.replicas }} broker{{ if gt (int .Values.replicas) 1 }}s{{ end }}, image {{ include "takhin-common.image" (dict "ctx" . "image" .Values.image) }}).

Bootstrap address (inside the cluster):
  {{ include "takhin-broker.bootstrapAddress" . }}{{ if .Values.tls.enabled }}  (TLS){{ end }}

Advertised address of each broker (Takhin also binds it):
{{- range $i := until (int .Values.replicas) }}
  broker.id {{ add $i 1 }}  {{ $fullname }}-{{ $i }}  {{ include "takhin-broker.advertisedAddress" (dict "ctx" $ "i" $i) }}
{{- end }}

Produce and consume one message (acks=1; Takhin has no followers, so acks=all times out). The pod below passes
Pod Security "restricted":
{{- $b := printf "-b %s%s" (include "takhin-broker.bootstrapAddress" .) (ternary " -X security.protocol=ssl -X ssl.ca.location=/path/to/ca.crt" "" .Values.tls.enabled) }}
{{- $script := printf "echo hello | kcat %s -P -t demo -X request.required.acks=1 && kcat %s -C -t demo -o beginning -c 1 -e" $b $b }}
{{- $container := dict "name" "kcat" "image" (include "takhin-common.image" (dict "ctx" . "image" .Values.tests.produceConsume.image)) "command" (list "sh" "-c" $script) "securityContext" (dict "allowPrivilegeEscalation" false "capabilities" (dict "drop" (list "ALL"))) }}
{{- $pod := dict "apiVersion" "v1" "spec" (dict "securityContext" (dict "runAsNonRoot" true "runAsUser" 65532 "seccompProfile" (dict "type" "RuntimeDefault")) "containers" (list $container)) }}
  kubectl -n {{ .Release.Namespace }} run kcat --rm -i --restart=Never --image={{ $container.image }} --overrides='{{ toJson $pod }}'

Run the chart's own checks:  helm test {{ .Release.Name }} -n {{ .Release.Namespace }}

What this Takhin version does not do (read before relying on it):
  - Consumer-group offsets live in broker memory and are lost whenever a broker restarts.
{{- if gt (int .Values.replicas) 1 }}
  - These {{ .Values.replicas }} brokers are independent single-node brokers: no replication, no shared metadata,
    each with its own topics. The bootstrap Service spreads connections over them, so a client should be pinned to
    one broker's advertised address above. A broker that is down takes its topics with it.
{{- end }}
{{- if .Values.external.enabled }}
  - Takhin has one listener: in-cluster clients are handed the external addresses too, so those names must
    resolve and be reachable from inside the cluster as well.
{{- end }}
{{- if not .Values.persistence.enabled }}

  !!! persistence.enabled=false: data lives in an emptyDir and is LOST whenever a broker pod restarts or moves. !!!
{{- end }}
{{- if .Values.config.sasl.enabled }}

  !!! config.sasl.enabled=true does NOT protect this broker: Takhin {{ .Chart.AppVersion }} advertises SASL but rejects no
      unauthenticated request, reads no users file, and seeds a fixed admin/admin-secret user. !!!
{{- end }}
{{- if .Values.config.acl.enabled }}

  !!! config.acl.enabled=true does NOT restrict anything: Takhin {{ .Chart.AppVersion }} never consults its authorizer. !!!
{{- end }}
{{- if not .Values.config.throttle.producer.enabled }}
  - The producer throttle is off (bytes.per.second -1).
{{- else }}
  - Producers are limited to {{ .Values.config.throttle.producer.bytesPerSecond | int64 }} bytes/s per broker (Takhin's throttle);
    a single produce request larger than the burst fails.
{{- end }}
{{- with (include "takhin-broker.ignoredSettings" . | trim) }}

Settings you set that Takhin {{ $.Chart.AppVersion }} reads but ignores:
{{ . | indent 2 }}
{{- end }}

{{- end -}}

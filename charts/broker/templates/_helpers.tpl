{{- /* Broker-specific helpers; names, labels and images come from takhin-common. */ -}}

{{- define "takhin-broker.fullname" -}}{{ include "takhin-common.fullname" . }}{{- end -}}
{{- define "takhin-broker.headlessName" -}}{{ include "takhin-common.fullname" . | trunc 54 | trimSuffix "-" }}-headless{{- end -}}
{{- define "takhin-broker.metricsName" -}}{{ include "takhin-common.fullname" . | trunc 55 | trimSuffix "-" }}-metrics{{- end -}}
{{- define "takhin-broker.tlsSecretName" -}}
{{- if .Values.tls.certManager.enabled }}{{ include "takhin-common.fullname" . | trunc 59 | trimSuffix "-" }}-tls{{ else }}{{ .Values.tls.existingSecret }}{{ end -}}
{{- end -}}
{{- define "takhin-broker.selectorLabels" -}}{{ include "takhin-common.selectorLabels" (dict "ctx" . "component" "broker") }}{{- end -}}

{{- /* Port the Kafka listener binds and advertises; with NodePort it differs per broker (see entrypoint.sh). */ -}}
{{- define "takhin-broker.kafkaPort" -}}
{{- if and .Values.external.enabled (eq .Values.external.type "LoadBalancer") }}{{ .Values.external.port }}{{ else }}{{ .Values.config.server.port }}{{ end -}}
{{- end -}}
{{- define "takhin-broker.nodePortMode" -}}
{{- if and .Values.external.enabled (eq .Values.external.type "NodePort") }}true{{ end -}}
{{- end -}}

{{- /* Advertised DNS name of broker i when external access is on. */ -}}
{{- define "takhin-broker.externalHost" -}}
{{- $ := .ctx -}}
{{- if $.Values.external.hosts }}{{ index $.Values.external.hosts .i }}{{ else }}{{ printf "%s-%d.%s" (include "takhin-common.fullname" $) (int .i) $.Values.external.domain }}{{ end -}}
{{- end -}}

{{- /* In-cluster DNS name of broker i (the StatefulSet pod's FQDN through the headless Service). */ -}}
{{- define "takhin-broker.internalHost" -}}
{{- $ := .ctx -}}
{{- printf "%s-%d.%s.%s.svc.%s" (include "takhin-common.fullname" $) (int .i) (include "takhin-broker.headlessName" $) $.Release.Namespace $.Values.clusterDomain -}}
{{- end -}}

{{- /* host:port that broker i advertises (and binds). */ -}}
{{- define "takhin-broker.advertisedAddress" -}}
{{- $ := .ctx -}}
{{- if $.Values.external.enabled -}}
{{- include "takhin-broker.externalHost" . }}:{{ if include "takhin-broker.nodePortMode" $ }}{{ index $.Values.external.nodePorts .i }}{{ else }}{{ $.Values.external.port }}{{ end -}}
{{- else -}}
{{- include "takhin-broker.internalHost" . }}:{{ $.Values.config.server.port -}}
{{- end -}}
{{- end -}}

{{- /* Address in-cluster clients bootstrap from: the Service, or broker 0 when NodePort brokers listen on different ports. */ -}}
{{- define "takhin-broker.bootstrapAddress" -}}
{{- if include "takhin-broker.nodePortMode" . -}}
{{- include "takhin-broker.advertisedAddress" (dict "ctx" . "i" 0) -}}
{{- else -}}
{{- printf "%s.%s.svc.%s:%d" (include "takhin-broker.fullname" .) .Release.Namespace .Values.clusterDomain (int .Values.service.port) -}}
{{- end -}}
{{- end -}}

{{- /*
takhin.yaml as Takhin reads it. Typed values come from the generated fromValues template; the chart adds what it
owns: per-pod placeholders (filled by entrypoint.sh), the data directory, TLS file paths, and the metrics and health
servers, which Takhin leaves off unless enabled. config.extra is merged last.
*/ -}}
{{- define "takhin-broker.takhinConfig" -}}
{{- $cfg := include "takhin-broker.takhinConfig.fromValues" . | fromYaml -}}
{{- $owned := dict
  "kafka" (dict "broker.id" "__BROKER_ID__" "cluster.brokers" (list "__BROKER_ID__") "advertised.host" "__ADVERTISED_HOST__" "advertised.port" "__ADVERTISED_PORT__")
  "storage" (dict "data.dir" .Values.persistence.mountPath)
  "metrics" (dict "enabled" true "host" "0.0.0.0")
  "health" (dict "enabled" true "host" "0.0.0.0")
-}}
{{- if .Values.config.profiler.enabled }}{{ $_ := set $owned "profiler" (dict "host" "0.0.0.0") }}{{ end -}}
{{- if .Values.tls.enabled -}}
{{- $tls := dict "enabled" true "cert.file" "/etc/takhin/tls/tls.crt" "key.file" "/etc/takhin/tls/tls.key" "client.auth" .Values.tls.clientAuth "min.version" .Values.tls.minVersion -}}
{{- if .Values.tls.clientCaSecret }}{{ $_ := set $tls "ca.file" "/etc/takhin/client-ca/ca.crt" }}{{ end -}}
{{- with .Values.tls.cipherSuites }}{{ $_ := set $tls "cipher.suites" . }}{{ end -}}
{{- $_ := set $owned "server" (dict "tls" $tls) -}}
{{- end -}}
{{- $cfg = mustMergeOverwrite $cfg $owned (deepCopy .Values.config.extra) -}}
{{- toYaml $cfg -}}
{{- end -}}

{{- /* The per-pod start script: renders this broker's takhin.yaml, then execs Takhin. */ -}}
{{- define "takhin-broker.entrypoint" -}}
#!/bin/sh
# Per-pod Takhin settings (broker.id, advertised host and port) are dotted keys that no environment variable can
# set, so they are substituted into the config file here before Takhin starts.
set -eu
ordinal="${HOSTNAME##*-}"
case "$ordinal" in
  ''|*[!0-9]*) echo "takhin-chart: cannot read the StatefulSet ordinal from HOSTNAME=$HOSTNAME" >&2; exit 1 ;;
esac
broker_id=$((ordinal + 1))
{{- if .Values.external.enabled }}
case "$ordinal" in
{{- range $i := until (int .Values.replicas) }}
  {{ $i }}) advertised={{ include "takhin-broker.advertisedAddress" (dict "ctx" $ "i" $i) | quote }} ;;
{{- end }}
  *) echo "takhin-chart: broker $ordinal has no external address: give external.hosts/nodePorts one entry per replica" >&2; exit 1 ;;
esac
advertised_host="${advertised%:*}"
advertised_port="${advertised##*:}"
{{- else }}
# The pod FQDN is in /etc/hosts (StatefulSet serviceName is the headless Service), so Takhin binds the pod IP.
advertised_host="${HOSTNAME}.{{ include "takhin-broker.headlessName" . }}.{{ .Release.Namespace }}.svc.{{ .Values.clusterDomain }}"
advertised_port={{ .Values.config.server.port }}
{{- end }}
sed -e "s|__BROKER_ID__|${broker_id}|g" \
    -e "s|__ADVERTISED_HOST__|${advertised_host}|g" \
    -e "s|__ADVERTISED_PORT__|${advertised_port}|g" \
    /etc/takhin/config/takhin.yaml > /run/takhin/takhin.yaml
printf '%s %s\n' "$advertised_host" "$advertised_port" > /run/takhin/listener
echo "takhin-chart: broker.id=${broker_id} advertised=${advertised_host}:${advertised_port} data.dir={{ .Values.persistence.mountPath }}"
exec /usr/local/bin/takhin -config /run/takhin/takhin.yaml
{{- end -}}

{{- /*
Cross-field rules the schema cannot express. Each message names the value, what is wrong and how to fix it.
Every template includes it first: Helm renders templates in an order of its own, and a template that indexes a
per-broker list must never fail before these messages do.
*/ -}}
{{- define "takhin-broker.validateValues" -}}
{{- $v := .Values -}}
{{- $replicas := int $v.replicas -}}
{{- $errors := list -}}

{{- if $v.external.enabled -}}
  {{- if and $v.external.hosts $v.external.domain -}}
    {{- $errors = append $errors "external.hosts and external.domain are both set: give per-broker hosts or a domain, not both" -}}
  {{- else if $v.external.hosts -}}
    {{- if ne (len $v.external.hosts) $replicas -}}
      {{- $errors = append $errors (printf "external.hosts has %d entries but replicas is %d: give exactly one advertised host per broker" (len $v.external.hosts) $replicas) -}}
    {{- end -}}
    {{- range $v.external.hosts -}}
      {{- if or (regexMatch "^[0-9.]+$" .) (contains ":" .) -}}
        {{- $errors = append $errors (printf "external.hosts entry %q is an IP address: Takhin binds the host it advertises, so use a DNS name that resolves to the Service (the chart maps it to 0.0.0.0 inside the pod)" .) -}}
      {{- end -}}
    {{- end -}}
  {{- else if not $v.external.domain -}}
    {{- $errors = append $errors "external.enabled is true but neither external.hosts nor external.domain is set: list one DNS name per broker in external.hosts, or set external.domain" -}}
  {{- end -}}
  {{- if and (eq $v.external.type "NodePort") (ne (len $v.external.nodePorts) $replicas) -}}
    {{- $errors = append $errors (printf "external.nodePorts has %d entries but replicas is %d: with external.type NodePort give one node port per broker" (len $v.external.nodePorts) $replicas) -}}
  {{- end -}}
{{- end -}}

{{- if $v.tls.enabled -}}
  {{- if and $v.tls.existingSecret $v.tls.certManager.enabled -}}
    {{- $errors = append $errors "tls.existingSecret and tls.certManager.enabled are both set: choose one certificate source" -}}
  {{- else if not (or $v.tls.existingSecret $v.tls.certManager.enabled) -}}
    {{- $errors = append $errors "tls.enabled is true but no certificate source is set: set tls.existingSecret to a kubernetes.io/tls Secret, or tls.certManager.enabled=true with tls.certManager.issuerRef.name" -}}
  {{- end -}}
  {{- if and $v.tls.certManager.enabled (not $v.tls.certManager.issuerRef.name) -}}
    {{- $errors = append $errors "tls.certManager.enabled is true but tls.certManager.issuerRef.name is empty: name the cert-manager Issuer or ClusterIssuer that signs broker certificates" -}}
  {{- end -}}
  {{- if and (eq $v.tls.clientAuth "require") (not $v.tls.clientCaSecret) -}}
    {{- $errors = append $errors "tls.clientAuth is require but tls.clientCaSecret is empty: name a Secret with a ca.crt key holding the CA of your client certificates" -}}
  {{- end -}}
{{- else if or $v.tls.existingSecret $v.tls.certManager.enabled -}}
  {{- $errors = append $errors "a TLS certificate source is set but tls.enabled is false: set tls.enabled=true, or remove tls.existingSecret/tls.certManager" -}}
{{- end -}}

{{- if ne (int $v.config.replication.defaultReplicationFactor) 1 -}}
  {{- $errors = append $errors (printf "config.replication.defaultReplicationFactor is %d: Takhin brokers do not replicate at this version, so a factor above 1 leaves partitions waiting for followers that never exist (acks=all requests time out); use 1 and protect data with persistent volumes" (int $v.config.replication.defaultReplicationFactor)) -}}
{{- end -}}

{{- /* Takhin replaces unset or 0 Raft timeouts with its defaults before validating them. */ -}}
{{- $raft := $v.config.raft -}}
{{- $heartbeat := int ($raft.heartbeatTimeoutMs | default 1000) -}}
{{- $election := int ($raft.electionTimeoutMs | default 3000) -}}
{{- $lease := int ($raft.leaderLeaseTimeoutMs | default 500) -}}
{{- if lt $heartbeat 100 -}}
  {{- $errors = append $errors (printf "config.raft.heartbeatTimeoutMs is %d: Takhin refuses to start below 100" $heartbeat) -}}
{{- end -}}
{{- if lt $election $heartbeat -}}
  {{- $errors = append $errors (printf "config.raft.electionTimeoutMs (%d) is below the heartbeat timeout (%d): Takhin refuses to start; raise electionTimeoutMs" $election $heartbeat) -}}
{{- end -}}
{{- if lt $lease 100 -}}
  {{- $errors = append $errors (printf "config.raft.leaderLeaseTimeoutMs is %d: Takhin refuses to start below 100 (0 means its default, 500)" $lease) -}}
{{- end -}}

{{- /* config.extra must not take over what the chart computes: data would leave the volume, or the listener break. */ -}}
{{- $owned := dict "kafka" (list "broker.id" "cluster.brokers" "advertised.host" "advertised.port") "storage" (list "data.dir") "metrics" (list "enabled" "host") "health" (list "enabled" "host") "server" (list "tls") -}}
{{- range $section, $keys := $owned -}}
  {{- $given := get $v.config.extra $section -}}
  {{- if kindIs "map" $given -}}
    {{- range $keys -}}
      {{- if hasKey $given . -}}
        {{- $errors = append $errors (printf "config.extra.%s sets %q, which the chart computes (per-pod identity, the data volume, the probes' servers, TLS files): remove it and use the typed value or chart setting instead" $section .) -}}
      {{- end -}}
    {{- end -}}
  {{- end -}}
{{- end -}}

{{- if $v.config.storage.encryption.enabled -}}
  {{- $errors = append $errors "config.storage.encryption.enabled is true: Takhin validates encryption settings but never encrypts data at this version; leave it false and use encrypted volumes (a StorageClass with encryption) instead" -}}
{{- end -}}

{{- if and $v.config.throttle.dynamic.enabled (gt (int64 $v.config.throttle.dynamic.minRate) (int64 $v.config.throttle.dynamic.maxRate)) -}}
  {{- $errors = append $errors "config.throttle.dynamic.minRate is above maxRate: Takhin would never settle; make minRate <= maxRate" -}}
{{- end -}}

{{- $ports := dict -}}
{{- $kafka := list "config.server.port" $v.config.server.port -}}
{{- if and $v.external.enabled (eq $v.external.type "LoadBalancer") }}{{ $kafka = list "external.port" $v.external.port }}{{ end -}}
{{- $named := list $kafka (list "config.metrics.port" $v.config.metrics.port) (list "config.health.port" $v.config.health.port) -}}
{{- if $v.config.profiler.enabled }}{{ $named = append $named (list "config.profiler.port" $v.config.profiler.port) }}{{ end -}}
{{- if include "takhin-broker.nodePortMode" . }}{{ range $v.external.nodePorts }}{{ $named = append $named (list "external.nodePorts" .) }}{{ end }}{{ end -}}
{{- range $named -}}
  {{- $key := toString (int (index . 1)) -}}
  {{- if hasKey $ports $key -}}
    {{- $errors = append $errors (printf "%s and %s are both %s: every listener of the broker needs its own port" (get $ports $key) (index . 0) $key) -}}
  {{- else -}}
    {{- $_ := set $ports $key (index . 0) -}}
  {{- end -}}
{{- end -}}

{{- /* Service links: a Service named takhin-<section> injects TAKHIN_<SECTION>_PORT=tcp://... which Takhin maps onto its config and fails on. */ -}}
{{- $sections := list "server" "kafka" "storage" "replication" "raft" "logging" "metrics" "health" "profiler" "acl" "sasl" "throttle" "audit" -}}
{{- range (list (include "takhin-broker.fullname" .) (include "takhin-broker.headlessName" .) (include "takhin-broker.metricsName" .)) -}}
  {{- $svc := . -}}
  {{- range $sections -}}
    {{- if eq $svc (printf "takhin-%s" .) -}}
      {{- $errors = append $errors (printf "the chart would create a Service named %q, which injects TAKHIN_%s_PORT into pods of the namespace and crashes Takhin: choose another fullnameOverride or release name" $svc (upper .)) -}}
    {{- end -}}
  {{- end -}}
{{- end -}}

{{- if $errors -}}
{{- fail (printf "\n\ntakhin-broker: invalid values:\n  - %s\n" (join "\n  - " $errors)) -}}
{{- end -}}
{{- end -}}

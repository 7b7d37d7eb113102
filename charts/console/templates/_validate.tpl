{{- /*
Cross-field rules the schema cannot express. Each message names the value, what is wrong and how to fix it.
Every template includes it first: Helm renders templates in an order of its own, and no template may fail with a
less helpful error before these messages.
*/ -}}
{{- define "takhin-console.validateValues" -}}
{{- $v := .Values -}}
{{- $errors := list -}}

{{- if $v.auth.enabled -}}
  {{- if and $v.auth.existingSecret $v.auth.apiKeys -}}
    {{- $errors = append $errors "auth.existingSecret and auth.apiKeys are both set: keep the keys in one place, either the Secret (recommended) or auth.apiKeys" -}}
  {{- else if not (or $v.auth.existingSecret $v.auth.apiKeys) -}}
    {{- $errors = append $errors "auth.enabled is true but no API keys are given: create a Secret holding comma-separated keys (kubectl create secret generic console-api-keys --from-literal=api-keys=$(openssl rand -hex 32)) and set auth.existingSecret=console-api-keys (its key name in auth.existingSecretKey, default api-keys), or list keys in auth.apiKeys; set auth.enabled=false only if the console must be open to anyone who reaches it" -}}
  {{- end -}}
{{- else if or $v.auth.existingSecret $v.auth.apiKeys -}}
  {{- $errors = append $errors "API keys are given (auth.existingSecret or auth.apiKeys) but auth.enabled is false, so the console would not check them: set auth.enabled=true, or remove the keys" -}}
{{- end -}}

{{- $source := include "takhin-console.dataSource" . -}}
{{- if eq $v.data.mode "broker" -}}
  {{- $broker := $v.data.broker -}}
  {{- $fullname := include "takhin-console.brokerFullname" . -}}
  {{- $needsFullname := or $broker.colocate (not $broker.claimName) -}}
  {{- if and $needsFullname (not $fullname) -}}
    {{- $errors = append $errors "data.mode is broker but data.broker.fullname is empty: set it to the takhin-broker release's fullname (its StatefulSet name, e.g. my-release-takhin-broker; the takhin umbrella chart fills it in), or set data.mode=standalone to give the console its own data" -}}
  {{- else if and $fullname (not (regexMatch "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" $fullname)) -}}
    {{- $errors = append $errors (printf "data.broker.fullname renders to %q, which is not a StatefulSet name: give the broker release's fullname (lower-case letters, digits and dashes)" $fullname) -}}
  {{- end -}}
  {{- if not $broker.readOnly -}}
    {{- if not $broker.allowWrites -}}
      {{- $errors = append $errors "data.broker.readOnly is false but data.broker.allowWrites is not true: the console does not lock the broker's files and keeps its own offsets, so creating topics or producing through it can corrupt the broker's log; keep data.broker.readOnly=true (recommended), or set data.broker.allowWrites=true to accept that risk" -}}
    {{- end -}}
    {{- if $broker.snapshot.enabled -}}
      {{- $errors = append $errors "data.broker.readOnly is false but data.broker.snapshot.enabled is true: a snapshot is a private copy, so the console would never write to the broker's files; set data.broker.snapshot.enabled=false to write to them, or data.broker.readOnly=true" -}}
    {{- end -}}
  {{- end -}}
  {{- if and $v.audit.enabled (include "takhin-console.auditOnDataVolume" .) -}}
    {{- $errors = append $errors (printf "audit.path %s lies inside data.mountPath %s, which in broker mode holds the broker's data: keep the default /var/lib/takhin-console/audit/audit.log or another path outside data.mountPath" $v.audit.path $v.data.mountPath) -}}
  {{- end -}}
{{- end -}}
{{- if and (gt (int $v.replicas) 1) (has $source (list "brokerWritable" "standaloneClaim" "standaloneEmptyDir")) -}}
  {{- $errors = append $errors (printf "replicas is %d but the console's data is writable (%s): each console keeps its own offsets and in-memory state without locking, so several would corrupt shared files or show different data; use replicas=1, or broker mode with data.broker.readOnly=true" (int $v.replicas) (ternary "data.mode standalone" "data.broker.readOnly=false" (eq $v.data.mode "standalone"))) -}}
{{- end -}}
{{- /* Only the snapshot init container mounts both paths; equal or nested mounts are refused by the API server. */ -}}
{{- $data := trimSuffix "/" $v.data.mountPath -}}
{{- $brokerMount := include "takhin-console.brokerMountPath" . -}}
{{- if and (eq $source "snapshot") (or (eq $data $brokerMount) (hasPrefix (printf "%s/" $data) $brokerMount) (hasPrefix (printf "%s/" $brokerMount) $data)) -}}
  {{- $errors = append $errors (printf "data.mountPath %s overlaps %s, where the snapshot init container mounts the broker's claim (mounts may not be equal or nested): choose another data.mountPath" $v.data.mountPath $brokerMount) -}}
{{- end -}}

{{- if $v.ingress.enabled -}}
  {{- if not $v.ingress.hosts -}}
    {{- $errors = append $errors "ingress.enabled is true but ingress.hosts is empty: list at least one host, e.g. ingress.hosts[0].host=console.example.com" -}}
  {{- end -}}
  {{- $hosts := list -}}
  {{- range $v.ingress.hosts }}{{ $hosts = append $hosts .host }}{{ end -}}
  {{- range $i, $tls := $v.ingress.tls -}}
    {{- if not $tls.hosts -}}
      {{- $errors = append $errors (printf "ingress.tls[%d] (secretName %s) has no hosts: list the host names its certificate covers in ingress.tls[%d].hosts (each one also in ingress.hosts), otherwise the controller serves no TLS for them" $i $tls.secretName $i) -}}
    {{- end -}}
    {{- range $tls.hosts -}}
      {{- if not (has . $hosts) -}}
        {{- $errors = append $errors (printf "ingress.tls[%d].hosts has %s, which is not in ingress.hosts: add a rule for it to ingress.hosts or remove it from the TLS entry" $i .) -}}
      {{- end -}}
    {{- end -}}
  {{- end -}}
{{- else if $v.ingress.tls -}}
  {{- $errors = append $errors "ingress.tls is set but ingress.enabled is false: set ingress.enabled=true, or remove ingress.tls" -}}
{{- end -}}

{{- if and $v.httpRoute.enabled (not $v.httpRoute.parentRefs) -}}
  {{- $errors = append $errors "httpRoute.enabled is true but httpRoute.parentRefs is empty: name the Gateway the route attaches to, e.g. httpRoute.parentRefs[0].name=public" -}}
{{- end -}}

{{- if and (not (kindIs "invalid" $v.service.nodePort)) (eq $v.service.type "ClusterIP") -}}
  {{- $errors = append $errors "service.nodePort is set but service.type is ClusterIP, which has no node port: set service.type=NodePort or LoadBalancer, or remove service.nodePort" -}}
{{- end -}}

{{- /* Service links: a Service named takhin-<section> injects TAKHIN_<SECTION>_PORT=tcp://... into pods of the namespace, which a Takhin broker with service links maps onto its config and fails on. */ -}}
{{- $svc := include "takhin-console.fullname" . -}}
{{- range (list "server" "kafka" "storage" "replication" "raft" "logging" "metrics" "health" "profiler" "acl" "sasl" "throttle" "audit") -}}
  {{- if eq $svc (printf "takhin-%s" .) -}}
    {{- $errors = append $errors (printf "the chart would create a Service named %q, which injects TAKHIN_%s_PORT into pods of the namespace and crashes Takhin brokers that read it: choose another fullnameOverride or release name" $svc (upper .)) -}}
  {{- end -}}
{{- end -}}

{{- if $errors -}}
{{- fail (printf "\n\ntakhin-console: invalid values:\n  - %s\n" (join "\n  - " $errors)) -}}
{{- end -}}
{{- end -}}

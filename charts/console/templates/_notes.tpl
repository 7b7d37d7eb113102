{{- /* NOTES.txt as a define, so the takhin umbrella can print it too (Helm prints only the parent chart's NOTES). */ -}}
{{- define "takhin-console.notes" -}}
{{- include "takhin-console.validateValues" . -}}
{{- $fullname := include "takhin-console.fullname" . -}}
{{- $source := include "takhin-console.dataSource" . -}}
{{- $ns := .Release.Namespace -}}
Takhin console "{{ $fullname }}" ({{ .Values.replicas }} pod{{ if gt (int .Values.replicas) 1 }}s{{ end }}, image {{ include "takhin-common.image" (dict "ctx" . "image" .Values.image) }}).

Reach it
{{- if .Values.ingress.enabled }}
{{- $tlsHosts := list }}
{{- range .Values.ingress.tls }}{{ $tlsHosts = concat $tlsHosts (.hosts | default list) }}{{ end }}
{{- range .Values.ingress.hosts }}
  {{ ternary "https" "http" (has .host $tlsHosts) }}://{{ .host }}/  (Ingress)
{{- end }}
{{- end }}
{{- if .Values.httpRoute.enabled }}
  Through Gateway {{ range .Values.httpRoute.parentRefs }}{{ .name }} {{ end }}{{ with .Values.httpRoute.hostnames }}for {{ join ", " . }}{{ end }} (HTTPRoute)
{{- end }}
  From your machine:
    kubectl -n {{ $ns }} port-forward svc/{{ $fullname }} 8080:{{ .Values.service.port }}
    Swagger UI:  http://localhost:8080/swagger/index.html
    Health:      curl http://localhost:8080/api/health
  The Swagger spec names localhost:8080 as its host, so "Try it out" works through this port-forward only.
  Everything is under /api (not /api/v1); the console serves no web frontend and no /metrics.

API key
{{- if .Values.auth.enabled }}
  Every request except GET /api/health and /swagger/* needs the header "Authorization: Bearer <key>" (or the bare key).
  KEY=$(kubectl -n {{ $ns }} get secret {{ include "takhin-console.authSecretName" . }} -o jsonpath='{.data.{{ include "takhin-console.authSecretKey" . }}}' | base64 -d | cut -d, -f1)
  curl -H "Authorization: Bearer $KEY" http://localhost:8080/api/topics
{{- if .Values.auth.existingSecret }}
  The keys come from Secret {{ .Values.auth.existingSecret }}; after changing it run: kubectl -n {{ $ns }} rollout restart deployment/{{ $fullname }}
{{- end }}
{{- else }}

  !!! auth.enabled=false: anyone who reaches the console can read every message, produce, delete topics and change
      ACLs. Keep it behind the NetworkPolicy and never expose it through an Ingress in this state. !!!
{{- end }}

Data
{{- if eq $source "snapshot" }}
  A copy of broker {{ include "takhin-console.brokerPod" . }}'s topics (claim {{ include "takhin-console.brokerClaimName" . }}, mounted read-only),
  taken when the pod started. Writes through the console (create topic, produce) land in the copy and vanish
  with the pod; the broker's files are never written.
{{- else if eq $source "brokerReadOnly" }}
  Claim {{ include "takhin-console.brokerClaimName" . }} of broker {{ include "takhin-console.brokerFullname" . }}, mounted read-only. Takhin opens segment files read-write,
  so topics that fail to open on the read-only mount are missing or stop the console (see the chart README);
  data.broker.snapshot.enabled=true avoids that.
{{- else if eq $source "brokerWritable" }}

  !!! The console writes to the files of broker {{ include "takhin-console.brokerFullname" . }} (claim {{ include "takhin-console.brokerClaimName" . }}): it does not lock them and
      tracks offsets on its own, so creating topics or producing through it can corrupt the broker's log. !!!
{{- else if eq $source "standaloneClaim" }}
  The console's own topics, on claim {{ include "takhin-console.standaloneClaimName" . }}; no broker sees them.
{{- else }}

  !!! data.standalone.persistence.enabled=false: the console's own topics live in an emptyDir and are LOST whenever
      the pod restarts or moves. !!!
{{- end }}
{{- if eq .Values.data.mode "broker" }}
  The console loads topics once at start: to see what the broker wrote since, restart it:
    kubectl -n {{ $ns }} rollout restart deployment/{{ $fullname }}
{{- end }}

What takhin-console {{ .Chart.AppVersion }} does not do (upstream limitations):
  - GET /api/brokers and /api/brokers/{id} answer 500: the console starts without a broker config. /api/debug/*
    is expected to fail the same way; /api/cluster/stats works but always reports one broker.
  - CORS allows only http://localhost:* and http://127.0.0.1:* origins, and with auth on preflight requests get 401:
    a browser app served from any other origin cannot call the API.
  - Consumer groups shown are the console's own REST consumers, not the broker's Kafka consumer groups.
  - /api/monitoring/metrics reports the console process's own counters, which stay at zero.
{{- if gt (int .Values.replicas) 1 }}
  - REST consumers and produce requests live in one pod's memory: with {{ .Values.replicas }} pods, keep clients on one pod
    (service.sessionAffinity=ClientIP, sticky sessions on the Ingress).
{{- end }}

{{- end -}}

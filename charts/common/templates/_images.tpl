{{- /* Image reference from registry/repository/tag/digest; global.imageRegistry wins. Call with (dict "ctx" $ "image" .Values.image). */ -}}
{{- define "takhin-common.image" -}}
{{- $registry := .image.registry -}}
{{- with .ctx.Values.global.imageRegistry }}{{ $registry = . }}{{ end -}}
{{- $prefix := ternary "" (printf "%s/" $registry) (empty $registry) -}}
{{- if .image.digest -}}
{{- printf "%s%s@%s" $prefix .image.repository .image.digest -}}
{{- else -}}
{{- printf "%s%s:%s" $prefix .image.repository (required "image.tag or image.digest must be set: name the Takhin image version to run" .image.tag) -}}
{{- end -}}
{{- end -}}

{{- /* imagePullSecrets from global and every image given: (dict "ctx" $ "images" (list .Values.image)). */ -}}
{{- define "takhin-common.imagePullSecrets" -}}
{{- $names := list -}}
{{- range (.ctx.Values.global.imagePullSecrets | default list) }}{{ $names = append $names . }}{{ end -}}
{{- range .images }}{{ range .pullSecrets }}{{ $names = append $names . }}{{ end }}{{ end -}}
{{- with ($names | uniq) -}}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end -}}
{{- end -}}

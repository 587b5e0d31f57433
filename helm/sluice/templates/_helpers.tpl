{{/* Names, labels and shared pieces of the Sluice chart. */}}

{{- define "sluice.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "sluice.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else if contains (include "sluice.name" .) .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "sluice.name" .) | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "sluice.namespace" -}}
{{- default .Release.Namespace .Values.namespace.name -}}
{{- end -}}

{{- define "sluice.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sluice.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "sluice.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "sluice.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: sluice
{{- end -}}

{{/* Labels of one component: (dict "root" $ "component" "api") */}}
{{- define "sluice.componentLabels" -}}
{{ include "sluice.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "sluice.componentSelector" -}}
{{ include "sluice.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "sluice.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "sluice.collectorImage" -}}
{{- printf "%s:%s" .Values.collectorImage.repository (default .Chart.AppVersion .Values.collectorImage.tag) -}}
{{- end -}}

{{- define "sluice.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (printf "%s-operator" (include "sluice.fullname" .)) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "sluice.rdiSecretName" -}}
{{- default (printf "%s-rdi" (include "sluice.fullname" .)) .Values.rdi.existingSecret -}}
{{- end -}}

{{- define "sluice.rdiCaSecretName" -}}
{{- default (printf "%s-rdi-ca" (include "sluice.fullname" .)) .Values.rdi.tls.existingSecret -}}
{{- end -}}

{{- define "sluice.jwtSecretName" -}}
{{- default (printf "%s-jwt" (include "sluice.fullname" .)) .Values.jwt.existingSecret -}}
{{- end -}}

{{- define "sluice.rdiCaEnabled" -}}
{{- if and .Values.rdi.tls.enabled (or .Values.rdi.tls.ca .Values.rdi.tls.existingSecret) -}}true{{- end -}}
{{- end -}}

{{/*
The RDI database's address for every Sluice process: host and port from the ConfigMap,
credentials from the Secret, joined into SLUICE_RDI_URL by Kubernetes' $(VAR) expansion.
*/}}
{{- define "sluice.rdiEnv" -}}
- name: SLUICE_RDI_SCHEME
  valueFrom:
    configMapKeyRef:
      name: {{ include "sluice.fullname" . }}-rdi
      key: scheme
- name: SLUICE_RDI_HOST
  valueFrom:
    configMapKeyRef:
      name: {{ include "sluice.fullname" . }}-rdi
      key: host
- name: SLUICE_RDI_PORT
  valueFrom:
    configMapKeyRef:
      name: {{ include "sluice.fullname" . }}-rdi
      key: port
- name: SLUICE_PIPELINE
  valueFrom:
    configMapKeyRef:
      name: {{ include "sluice.fullname" . }}-rdi
      key: pipeline
- name: SLUICE_RDI_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ include "sluice.rdiSecretName" . }}
      key: username
- name: SLUICE_RDI_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "sluice.rdiSecretName" . }}
      key: password
- name: SLUICE_RDI_URL
  value: "$(SLUICE_RDI_SCHEME)://$(SLUICE_RDI_USERNAME):$(SLUICE_RDI_PASSWORD)@$(SLUICE_RDI_HOST):$(SLUICE_RDI_PORT)"
{{- if include "sluice.rdiCaEnabled" . }}
- name: NODE_EXTRA_CA_CERTS
  value: /etc/sluice/rdi-ca/ca.crt
{{- end }}
{{- end -}}

{{/* Volumes every Sluice container mounts: a writable /tmp and the RDI database's CA. */}}
{{- define "sluice.commonVolumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- if include "sluice.rdiCaEnabled" . }}
- name: rdi-ca
  secret:
    secretName: {{ include "sluice.rdiCaSecretName" . }}
    items:
      - key: ca.crt
        path: ca.crt
{{- end }}
{{- end -}}

{{- define "sluice.commonMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if include "sluice.rdiCaEnabled" . }}
- name: rdi-ca
  mountPath: /etc/sluice/rdi-ca
  readOnly: true
{{- end }}
{{- end -}}

{{- define "sluice.podSpecCommon" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end -}}

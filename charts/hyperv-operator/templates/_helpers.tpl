{{/*
Names and labels shared by every template. Resource names follow the usual Helm convention:
the release name, suffixed with the chart name unless the release name already contains it, so
`helm install hyperv-operator ./charts/hyperv-operator` yields plain `hyperv-operator` names,
the same names the kustomize install in config/ uses.
*/}}

{{- define "hyperv-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "hyperv-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "hyperv-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels that select the operator pods; never change them after a release (selectors are immutable). */}}
{{- define "hyperv-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hyperv-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "hyperv-operator.labels" -}}
helm.sh/chart: {{ include "hyperv-operator.chart" . }}
{{ include "hyperv-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: hyperv-operator
{{- end }}

{{- define "hyperv-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "hyperv-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "hyperv-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/*
The Lease name the operator elects its leader with. Fixed rather than derived from the release:
one operator serves a cluster (its CRDs are cluster-wide), and the kustomize install uses the same name.
*/}}
{{- define "hyperv-operator.leaderElectionID" -}}
hyperv-operator
{{- end }}

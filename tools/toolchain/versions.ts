// Every pinned external version lives here and nowhere else.

/** Kubernetes versions the charts are rendered and validated against: the oldest and newest minor of kubeVersion. */
export const KUBE_VERSIONS = ['1.30.14', '1.36.3'] as const;

/**
 * The control plane the install tests build from source (tools/cluster/build.sh receives these as environment).
 * 1.35 rather than 1.36: kwok v0.8.0 is built against client-go v0.36, one minor above, inside the supported skew.
 * etcd must equal go.etcd.io/etcd/server/v3 in k8s.io/kubernetes's go.mod at that version (build.sh checks).
 */
export const CONTROL_PLANE = { K8S_VERSION: 'v1.35.4', ETCD_VERSION: 'v3.6.5', KWOK_VERSION: 'v0.8.0' } as const;

/** The range written into every Chart.yaml `kubeVersion`. */
export const KUBE_VERSION_RANGE = '>=1.30.0-0 <1.37.0-0';

/**
 * Go-built CLIs: `modulePath@version` from the Go module proxy, main package `pkg`, version stamped with `ldflags`,
 * linked as `.tools/bin/<link>`. `versionArgs` make the binary print a line containing `version`.
 */
export const GO_TOOLS = {
  helm4: {
    link: 'helm',
    modulePath: 'helm.sh/helm/v4',
    version: 'v4.1.4',
    pkg: 'helm.sh/helm/v4/cmd/helm',
    ldflags: '-X helm.sh/helm/v4/internal/version.version=v4.1.4',
    versionArgs: ['version', '--short'],
  },
  helm3: {
    link: 'helm3',
    modulePath: 'helm.sh/helm/v3',
    version: 'v3.18.4',
    pkg: 'helm.sh/helm/v3/cmd/helm',
    ldflags: '-X helm.sh/helm/v3/internal/version.version=v3.18.4',
    versionArgs: ['version', '--short'],
  },
  kubeconform: {
    link: 'kubeconform',
    modulePath: 'github.com/yannh/kubeconform',
    version: 'v0.7.0',
    pkg: 'github.com/yannh/kubeconform/cmd/kubeconform',
    ldflags: '-X main.version=v0.7.0',
    versionArgs: ['-v'],
  },
  ct: {
    link: 'ct',
    modulePath: 'github.com/helm/chart-testing/v3',
    version: 'v3.14.0',
    pkg: 'github.com/helm/chart-testing/v3/ct',
    ldflags: '-X github.com/helm/chart-testing/v3/ct/cmd.Version=v3.14.0',
    versionArgs: ['version'],
  },
} as const;

export type GoToolName = keyof typeof GO_TOOLS;

/** Debian packages: the command each provides, and the package name. */
export const DEBIAN_TOOLS = {
  yamllint: { package: 'yamllint' },
  promtool: { package: 'prometheus' },
  'docker-registry': { package: 'docker-registry' },
} as const;

/** Go modules whose CRD YAML files give kubeconform schemas for the custom kinds the charts render. */
export const CRD_SOURCES = [
  {
    module: 'github.com/prometheus-operator/prometheus-operator',
    version: 'v0.93.0',
    files: [
      'example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml',
      'example/prometheus-operator-crd/monitoring.coreos.com_podmonitors.yaml',
      'example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml',
    ],
  },
  // HTTPRoute, rendered by the console chart. v1.7.0 declares go 1.27 in go.mod, which the Go here cannot download.
  {
    module: 'sigs.k8s.io/gateway-api',
    version: 'v1.6.3',
    files: ['config/crd/standard/gateway.networking.k8s.io_httproutes.yaml'],
  },
  // Certificate, rendered by the broker chart when tls.certManager.enabled.
  {
    module: 'github.com/cert-manager/cert-manager',
    version: 'v1.21.2',
    files: ['deploy/crds/cert-manager.io_certificates.yaml'],
  },
  // GrafanaDashboard, rendered by the monitoring chart for grafana-operator.
  {
    module: 'github.com/grafana/grafana-operator/v5',
    version: 'v5.18.0',
    files: ['config/crd/bases/grafana.integreatly.org_grafanadashboards.yaml'],
  },
  // Argo CD Application, Flux OCIRepository and HelmRelease: the GitOps examples in docs/gitops/. Newer releases of
  // these modules declare a Go version newer than the one here.
  {
    module: 'github.com/argoproj/argo-cd/v3',
    version: 'v3.5.7',
    files: ['manifests/crds/application-crd.yaml'],
  },
  {
    module: 'github.com/fluxcd/source-controller',
    version: 'v1.9.0',
    files: ['config/crd/bases/source.toolkit.fluxcd.io_ocirepositories.yaml'],
  },
  {
    module: 'github.com/fluxcd/helm-controller',
    version: 'v1.4.3',
    files: ['config/crd/bases/helm.toolkit.fluxcd.io_helmreleases.yaml'],
  },
  // VolumeSnapshot, used by the backup and restore procedure in docs/operations.md.
  {
    module: 'github.com/kubernetes-csi/external-snapshotter/client/v8',
    version: 'v8.2.0',
    files: ['config/crd/snapshot.storage.k8s.io_volumesnapshots.yaml'],
  },
] as const;

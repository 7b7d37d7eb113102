#!/usr/bin/env bash
# Builds a real Kubernetes control plane (kube-apiserver, kube-controller-manager, kube-scheduler, kubectl),
# etcd and kwok from source, once, cached by version. Install tests start these as plain processes
# (tools/cluster/cluster.ts): no container runtime is needed.
#
# Usage: tools/cluster/build.sh            build if needed; the last line of stdout is the bin directory
#        tools/cluster/build.sh --bin-dir  print the bin directory if it is built, else exit 2 (never builds)
set -euo pipefail

# Versions come from CONTROL_PLANE in tools/toolchain/versions.ts, where every pinned version lives; the TypeScript
# callers (npm run test:install, npm run demo) pass them in.
: "${K8S_VERSION:?run through npm run test:install or npm run demo (versions come from tools/toolchain/versions.ts)}"
: "${ETCD_VERSION:?run through npm run test:install or npm run demo}"
: "${KWOK_VERSION:?run through npm run test:install or npm run demo}"

CACHE_ROOT=${TAKHIN_CHARTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/takhin-charts}
BIN_DIR="$CACHE_ROOT/controlplane/$K8S_VERSION/bin"
MARKER="$BIN_DIR/.complete"
STAMP="k8s=$K8S_VERSION etcd=$ETCD_VERSION kwok=$KWOK_VERSION"

built() { [[ -f $MARKER && $(cat "$MARKER") == "$STAMP" ]]; }

if [[ ${1-} == --bin-dir ]]; then
  built || { echo "control plane ($STAMP) is not built yet: run tools/cluster/build.sh (tens of minutes, once)" >&2; exit 2; }
  echo "$BIN_DIR"
  exit 0
fi

if built; then
  echo "control plane $STAMP already built in $BIN_DIR"
  echo "$BIN_DIR"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "build.sh: 'go' is not on PATH. Install Go >= 1.26 (https://go.dev/dl/) and re-run; it is needed to build" >&2
  echo "          kube-apiserver, etcd and kwok from source." >&2
  exit 1
fi

start=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/takhin-controlplane-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
export CGO_ENABLED=0
# The build is long and CPU-bound; leave the machine usable for everything else.
go_() { nice -n 10 go "$@"; }

echo "==> resolving k8s.io/kubernetes@$K8S_VERSION"
k8s_mod=$(cd "$work" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
[[ -f $k8s_mod ]] || { echo "build.sh: could not download k8s.io/kubernetes@$K8S_VERSION" >&2; exit 1; }

required_etcd=$(awk '$1 == "go.etcd.io/etcd/server/v3" { print $2 }' "$k8s_mod")
if [[ $required_etcd != "$ETCD_VERSION" ]]; then
  echo "build.sh: k8s.io/kubernetes@$K8S_VERSION requires etcd $required_etcd but ETCD_VERSION=$ETCD_VERSION; update the pin." >&2
  exit 1
fi

# k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with ./staging paths, which a
# dependent module cannot see. Replace each with its published v0.<minor>.<patch> twin instead.
staging_version="v0.${K8S_VERSION#v1.}"
staging=$(sed -n '/^replace (/,/^)/p' "$k8s_mod" | awk '$2 == "=>" && $3 ~ /^\.\/staging\// { print $1 }')
[[ -n $staging ]] || { echo "build.sh: no staging replace block found in $k8s_mod" >&2; exit 1; }

{
  echo "module takhin.local/controlplane"
  echo
  echo "go $(awk '$1 == "go" { print $2; exit }' "$k8s_mod")"
  echo
  echo "require ("
  echo "	k8s.io/kubernetes $K8S_VERSION"
  echo "	go.etcd.io/etcd/server/v3 $ETCD_VERSION"
  echo ")"
  echo
  echo "replace ("
  for m in $staging; do echo "	$m => $m $staging_version"; done
  echo ")"
} >"$work/go.mod"

# Blank imports of the main packages so `go mod tidy` records exactly what they need (never compiled).
cat >"$work/tools.go" <<'EOF'
//go:build tools

package tools

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
EOF

echo "==> go mod tidy (wrapper module, $(wc -w <<<"$staging") staging replaces at $staging_version)"
(cd "$work" && go_ mod tidy)

# Without these the binaries report v0.0.0-master and charts' kubeVersion constraints fail.
# Same variables hack/lib/version.sh sets, in both packages that carry them.
ldflags="-s -w"
minor=${K8S_VERSION#v1.}
minor=${minor%%.*}
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done

mkdir -p "$work/bin"
echo "==> building kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, etcd (tens of minutes on 2 cores)"
(cd "$work" && go_ build -trimpath -ldflags "$ldflags" -o "$work/bin/" \
  k8s.io/kubernetes/cmd/kube-apiserver \
  k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kube-scheduler \
  k8s.io/kubernetes/cmd/kubectl \
  go.etcd.io/etcd/server/v3)
# go names a binary after the last path element that is not a major-version suffix: server/v3 -> server
mv "$work/bin/server" "$work/bin/etcd"

# kwok follows client-go v0.36 and Go 1.26, so it builds in its own module, not the wrapper above.
echo "==> building kwok $KWOK_VERSION"
(cd "$work" && GOBIN="$work/bin" go_ install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION")

# kwok does nothing without Stages. Ship its own "fast" set (what kwokctl uses: nodes Ready with leases, pods
# Running/Ready at once) from the same module version, flattened into one multi-document config file.
kwok_dir=$(cd "$work" && go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
resources() { sed -n 's/^- //p' "$1/kustomization.yaml"; }
stage_root="$kwok_dir/kustomize/stage"
for group in $(resources "$stage_root/fast"); do
  for file in $(resources "$stage_root/fast/$group"); do
    echo "---"
    cat "$stage_root/fast/$group/$file"
  done
done >"$work/bin/kwok-stages.yaml"
grep -q 'name: pod-ready' "$work/bin/kwok-stages.yaml" || { echo "build.sh: no pod-ready stage found under $stage_root" >&2; exit 1; }

mkdir -p "$BIN_DIR"
rm -f "$MARKER"
for b in kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok kwok-stages.yaml; do
  mv -f "$work/bin/$b" "$BIN_DIR/$b"
done
"$BIN_DIR/kube-apiserver" --version
"$BIN_DIR/etcd" --version | head -1
echo "$STAMP" >"$MARKER" # written last: its presence means every binary above is complete

echo "cold build took $((SECONDS - start))s"
echo "$BIN_DIR"

#!/usr/bin/env bash
# Builds the Kubernetes tools of the chart and operator tests, once per version, into
# ${SLUICE_CACHE:-$HOME/.cache/sluice}/<folder>/ (scripts/built-tools.txt lists them):
# helm and kubeconform from the Go module proxy; kube-apiserver and kubectl from the
# k8s.io/kubernetes module; etcd 3.5 from Debian trixie's etcd-server .deb, unpacked without
# installing it; kubeconform's strict schemas generated offline from the same module's OpenAPI
# document. Idempotent and safe to run concurrently (one lock); prints nothing on a warm cache.
# A cold run takes ~10 minutes on 2 cores and ~8 GB of Go build cache.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SLUICE_CACHE="${SLUICE_CACHE:-$HOME/.cache/sluice}"
MANIFEST="$ROOT/scripts/built-tools.txt"
if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then export PATH="/usr/local/go/bin:$PATH"; fi
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"

log() { printf '\033[1m[k8s-tools]\033[0m %s\n' "$*" >&2; }
field() { awk -v p="$1" -v c="$2" '$1 == p { print $c; exit }' "$MANIFEST"; }
folder() { echo "$SLUICE_CACHE/$(field "$1" 3)"; }

mkdir -p "$SLUICE_CACHE"
exec 9>"$SLUICE_CACHE/.k8s-tools.lock"
flock 9

need_go() {
  command -v go >/dev/null || { log "Go is needed to build $1 (expected at /usr/local/go/bin/go)"; exit 1; }
}

# Installs a Go command into a versioned folder; the folder appears only when the build succeeded.
go_install() { # program module-path version
  local dir; dir="$(folder "$1")"
  [ -x "$dir/$1" ] && return
  need_go "$1"
  log "building $1 v$3 (go install)"
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  GOBIN="$dir.tmp" go install "$2@v$3"
  mv "$dir.tmp" "$dir"
}

go_install helm helm.sh/helm/v4/cmd/helm "$(field helm 2)"
go_install kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$(field kubeconform 2)"

# kube-apiserver and kubectl: the k8s.io/kubernetes module replaces its ./staging modules with
# local folders that the module zip lacks, so point each replace at the published v0.x module.
K8S_VERSION="$(field kube-apiserver 2)"
K8S_DIR="$(folder kube-apiserver)"
k8s_module_dir() { go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | awk -F'"' '/"Dir":/ { print $4 }'; }
if [ ! -x "$K8S_DIR/kube-apiserver" ] || [ ! -x "$K8S_DIR/kubectl" ]; then
  need_go kube-apiserver
  log "building kube-apiserver and kubectl v$K8S_VERSION (a few minutes)"
  src="$SLUICE_CACHE/kubernetes-src-$K8S_VERSION"
  rm -rf "$src" && cp -r "$(k8s_module_dir)" "$src" && chmod -R u+w "$src"
  (
    cd "$src"
    rm -rf go.work go.work.sum vendor
    staging_version="v0.${K8S_VERSION#1.}"
    for module in $(awk '$2 == "=>" && $3 ~ /^\.\/staging\// { print $1 }' go.mod); do
      go mod edit -replace="$module=$module@$staging_version"
    done
    ldflags="-X k8s.io/component-base/version.gitVersion=v$K8S_VERSION"
    ldflags+=" -X k8s.io/component-base/version.gitMajor=${K8S_VERSION%%.*}"
    minor="${K8S_VERSION#*.}"
    ldflags+=" -X k8s.io/component-base/version.gitMinor=${minor%%.*}"
    ldflags+=" -X k8s.io/client-go/pkg/version.gitVersion=v$K8S_VERSION"
    rm -rf "$K8S_DIR.tmp" && mkdir -p "$K8S_DIR.tmp"
    GOFLAGS="$GOFLAGS -mod=mod" go build -ldflags "$ldflags" -o "$K8S_DIR.tmp/kube-apiserver" ./cmd/kube-apiserver
    GOFLAGS="$GOFLAGS -mod=mod" go build -ldflags "$ldflags" -o "$K8S_DIR.tmp/kubectl" ./cmd/kubectl
  )
  rm -rf "$K8S_DIR" && mv "$K8S_DIR.tmp" "$K8S_DIR" && rm -rf "$src"
fi

# kubeconform schemas: one strict standalone JSON Schema per kind, from the module's OpenAPI v2.
SCHEMA_DIR="$SLUICE_CACHE/kubeconform-schemas-$K8S_VERSION"
if [ ! -f "$SCHEMA_DIR/.complete" ]; then
  need_go kubeconform-schemas
  log "generating kubeconform schemas for Kubernetes v$K8S_VERSION"
  rm -rf "$SCHEMA_DIR"
  node "$ROOT/harness/kube-schemas.ts" "$(k8s_module_dir)/api/openapi-spec/swagger.json" "$SCHEMA_DIR" "v$K8S_VERSION"
  touch "$SCHEMA_DIR/.complete"
fi

# etcd 3.5: bookworm ships 3.4, so fetch trixie's etcd-server .deb through a private apt state
# (the machine's apt sources and preferences are left untouched) and unpack only the binary.
ETCD_DIR="$(folder etcd)"
ETCD_SERIES="$(field etcd 2)"
if [ ! -x "$ETCD_DIR/etcd" ]; then
  log "fetching etcd $ETCD_SERIES (Debian trixie etcd-server)"
  mirror="$(awk '/^URIs:/ { print $2; exit } /^deb / { print $2; exit }' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -n1)"
  mirror="${mirror:-http://deb.debian.org/debian}"
  apt_dir="$(mktemp -d)"
  trap 'rm -rf "$apt_dir"' EXIT
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/unpacked" "$apt_dir/none"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" >"$apt_dir/sources.list"
  apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/none"
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
    -o "Dir::Etc::Preferences=$apt_dir/none/preferences" -o "Dir::Etc::PreferencesParts=$apt_dir/none"
    -o "APT::Sandbox::User=root" -o "Debug::NoLocking=1")
  apt-get "${apt_opts[@]}" -qq update
  (cd "$apt_dir" && apt-get "${apt_opts[@]}" -qq download etcd-server)
  deb="$(ls "$apt_dir"/etcd-server_*.deb)"
  version="$(dpkg-deb -f "$deb" Version)"
  case "$version" in "$ETCD_SERIES".*) ;; *) log "trixie's etcd-server is $version, not $ETCD_SERIES.x"; exit 1 ;; esac
  dpkg-deb -x "$deb" "$apt_dir/unpacked"
  rm -rf "$ETCD_DIR.tmp" && mkdir -p "$ETCD_DIR.tmp"
  cp "$apt_dir/unpacked/usr/bin/etcd" "$ETCD_DIR.tmp/etcd"
  echo "$version" >"$ETCD_DIR.tmp/VERSION"
  mv "$ETCD_DIR.tmp" "$ETCD_DIR"
fi

#!/usr/bin/env bash
# Obtains a Docker engine and the compose CLI without a container registry, for the compose test
# (e2e/compose.test.ts) and for building the images on this kind of machine:
#   - dockerd, containerd, the docker CLI and tini from Debian trixie's .debs, unpacked (never
#     installed: `apt-get install -t trixie docker.io` would upgrade libc6 and ~50 packages), with
#     the trixie suite added to apt at a low pin so nothing else is taken from it;
#   - runc, iptables and mmdebstrap from the machine's own release (dockerd runs with
#     --iptables=false, yet sets up the embedded DNS of user-defined networks with iptables inside
#     each container's own network namespace: without it, service names do not resolve);
#   - docker compose v5.6.0 built from its Go module (go install refuses it: its go.mod has
#     exclude directives), as the CLI plugin.
# Everything lands in ${SLUICE_CACHE:-$HOME/.cache/sluice}/docker-<version>/, keyed by version.
# Idempotent and safe to run concurrently (flock). Prints the engine folder (the only stdout line).
set -euo pipefail

# Upstream versions are pinned; the Debian revision is whatever trixie carries (a point release
# replaces it on the mirror), checked against the pin and recorded in the marker.
DOCKER_VERSION="26.1.5"
CONTAINERD_VERSION="1.7.24"
COMPOSE_VERSION="5.6.0"
cache="${SLUICE_CACHE:-$HOME/.cache/sluice}"
dest="$cache/docker-$DOCKER_VERSION-compose-$COMPOSE_VERSION"
# Written last: a folder without it is a half-done install and is redone.
marker="$dest/.sluice-installed"

log() { printf 'install-docker: %s\n' "$*" >&2; }

host_ready() {
  local program
  for program in runc iptables mmdebstrap; do
    command -v "$program" >/dev/null 2>&1 || [[ -x "/usr/sbin/$program" ]] || return 1
  done
}

if [[ -f "$marker" ]] && host_ready; then
  echo "$dest"
  exit 0
fi

if [[ "$(id -u)" != 0 ]]; then
  log "run as root (it adds an apt suite and installs runc, iptables and mmdebstrap)"
  exit 1
fi

mkdir -p "$cache"
exec 9>"$cache/.docker-engine.lock"
flock 9

export DEBIAN_FRONTEND=noninteractive

# The trixie suite comes from the same mirror as the machine's own Debian sources.
trixie_sources=/etc/apt/sources.list.d/sluice-trixie.sources
trixie_pin=/etc/apt/preferences.d/sluice-trixie
ensure_trixie_suite() {
  if [[ -f "$trixie_sources" && -f "$trixie_pin" ]]; then return 0; fi
  local mirror
  mirror="$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' |
    grep -v -- '-security' | head -n1 || true)"
  if [[ -z "$mirror" ]]; then
    mirror="$(grep -h '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' |
      grep -v -- '-security' | head -n1 || true)"
  fi
  if [[ -z "$mirror" ]]; then
    log "no Debian mirror found in apt's sources"
    exit 1
  fi
  printf 'Types: deb\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$mirror" >"$trixie_sources"
  # Priority 100: trixie packages are never chosen unless asked for by name and suite.
  printf 'Package: *\nPin: release n=trixie\nPin-Priority: 100\n' >"$trixie_pin"
  apt-get update -qq
}

if ! host_ready; then
  log "installing runc, iptables and mmdebstrap"
  apt-get update -qq
  apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends \
    runc iptables mmdebstrap >/dev/null
fi

if [[ -f "$marker" ]]; then
  echo "$dest"
  exit 0
fi

tmp="$(mktemp -d "$cache/.install-docker.XXXXXX")"
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

ensure_trixie_suite
trixie_version() {
  apt-cache madison "$1" | awk -F'|' '$3 ~ /trixie/ {gsub(/ /, "", $2); print $2; exit}'
}
docker_deb="$(trixie_version docker.io)"
containerd_deb="$(trixie_version containerd)"
if [[ "$docker_deb" != "$DOCKER_VERSION+"* || "$containerd_deb" != "$CONTAINERD_VERSION~"* ]]; then
  log "trixie has docker.io '$docker_deb' and containerd '$containerd_deb';" \
    "this script pins $DOCKER_VERSION and $CONTAINERD_VERSION (update the pins after checking)"
  exit 1
fi
log "fetching docker.io and docker-cli $docker_deb, containerd $containerd_deb, tini (trixie)"
mkdir -p "$tmp/debs" "$tmp/root"
(cd "$tmp/debs" && apt-get download -qq -o APT::Sandbox::User=root "docker.io=$docker_deb" "docker-cli=$docker_deb" \
  "containerd=$containerd_deb" tini/trixie >/dev/null)
for deb in "$tmp"/debs/*.deb; do dpkg -x "$deb" "$tmp/root"; done

log "building docker compose v$COMPOSE_VERSION from its Go module"
if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
  export PATH="/usr/local/go/bin:$PATH"
fi
module_dir="$(cd "$tmp" && GOFLAGS=-mod=mod go mod download -json \
  "github.com/docker/compose/v5@v$COMPOSE_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
if [[ -z "$module_dir" || ! -d "$module_dir" ]]; then
  log "go mod download gave no module folder"
  exit 1
fi
cp -r "$module_dir" "$tmp/compose-src"
chmod -R u+w "$tmp/compose-src"
mkdir -p "$tmp/root/cli-plugins"
(cd "$tmp/compose-src" && CGO_ENABLED=0 go build -trimpath \
  -ldflags "-s -w -X github.com/docker/compose/v5/internal.Version=v$COMPOSE_VERSION" \
  -o "$tmp/root/cli-plugins/docker-compose" ./cmd)
rm -rf "$tmp/compose-src"

for program in usr/sbin/dockerd usr/bin/docker usr/bin/containerd usr/bin/containerd-shim-runc-v2 cli-plugins/docker-compose; do
  if [[ ! -x "$tmp/root/$program" ]]; then
    log "expected $program in the unpacked packages"
    exit 1
  fi
done

rm -rf "$dest"
mv "$tmp/root" "$dest"
printf 'installed %s\ndocker.io %s\ncontainerd %s\ncompose v%s\n' \
  "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$docker_deb" "$containerd_deb" "$COMPOSE_VERSION" >"$marker"
log "installed in $dest"
echo "$dest"

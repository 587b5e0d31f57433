#!/usr/bin/env bash
# Makes, in the Docker engine at $DOCKER_HOST, local stand-ins for the public base images that
# docker/*.Dockerfile and compose/compose.yaml name, from Debian packages only (mmdebstrap), for
# machines that reach no container registry (CI here). The Dockerfiles and the compose file are
# not changed: their base images are build arguments and their server images are variables, and
# e2e/compose.test.ts passes these tags. Prints one `NAME=tag` line per image on stdout.
#
#   sluice-local/debian:bookworm       for debian:12.11-slim             (runtime of `sluice`)
#   sluice-local/node-build:bookworm   for node:24.22.3-bookworm-slim    (npm for the build stages)
#   sluice-local/maven:bookworm        for maven:3.9.9-eclipse-temurin-21 (Debezium fetch stage)
#   sluice-local/jre:trixie            for eclipse-temurin:21.0.7_6-jre-noble (OpenJDK 21 is in trixie)
#   sluice-local/postgres, redis, mariadb, prometheus: docker/<server>.Dockerfile on the Debian base
#   sluice-local/grafana-stand-in      Grafana cannot be had here; a container that only sleeps
#
# The build stages' bases (node-build, maven) also trust the certificate authorities this machine
# adds in /usr/local/share/ca-certificates: here the registries are reached through a proxy
# that signs with its own CA. The runtime bases get nothing of the kind.
#
# An image is rebuilt only when its recipe changed (a label holds the recipe's hash).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
docker="${SLUICE_DOCKER:-docker}"
log() { printf 'build-base-images: %s\n' "$*" >&2; }

if ! command -v mmdebstrap >/dev/null 2>&1; then
  log "mmdebstrap is missing: run scripts/install-docker.sh (as root)"
  exit 1
fi

# The Debian mirror apt already uses (never a host name written here).
mirror="$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' |
  grep -v -- '-security' | head -n1 || true)"
if [[ -z "$mirror" ]]; then
  mirror="$(grep -h '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' |
    grep -v -- '-security' | head -n1 || true)"
fi
[[ -n "$mirror" ]] || {
  log "no Debian mirror in apt's sources"
  exit 1
}

# Recipe version: bump it when the way the bases are made changes.
RECIPE=2
extra_cas=(/usr/local/share/ca-certificates/*.crt)
[[ -e "${extra_cas[0]}" ]] || extra_cas=()
ca_hash="$(cat "${extra_cas[@]}" /dev/null | sha256sum | cut -c1-16)"

# current <tag> <hash>: true when the image exists with that hash label.
current() {
  [[ "$("$docker" image inspect --format '{{ index .Config.Labels "org.sluice.recipe" }}' "$1" 2>/dev/null)" == "$2" ]]
}

# debian_base <tag> <suite> <with-cas: yes|no> [packages...]: mmdebstrap → docker import.
debian_base() {
  local tag="$1" suite="$2" with_cas="$3" include recipe
  shift 3
  include="$(
    IFS=,
    echo "$*"
  )"
  recipe="$(printf '%s|%s|%s|%s' "$RECIPE" "$suite" "$include" \
    "$([[ "$with_cas" == yes ]] && echo "$ca_hash")" | sha256sum | cut -c1-16)"
  if current "$tag" "$recipe"; then return 0; fi
  log "making $tag (Debian $suite${include:+ + $include})"
  local tar hooks=() changes=()
  tar="$(mktemp --suffix=.tar)"
  if [[ "$with_cas" == yes && ${#extra_cas[@]} -gt 0 ]]; then
    # Before the packages install, so that ca-certificates (and Java's trust store) take them in.
    hooks+=(--setup-hook='mkdir -p "$1/usr/local/share/ca-certificates"')
    for ca in "${extra_cas[@]}"; do
      hooks+=(--setup-hook="copy-in $ca /usr/local/share/ca-certificates")
    done
    changes+=(--change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt')
  fi
  # minbase: apt and dpkg but no recommends; the apt lists are dropped as slim images do.
  mmdebstrap --quiet --variant=minbase ${include:+--include="$include"} \
    --aptopt='APT::Install-Recommends "false"' "${hooks[@]}" \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
    "$suite" "$tar" "$mirror" >&2
  "$docker" import \
    --change "LABEL org.sluice.recipe=$recipe" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "${changes[@]}" \
    --change 'CMD ["bash"]' \
    "$tar" "$tag" >/dev/null
  rm -f "$tar"
}

# server_image <tag> <dockerfile> <base>: a docker/<server>.Dockerfile built on a local base.
server_image() {
  local tag="$1" dockerfile="$2" base="$3" hash
  local inputs=("$root/$dockerfile")
  # The Dockerfile and the scripts it copies (docker/<server>-*.sh), if any.
  for file in "$root"/docker/"$(basename "$dockerfile" .Dockerfile)"-*.sh; do
    [[ -e "$file" ]] && inputs+=("$file")
  done
  hash="$( (
    echo "$RECIPE $base"
    cat "${inputs[@]}"
  ) | sha256sum | cut -c1-16)"
  if current "$tag" "$hash"; then return 0; fi
  log "building $tag from $dockerfile"
  DOCKER_BUILDKIT=0 "$docker" build --quiet --network host \
    --build-arg "BASE_IMAGE=$base" --label "org.sluice.recipe=$hash" \
    -f "$root/$dockerfile" -t "$tag" "$root/docker" >/dev/null
}

debian_base sluice-local/debian:bookworm bookworm no
debian_base sluice-local/node-build:bookworm bookworm yes ca-certificates nodejs npm
debian_base sluice-local/maven:bookworm bookworm yes ca-certificates maven openjdk-17-jdk-headless
debian_base sluice-local/jre:trixie trixie no ca-certificates openjdk-21-jre-headless

stand_in="$(printf 'FROM sluice-local/debian:bookworm\nSTOPSIGNAL SIGKILL\nENTRYPOINT ["sleep", "infinity"]\n')"
stand_in_hash="$(printf '%s %s' "$RECIPE" "$stand_in" | sha256sum | cut -c1-16)"
if ! current sluice-local/grafana-stand-in:ci "$stand_in_hash"; then
  log "making sluice-local/grafana-stand-in:ci"
  # The Debian base plus an entry point that only sleeps (SIGKILL stops it at once).
  printf '%s\nLABEL org.sluice.recipe=%s\n' "$stand_in" "$stand_in_hash" |
    DOCKER_BUILDKIT=0 "$docker" build --quiet -t sluice-local/grafana-stand-in:ci - >/dev/null
fi

server_image sluice-local/postgres:15 docker/postgres.Dockerfile sluice-local/debian:bookworm
server_image sluice-local/redis:7.0 docker/redis.Dockerfile sluice-local/debian:bookworm
server_image sluice-local/mariadb:10.11 docker/mariadb.Dockerfile sluice-local/debian:bookworm
server_image sluice-local/prometheus:2.42 docker/prometheus.Dockerfile sluice-local/debian:bookworm

cat <<EOF
SLUICE_RUNTIME_IMAGE=sluice-local/debian:bookworm
SLUICE_NODE_BUILD_IMAGE=sluice-local/node-build:bookworm
SLUICE_MAVEN_IMAGE=sluice-local/maven:bookworm
SLUICE_JRE_IMAGE=sluice-local/jre:trixie
SLUICE_POSTGRES_IMAGE=sluice-local/postgres:15
SLUICE_REDIS_IMAGE=sluice-local/redis:7.0
SLUICE_MARIADB_IMAGE=sluice-local/mariadb:10.11
SLUICE_PROMETHEUS_IMAGE=sluice-local/prometheus:2.42
SLUICE_GRAFANA_STAND_IN=sluice-local/grafana-stand-in:ci
EOF

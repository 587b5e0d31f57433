#!/usr/bin/env bash
# Builds Sluice's Debezium extensions (collector/java/sluice-debezium-extensions: the compact type
# descriptor transformation and the bit varying converter, docs/types.md) with Maven, once per
# version of their sources: the jar is cached outside the repository under a hash of the module.
# Prints the jar's path (the only line on stdout); debezium-config/launch-extensions.ts puts it
# on Debezium Server's classpath. Safe to run concurrently (flock).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
module="$root/collector/java/sluice-debezium-extensions"
cache="${SLUICE_CACHE:-$HOME/.cache/sluice}/debezium-extensions"

hash="$(cd "$module" && find pom.xml src -type f -print0 | sort -z | xargs -0 sha256sum |
  sha256sum | cut -c1-16)"
jar="$cache/sluice-debezium-extensions-$hash.jar"

if [[ ! -f "$jar" ]]; then
  mkdir -p "$cache"
  exec 9>"$cache/.build.lock"
  if command -v flock >/dev/null; then flock 9; fi
fi
if [[ ! -f "$jar" ]]; then
  if ! command -v mvn >/dev/null; then
    echo "build-debezium-extensions: Maven (mvn) is needed; run scripts/install-system-deps.sh or apt-get install maven" >&2
    exit 1
  fi
  if [[ -z "${JAVA_HOME:-}" ]]; then
    java_bin="$("$root/debezium-config/find-java.sh" 17)"
    JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$java_bin")")")"
    export JAVA_HOME
  fi
  # Built in a copy: the repository stays free of target/ and several checkouts may share the cache.
  tmp="$(mktemp -d "$cache/.build.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  cp -R "$module/pom.xml" "$module/src" "$tmp/"
  echo "build-debezium-extensions: building $jar" >&2
  mvn -B -q -Dstyle.color=never -f "$tmp/pom.xml" package >&2
  mv "$tmp/target/sluice-debezium-extensions.jar" "$jar"
fi

echo "$jar"

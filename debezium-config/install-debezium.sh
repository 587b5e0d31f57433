#!/usr/bin/env bash
# Obtains the Debezium Server distribution from Maven Central and unpacks it into a cache
# outside the repository; prints the distribution folder (the only line on stdout).
# Idempotent and fast when already installed; safe to run concurrently (flock).
set -euo pipefail

version="${DEBEZIUM_VERSION:-3.6.1.Final}"
cache="${SLUICE_CACHE:-$HOME/.cache/sluice}"
dest="$cache/debezium-server-$version"
# Written last: a folder without it is a half-done unpack and is redone.
marker="$dest/.sluice-installed"

# Sluice's own extensions (the type descriptor transformation, the bit varying converter) are
# built now, so that the first start of Debezium does not wait for Maven; the launcher puts them
# on the classpath (debezium-config/launch-extensions.ts). Rebuilt when their sources change.
install_extensions() {
  bash "$(dirname "$0")/../scripts/build-debezium-extensions.sh" >/dev/null
}

if [[ -f "$marker" ]]; then
  install_extensions
  echo "$dest"
  exit 0
fi

mkdir -p "$cache"
exec 9>"$cache/.debezium-server-$version.lock"
if command -v flock >/dev/null; then flock 9; fi
# Another run may have finished the install while this one waited for the lock.
if [[ -f "$marker" ]]; then
  install_extensions
  echo "$dest"
  exit 0
fi

if ! command -v mvn >/dev/null; then
  echo "install-debezium: Maven (mvn) is needed to fetch Debezium Server; run scripts/install-system-deps.sh or apt-get install maven" >&2
  exit 1
fi
# Maven runs on any Java 8+; only when no java is reachable do we lend it the one Debezium uses.
if [[ -z "${JAVA_HOME:-}" ]] && ! command -v java >/dev/null; then
  java_bin="$("$(dirname "$0")/find-java.sh")"
  JAVA_HOME="$(dirname "$(dirname "$java_bin")")"
  export JAVA_HOME
fi

# The temp folder sits in the cache so the final `mv` is a rename on the same filesystem.
tmp="$(mktemp -d "$cache/.install-debezium.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

echo "install-debezium: fetching io.debezium:debezium-server-dist:$version:tar.gz (about 800 MB)" >&2
mvn -B -q -Dstyle.color=never \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
  -Dartifact="io.debezium:debezium-server-dist:$version:tar.gz" \
  -DoutputDirectory="$tmp" >&2

tarball="$tmp/debezium-server-dist-$version.tar.gz"
tar -xzf "$tarball" -C "$tmp"
rm -f "$tarball"
if [[ ! -d "$tmp/debezium-server/lib" ]]; then
  echo "install-debezium: unexpected archive layout (no debezium-server/lib)" >&2
  exit 1
fi

rm -rf "$dest"
mv "$tmp/debezium-server" "$dest"
date -u +%Y-%m-%dT%H:%M:%SZ >"$marker"
install_extensions
echo "install-debezium: installed Debezium Server $version in $dest" >&2
echo "$dest"

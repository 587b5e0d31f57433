#!/usr/bin/env bash
# Prints the path of a `java` binary able to run Debezium Server 3.6 (Java 21 or newer).
# Looks at $JAVA_HOME, then the highest JDK under /usr/lib/jvm, then `java` on PATH.
# Usage: find-java.sh [minimum-major-version]   (default 21)
set -euo pipefail

min_major="${1:-21}"

# Major version of a java binary: the JDK's `release` file is read when present because
# starting a JVM only to ask its version costs ~100 ms per candidate.
java_major() {
  local bin="$1" home version
  home="$(dirname "$(dirname "$(readlink -f "$bin")")")"
  version=""
  if [[ -r "$home/release" ]]; then
    version="$(sed -n 's/^JAVA_VERSION="\(.*\)"$/\1/p' "$home/release")"
  fi
  if [[ -z "$version" ]]; then
    version="$("$bin" -version 2>&1 | sed -n '1s/.*version "\([^"]*\)".*/\1/p')" || true
  fi
  # "1.8.0_202" means 8; "21.0.5", "21-ea" and "25" mean 21, 21 and 25.
  if [[ "$version" == 1.* ]]; then version="${version#1.}"; fi
  version="${version%%[!0-9]*}"
  echo "${version:-0}"
}

usable() {
  [[ -x "$1" ]] && (($(java_major "$1") >= min_major))
}

if [[ -n "${JAVA_HOME:-}" ]]; then
  if usable "$JAVA_HOME/bin/java"; then
    echo "$JAVA_HOME/bin/java"
    exit 0
  fi
  echo "find-java: ignoring JAVA_HOME=$JAVA_HOME (no java $min_major+ there)" >&2
fi

best="" best_major=0
for bin in /usr/lib/jvm/*/bin/java; do
  [[ -x "$bin" ]] || continue
  major="$(java_major "$bin")"
  if ((major >= min_major && major > best_major)); then
    best="$bin" best_major="$major"
  fi
done
if [[ -n "$best" ]]; then
  echo "$best"
  exit 0
fi

if on_path="$(command -v java)" && usable "$on_path"; then
  echo "$on_path"
  exit 0
fi

cat >&2 <<EOF
find-java: no Java $min_major or newer found (Debezium Server 3.6 needs Java 21+).
Looked at \$JAVA_HOME, /usr/lib/jvm/*/bin/java and \`java\` on PATH.
Install one, e.g.  apt-get install openjdk-21-jdk-headless  (Debian 13 / Ubuntu 24.04),
or a Temurin 21+ JDK from https://adoptium.net, then set JAVA_HOME to its folder.
EOF
exit 1

#!/usr/bin/env bash
# Installs the system packages Sluice's scripts, tests, demo and benchmarks start (Debian/Ubuntu):
# every program listed in scripts/system-deps.txt, and a Java 21+ for Debezium Server.
# Does nothing when all are present. As root it apt-get installs what is missing without leaving
# the default services running (the harness starts its own instances); otherwise it lists what
# to install and fails.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
find_java="$here/../debezium-config/find-java.sh"
manifest="$here/system-deps.txt"

# A program counts as present on PATH, in /usr/sbin (not on a normal user's PATH) or, for the
# PostgreSQL server binaries, under Debian's /usr/lib/postgresql/<major>/bin.
present() {
  local program="$1" path
  if command -v "$program" >/dev/null 2>&1; then return 0; fi
  for path in /usr/sbin/"$program" /usr/lib/postgresql/*/bin/"$program"; do
    if [[ -x "$path" ]]; then return 0; fi
  done
  return 1
}

missing=()
while read -r program package _; do
  [[ -z "$program" || "$program" == \#* ]] && continue
  if ! present "$program" && [[ " ${missing[*]-} " != *" $package "* ]]; then
    missing+=("$package")
  fi
done <"$manifest"

java_package=""
if ! "$find_java" >/dev/null 2>&1; then
  java_package="openjdk-21-jdk-headless"
fi

if ((${#missing[@]} == 0)) && [[ -z "$java_package" ]]; then
  echo "install-system-deps: everything is installed ($("$find_java"))"
  exit 0
fi

if [[ "$(id -u)" != 0 ]]; then
  echo "install-system-deps: missing: ${missing[*]-}${java_package:+ $java_package}" >&2
  echo "Run this script as root, or: sudo apt-get install -y ${missing[*]-}${java_package:+ $java_package}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq

if [[ -n "$java_package" ]]; then
  if apt-cache show "$java_package" >/dev/null 2>&1; then
    missing+=("$java_package")
  else
    echo "install-system-deps: no Java 21+ found and apt has no $java_package on this release." >&2
    echo "Install a JDK 21+ (e.g. Temurin) under /usr/lib/jvm or set JAVA_HOME, then run this script again." >&2
    if ((${#missing[@]} == 0)); then exit 1; fi
    java_unavailable=1
  fi
fi

# A policy-rc.d that answers 101 stops maintainer scripts from starting the services they
# install; the default instances would hold ports 5432/3306/6379/9090 and waste memory.
policy=/usr/sbin/policy-rc.d
own_policy=""
if [[ ! -e "$policy" ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  own_policy=1
fi
cleanup() { if [[ -n "$own_policy" ]]; then rm -f "$policy"; fi; }
trap cleanup EXIT

echo "install-system-deps: installing ${missing[*]}"
apt-get install -y -qq --no-install-recommends "${missing[@]}"

# A pre-existing policy-rc.d may allow starts: stop the services of what was just installed.
for package in "${missing[@]}"; do
  case "$package" in
    postgresql) service=postgresql ;;
    mariadb-server) service=mariadb ;;
    redis-server) service=redis-server ;;
    prometheus) service=prometheus ;;
    *) continue ;;
  esac
  if command -v service >/dev/null 2>&1; then service "$service" stop >/dev/null 2>&1 || true; fi
done

if [[ -n "${java_unavailable:-}" ]]; then exit 1; fi
"$find_java" >/dev/null
echo "install-system-deps: done ($("$find_java"))"

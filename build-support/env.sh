# Sourced by ./run-tests, ./run-local, ./bench and bin/*: picks a JDK 21+ and checks the tools.
# shellcheck shell=bash

# A JDK whose major version is at least 21: JAVA_HOME if it qualifies, else the newest under
# /usr/lib/jvm (our machines have the default JDK 17 and a Temurin JDK 25 side by side).
java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1
}

select_jdk() {
  local candidate major best="" best_major=0
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/* /opt/java/* /usr/local/java/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(java_major "$candidate")
    major=${major%%.*}
    [[ "$major" =~ ^[0-9]+$ ]] || continue
    if [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best="$candidate"
      best_major=$major
    fi
  done
  if [ -z "$best" ]; then
    echo "error: no JDK 21 or newer found (JAVA_HOME, /usr/lib/jvm). Install one, e.g. Temurin 21 or 25, and set JAVA_HOME." >&2
    return 1
  fi
  export JAVA_HOME="$best"
  export PATH="$JAVA_HOME/bin:$PATH"
}

need() {
  command -v "$1" >/dev/null 2>&1
}

# moto_server and cfn-lint come from PyPI; install them when missing (CI runs as root).
ensure_python_tools() {
  local missing=()
  need moto_server || missing+=("moto[server]")
  need cfn-lint || missing+=("cfn-lint")
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} with pip" >&2
    python3 -m pip install --quiet "${missing[@]}" || {
      echo "error: could not install ${missing[*]}: run: python3 -m pip install ${missing[*]}" >&2
      return 1
    }
    hash -r
  fi
}

# Node.js 20+ runs the EdgeWorker tests and the local edge.
ensure_node() {
  if ! need node; then
    if [ "$(id -u)" = 0 ] && need apt-get; then
      echo "installing nodejs with apt-get" >&2
      apt-get update -qq && apt-get install -y -qq nodejs >/dev/null
    fi
  fi
  need node || { echo "error: Node.js 20+ is needed (https://nodejs.org or your package manager)" >&2; return 1; }
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] || { echo "error: Node.js $major found, 20+ needed" >&2; return 1; }
}

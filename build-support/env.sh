# Sourced by ./run-tests, ./run-local, ./bench and bin/*: picks a JDK 21+ and checks the tools.
# shellcheck shell=bash

# the job pool below uses `wait -n -p` (bash 5.1); run-tests checks it up front for its steps
require_bash_5_1() {
  if [ "${BASH_VERSINFO[0]}" -lt 5 ] || { [ "${BASH_VERSINFO[0]}" -eq 5 ] && [ "${BASH_VERSINFO[1]}" -lt 1 ]; }; then
    echo "$(basename "$0"): needs bash 5.1 or newer (this is $BASH_VERSION)" >&2
    exit 2
  fi
}

# script_help FILE: the comment block at the top of FILE (after the #! line), without the '# '
script_help() {
  awk 'NR > 1 { if (!/^#/) exit; sub(/^# ?/, ""); print }' "$1"
}

# A pool of background jobs (bin/fuzz, model/check): at most SIZE at once, each in a process group
# of its own, so that stopping a job stops everything it started; a job's output goes to a file that
# is printed when the job ends. Ctrl-C or TERM end the script by that signal; its EXIT trap must
# call pool_stop.
#   pool_init SIZE;  pool_run OUTPUT_FILE COMMAND...;  pool_finish   (then: $pool_passed, $pool_failed)
declare -A pool_jobs=()  # pid (= process group) -> the job's output file
pool_init() {
  pool_size="$1" pool_passed=0 pool_failed=0
  pool_jobs=()
  trap 'trap - INT; kill -INT $$' INT    # re-raised: a caller sees the run end by the signal
  trap 'trap - TERM; kill -TERM $$' TERM
  set -m
}
pool_run() {
  local output="$1"; shift
  while [ "${#pool_jobs[@]}" -ge "$pool_size" ]; do pool_collect; done
  { set +m; "$@"; } >"$output" 2>&1 &  # the pool's job control is not the job's
  pool_jobs[$!]="$output"
}
pool_collect() {
  local pid="" status=0
  wait -n -p pid || status=$?
  [ -n "$pid" ] || { echo "$(basename "$0"): lost track of a running job" >&2; exit 1; }
  cat "${pool_jobs[$pid]}"
  if [ "$status" -eq 0 ]; then pool_passed=$((pool_passed + 1)); else pool_failed=$((pool_failed + 1)); fi
  unset "pool_jobs[$pid]"
}
pool_finish() {
  while [ "${#pool_jobs[@]}" -gt 0 ]; do pool_collect; done
  set +m
}
pool_stop() {
  local pid
  for pid in "${!pool_jobs[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true  # (quietly: no job-control notices)
}

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

# moto_server and cfn-lint, pinned in requirements-dev.txt. Used from PATH when python3 there has
# exactly the pinned versions; otherwise installed into the project venv .venv/ (never into the
# system Python: PEP 668 refuses that on Debian 12 / Ubuntu 24.04 anyway), which then goes first
# on PATH. Idempotent and quiet; re-installs when requirements-dev.txt changes.
python_tools_pinned() {
  # the "name==version" lines of requirements-dev.txt as "name version" (extras dropped)
  sed -n 's/^\([A-Za-z0-9_.-]*\)\(\[[^]]*\]\)\{0,1\}==\([^ ;#]*\).*/\1 \3/p' "$1"
}

python_tools_match() {
  # python_tools_match <requirements>: the tools on PATH are the pinned ones
  need moto_server && need cfn-lint && need python3 || return 1
  local want have
  want=$(python_tools_pinned "$1" | tr '\n' ' ')
  have=$(python3 -c 'import sys
from importlib.metadata import version
names = sys.argv[1].split()[0::2]
print("".join(n + " " + version(n) + " " for n in names))' "$want" 2>/dev/null) || return 1
  [ "$want" = "$have" ]
}

ensure_python_tools() {
  local root venv requirements stamp
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  venv="$root/.venv"
  requirements="$root/requirements-dev.txt"
  stamp="$venv/.requirements-dev.txt"
  if [ -x "$venv/bin/moto_server" ] && [ -x "$venv/bin/cfn-lint" ] && cmp -s "$requirements" "$stamp"; then
    export PATH="$venv/bin:$PATH"
    return 0
  fi
  if python_tools_match "$requirements"; then
    return 0
  fi
  need python3 || { echo "error: Python 3 is needed for moto and cfn-lint (e.g. apt-get install python3 python3-venv)" >&2; return 1; }
  if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && need apt-get; then
    echo "installing python3-venv with apt-get" >&2
    apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
  fi
  echo "installing $(python_tools_pinned "$requirements" | tr ' \n' '= ' | sed 's/ $//') into $venv (requirements-dev.txt)" >&2
  { [ -x "$venv/bin/python" ] || python3 -m venv "$venv"; } &&
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" || {
      echo "error: could not install requirements-dev.txt into $venv: run: python3 -m venv .venv && .venv/bin/pip install -r requirements-dev.txt" >&2
      return 1
    }
  cp "$requirements" "$stamp"
  export PATH="$venv/bin:$PATH"
  hash -r
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

# Debian's chromium drives the local page's browser test (headless; playwright-core finds it at
# /usr/bin/chromium or CHROMIUM_PATH). Installed with apt-get when missing and running as root.
ensure_chromium() {
  local path="${CHROMIUM_PATH:-/usr/bin/chromium}"
  if [ ! -x "$path" ] && [ "$(id -u)" = 0 ] && need apt-get; then
    echo "installing chromium with apt-get" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || {
      echo "error: could not install chromium: run: apt-get install chromium" >&2
      return 1
    }
  fi
  [ -x "$path" ] || { echo "error: chromium not found at $path (apt-get install chromium, or set CHROMIUM_PATH)" >&2; return 1; }
}

# playwright-core (pinned in local-tools/browser-test/package.json and its lock file) into that
# folder's own node_modules; reinstalled when the lock file changes. It never downloads a browser.
ensure_browser_test_deps() {
  local dir=local-tools/browser-test
  local stamp="$dir/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$dir/package-lock.json" -nt "$stamp" ]; then
    echo "installing $dir dependencies with npm ci" >&2
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || {
      echo "error: npm ci failed in $dir" >&2
      return 1
    }
  fi
}

# spin (and gcc) model-check the rotation protocol (model/check); install them when missing.
ensure_spin() {
  if ! need spin || ! need gcc; then
    if [ "$(id -u)" = 0 ] && need apt-get; then
      echo "installing spin and gcc with apt-get" >&2
      apt-get update -qq && apt-get install -y -qq spin gcc >/dev/null
    fi
  fi
  need spin && need gcc || { echo "error: spin and gcc are needed for model/check (Debian: apt-get install spin gcc)" >&2; return 1; }
}

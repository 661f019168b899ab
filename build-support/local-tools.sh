# Sourced by bin/* and ./run-local: builds what the local tools need when it is missing or older
# than the sources (saying what it does), then runs a local-tools main class.
# shellcheck shell=bash

LOCAL_TOOLS_MARKER=local-tools/target/lib

local_tools_stale() {
  [ "${REBUILD:-}" = 1 ] && return 0
  [ "${REBUILD:-}" = 0 ] && return 1
  [ -d "$LOCAL_TOOLS_MARKER" ] || return 0
  local fn
  for fn in authorizer-fn log-ingest-fn key-rotation-fn; do
    [ -f "$fn/target/$fn.zip" ] || return 0
  done
  [ -n "$(find shared test-support local-tools authorizer-fn log-ingest-fn key-rotation-fn \
      \( -path '*/src/main/*' -o -name pom.xml \) -newer "$LOCAL_TOOLS_MARKER" -print -quit 2>/dev/null)" ] ||
    [ pom.xml -nt "$LOCAL_TOOLS_MARKER" ]
}

# Builds the function zips and the local tools (Maven reactor, no tests, nothing installed into
# ~/.m2), printing one line per module as it goes.
build_local_tools() {
  if local_tools_stale; then
    local started=$SECONDS
    echo "building the functions and the local tools (./mvnw -DskipTests package -pl local-tools -am) ..." >&2
    set -o pipefail
    if ! ./mvnw -B -ntp -DskipTests package -pl local-tools -am 2>&1 |
        sed -un -e 's/^\[INFO\] Building \(.*\) \[\([0-9]*\/[0-9]*\)\]$/  [\2] \1/p' \
          -e '/^\[ERROR\]/p' -e '/BUILD FAILURE/p' >&2; then
      echo "build failed: run ./mvnw -B -DskipTests package -pl local-tools -am to see why" >&2
      return 1
    fi
    touch "$LOCAL_TOOLS_MARKER"
    echo "built in $((SECONDS - started)) s" >&2
  fi
}

run_local_tool() {
  local main_class=$1
  shift
  build_local_tools
  exec java -Dslf4j.internal.verbosity=ERROR -cp "local-tools/target/classes:local-tools/target/lib/*" "$main_class" "$@"
}

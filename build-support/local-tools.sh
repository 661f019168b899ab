# Sourced by bin/* and ./run-local: builds what the local tools need when it is missing or older
# than the sources, then runs a local-tools main class.
# shellcheck shell=bash

LOCAL_TOOLS_MARKER=local-tools/target/lib

local_tools_stale() {
  [ -d "$LOCAL_TOOLS_MARKER" ] || return 0
  local fn
  for fn in authorizer-fn log-ingest-fn key-rotation-fn; do
    [ -f "$fn/target/$fn.zip" ] || return 0
  done
  [ -n "$(find shared test-support local-tools authorizer-fn log-ingest-fn key-rotation-fn \
      -path '*/src/main/*' -newer "$LOCAL_TOOLS_MARKER" -print -quit 2>/dev/null)" ]
}

build_local_tools() {
  if local_tools_stale; then
    echo "building the functions and local tools (./mvnw -q -DskipTests install) ..." >&2
    ./mvnw -B -q -DskipTests install >&2
    touch "$LOCAL_TOOLS_MARKER"
  fi
}

run_local_tool() {
  local main_class=$1
  shift
  build_local_tools
  exec java -cp "local-tools/target/classes:local-tools/target/lib/*" "$main_class" "$@"
}

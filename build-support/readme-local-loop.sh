#!/usr/bin/env bash
# Walks the README's local loop as a newcomer would and checks that each command does what the text
# next to it says (./run-tests runs it after the build). The commands are read from README.md itself:
# the bash block under "### Without Docker" and the env.json and invoke lines under
# "### With SAM CLI and Docker" (sam local invoke is replaced by bin/local-invoke, which takes the
# same arguments: SAM and Docker are not on CI machines).
#
#   build-support/readme-local-loop.sh        exit 0 when every step held, 1 otherwise
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=build-support/env.sh
. build-support/env.sh
select_jdk
ensure_python_tools
ensure_node

work=$(mktemp -d)
export EDGE_PERIMETER_LOCAL_RUN="$work/local-run"  # keeps a developer's own ./run-local apart
export REBUILD=0                                     # ./run-tests has just built everything
run_local_pid=""
failures=0
cleanup() {
  if [ -n "$run_local_pid" ] && kill -0 "$run_local_pid" 2>/dev/null; then
    kill "$run_local_pid" 2>/dev/null || true
    wait "$run_local_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

step() { echo "-- $*"; }
ok() { echo "   ok: $*"; }
fail() {
  echo "   FAILED: $*"
  failures=$((failures + 1))
}

# The README's code blocks, by the heading they follow.
block() {
  awk -v heading="$1" '
    index($0, heading) == 1 { in_section = 1; next }
    in_section && /^#/ { exit }
    in_section && /^```bash/ { in_block = 1; next }
    in_block && /^```/ { exit }
    in_block { print }' README.md
}
without_docker=$(block "### Without Docker")
with_sam=$(block "### With SAM CLI and Docker")
[ -n "$without_docker" ] || { echo "README.md: no bash block under '### Without Docker'" >&2; exit 1; }
[ -n "$with_sam" ] || { echo "README.md: no bash block under '### With SAM CLI and Docker'" >&2; exit 1; }

command_of() { sed 's/[[:space:]]*#.*$//' <<<"$1"; }

# 1. ./run-local, as the SAM block starts it (moto on every interface, a fixed port), with a free port.
moto_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run_local=$(grep -m1 '^\./run-local' <<<"$with_sam")
run_local=$(command_of "$run_local")
run_local=${run_local//5000/$moto_port}
step "$run_local"
# shellcheck disable=SC2086
$run_local >"$work/run-local.log" 2>&1 &
run_local_pid=$!
for _ in $(seq 1 600); do
  grep -q '^ready in [0-9.]* s$' "$work/run-local.log" && break
  kill -0 "$run_local_pid" 2>/dev/null || break
  sleep 0.5
done
if grep -q '^ready in [0-9.]* s$' "$work/run-local.log"; then
  ok "$(grep '^ready in' "$work/run-local.log") (state in $EDGE_PERIMETER_LOCAL_RUN)"
else
  fail "./run-local did not print 'ready in N s':"
  tail -40 "$work/run-local.log"
  exit 1
fi
[ -f "$EDGE_PERIMETER_LOCAL_RUN/state.json" ] && ok "wrote state.json" || fail "no state.json"
grep -q "\"awsEndpoint\" : \"http://127.0.0.1:$moto_port\"" "$EDGE_PERIMETER_LOCAL_RUN/state.json" &&
  ok "moto on the fixed port $moto_port" || fail "moto is not on port $moto_port"

# 2. The Docker-free commands, in the README's order; what each must print.
expect_for() {
  case "$1" in
    bin/fresh-events*) echo 'target/fresh-events/authorizer/rest-request.json' ;;
    bin/local-invoke\ AuthorizerFunction*) echo '"Effect":"Allow"' ;;
    bin/local-invoke\ KeyRotationFunction*status*) echo '"state":"CURRENT"' ;;
    bin/local-invoke\ LogIngestFunction*) echo '"statusCode":200' ;;
    *) echo '' ;;
  esac
}
while IFS= read -r line; do
  cmd=$(command_of "$line")
  case "$cmd" in ''|./run-local*) continue ;; esac
  step "$cmd"
  expected=$(expect_for "$cmd")
  [ -n "$expected" ] || { fail "no expectation for this README line (add one to $0)"; continue; }
  if out=$(bash -c "$cmd" 2>"$work/stderr"); then
    grep -qF -- "$expected" <<<"$out" && ok "prints $expected" || { fail "stdout lacks $expected"; head -c 800 <<<"$out"; echo; }
  else
    fail "exit $?"
    head -c 800 <<<"$out"; echo
    tail -20 "$work/stderr"
  fi
done <<<"$without_docker"

# 3. The SAM recipe's env.json, exactly as written, through bin/local-invoke (the container's
#    host.docker.internal is this machine's loopback).
env_json=$(awk '/^cat > env.json <<.JSON.$/ { f = 1; next } f && /^JSON$/ { exit } f { print }' <<<"$with_sam")
invoke=$(awk '/^sam local invoke/ { line = $0; while (line ~ /\\$/) { sub(/\\$/, "", line); getline next_line; line = line next_line } print line; exit }' <<<"$with_sam")
python3 -c 'import json, sys; json.loads(sys.argv[1])' "$env_json" || fail "the README's env.json is not JSON"
sed -e "s/host.docker.internal:5000/127.0.0.1:$moto_port/" <<<"$env_json" >"$work/env.json"
cmd="bin/local-invoke ${invoke#sam local invoke }"
cmd=${cmd//-n env.json/-n $work/env.json}
step "$cmd   (the README's sam local invoke line)"
if out=$(bash -c "$cmd" 2>"$work/stderr"); then
  grep -qF '"Effect":"Allow"' <<<"$out" && ok "prints an Allow policy" || { fail "no Allow policy"; head -c 800 <<<"$out"; echo; }
else
  fail "exit $?"; head -c 800 <<<"$out"; echo; tail -20 "$work/stderr"
fi

# 4. Without ./run-local the tools say in one line what to run, and stop (no real AWS).
kill "$run_local_pid"
wait "$run_local_pid" 2>/dev/null || true
run_local_pid=""
[ ! -f "$EDGE_PERIMETER_LOCAL_RUN/state.json" ] && ok "./run-local removed its state on exit" || fail "state.json left behind"
for cmd in "bin/local-invoke KeyRotationFunction -e events/key-rotation/status.json" "bin/fresh-events"; do
  step "$cmd   (./run-local stopped)"
  set +e
  env -u AWS_ENDPOINT_URL bash -c "$cmd" >"$work/stdout" 2>"$work/stderr"
  code=$?
  set -e
  lines=$(grep -c . "$work/stderr" || true)
  if [ "$code" = 2 ] && [ "$lines" = 1 ] && grep -q './run-local' "$work/stderr"; then
    ok "exit 2: $(cat "$work/stderr")"
  else
    fail "expected exit 2 and one line naming ./run-local, got exit $code:"
    cat "$work/stderr"
  fi
done

if [ "$failures" -gt 0 ]; then
  echo "README local loop: $failures step(s) did not do what the README says"
  exit 1
fi
echo "README local loop: every command did what the README says"

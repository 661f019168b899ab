#!/usr/bin/env bash
# Checks ./run-tests itself, with every step replaced by a stand-in of a second or less: it passes
# when every step passes; it fails (exit 1, the step marked FAILED in the summary) when any one
# step fails, in the lanes and with --serial; a failed build marks the steps that need it NOT RUN
# and the others still run; Ctrl-C and TERM stop every lane and leave no step running.
# ./run-tests runs this in its check lane (about 40 s on a busy 2-core machine).
#
#   build-support/run-tests-selftest.sh      exit 0 when every case held, 1 otherwise
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${RUN_TESTS_SELFTEST:-}" ]; then
  echo "run-tests-selftest: started by its own stand-in run (the stand-in steps were not used)" >&2
  exit 1
fi
export RUN_TESTS_SELFTEST=1

work=$(mktemp -d)
signalled=""
trap '[ -z "$signalled" ] || kill -TERM -- "-$signalled" 2>/dev/null || true; rm -rf "$work"' EXIT
failures=0
ok() { echo "ok     $*"; }
fail() { echo "FAILED $*"; failures=$((failures + 1)); }

# every step of ./run-tests (this one too: the stand-in replaces it, so the self-test never recurses)
steps=($(sed -n 's/^all_steps=(\(.*\))$/\1/p' run-tests))
[ "${#steps[@]}" -gt 5 ] && [[ " ${steps[*]} " == *" run_tests_selftest "* ]] ||
  { echo "run-tests-selftest: cannot read all_steps=(...) from ./run-tests" >&2; exit 1; }
# each stand-in prints its name, fails when it is named in FAIL_STEP, and sleeps (300 s) when it
# is named in HANG_STEP (a marker process, so that the test can see whether it is still running)
for step in "${steps[@]}"; do
  cat >>"$work/steps.sh" <<EOF
step_$step() {
  echo "stand-in $step"
  echo $step >>"$work/ran"
  if [ "\${HANG_STEP:-}" = $step ]; then sleep 300 & echo \$! >"$work/hung.pid"; wait; fi
  [ "\${FAIL_STEP:-}" != $step ]
}
EOF
done

# run_case NAME EXPECTED_EXIT [--serial] [VAR=VALUE ...]: runs ./run-tests with the stand-ins
run_case() {
  local name="$1" expected="$2"; shift 2
  local args=() vars=()
  for a in "$@"; do
    case "$a" in --*) args+=("$a") ;; *) vars+=("$a") ;; esac
  done
  local status=0
  rm -f "$work/ran"
  env RUN_TESTS_STEPS="$work/steps.sh" RUN_TESTS_LOGS="$work/logs" ${vars[@]+"${vars[@]}"} \
    ./run-tests ${args[@]+"${args[@]}"} >"$work/$name.out" 2>&1 </dev/null || status=$?
  if [ "$status" -ne "$expected" ]; then
    fail "$name: exit $status, expected $expected"
    tail -n 15 "$work/$name.out" | sed 's/^/       /'
    return 1
  fi
}

# summary_says NAME STEP VERDICT: the closing table shows STEP with VERDICT (a fixed string)
summary_says() {
  local label="${2//_/ }"
  sed -n '/^== summary/,$p' "$work/$1.out" | grep -E "^   $label +[0-9]+ s +[0-9]+ CPU-s   " |
    grep -qF -- "CPU-s   $3"
}

# stand_ins_ran STEP...: each of these stand-ins ran (so the real steps did not)
stand_ins_ran() {
  local s
  for s in "$@"; do grep -qx "$s" "$work/ran" 2>/dev/null || return 1; done
}

for mode in lanes serial; do
  flag=()
  [ "$mode" = serial ] && flag=(--serial)
  if run_case "all-pass-$mode" 0 ${flag[@]+"${flag[@]}"}; then
    all=true
    for step in "${steps[@]}"; do summary_says "all-pass-$mode" "$step" ok || all=false; done
    stand_ins_ran "${steps[@]}" || all=false
    $all && ok "$mode: every step passes -> exit 0" || fail "$mode: exit 0 but not every step is ok in the summary"
  fi
  for step in "${steps[@]}"; do
    name="fail-$step-$mode"
    run_case "$name" 1 ${flag[@]+"${flag[@]}"} "FAIL_STEP=$step" || continue
    if ! summary_says "$name" "$step" "FAILED"; then
      fail "$mode: $step failed, but the summary does not say so"
      continue
    fi
    if [ "$step" = java ]; then
      missing=""
      for s in fuzzing readme_local_loop browser bench_smoke; do
        summary_says "$name" "$s" "NOT RUN (the build failed)" || missing+=" $s"
      done
      for s in cfn_lint model_check edgeworker run_tests_selftest; do
        summary_says "$name" "$s" ok || missing+=" $s(should still run)"
      done
      [ -z "$missing" ] && ok "$mode: the build fails -> exit 1; its dependents NOT RUN, the rest ran" ||
        fail "$mode: after a failed build:$missing"
    else
      others=true
      for s in "${steps[@]}"; do
        [ "$s" = "$step" ] || summary_says "$name" "$s" ok || others=false
      done
      stand_ins_ran "${steps[@]}" || others=false
      $others && ok "$mode: $step fails -> exit 1, marked FAILED; every other step ran and passed" ||
        fail "$mode: $step failed, and not every other step ran and passed"
    fi
  done
done

# Ctrl-C and TERM stop every lane: a step still running (a marker sleep) does not outlive ./run-tests
for signal in INT TERM; do
  rm -f "$work/hung.pid"
  # with job control, so that the background ./run-tests does not start with SIGINT ignored
  set -m
  env RUN_TESTS_STEPS="$work/steps.sh" RUN_TESTS_LOGS="$work/logs" HANG_STEP=browser ./run-tests \
    >"$work/signal-$signal.out" 2>&1 </dev/null &
  pid=$!
  signalled=$pid
  set +m
  for _ in $(seq 1 100); do [ -s "$work/hung.pid" ] && break; sleep 0.1; done
  if [ ! -s "$work/hung.pid" ]; then
    fail "$signal: the hanging stand-in never started"
    kill -TERM "$pid" 2>/dev/null || true
    continue
  fi
  kill "-$signal" "$pid"
  status=0
  wait "$pid" || status=$?
  signalled=""
  expected=$([ "$signal" = INT ] && echo 130 || echo 143)
  sleep 0.5
  # still running: alive and (where /proc tells) not a zombie waiting to be reaped
  hung=$(cat "$work/hung.pid")
  if kill -0 "$hung" 2>/dev/null && ! grep -qs '^State:[[:space:]]*Z' "/proc/$hung/status"; then
    fail "$signal: a step of the local lane still runs after ./run-tests ended"
    kill "$(cat "$work/hung.pid")" 2>/dev/null || true
  elif [ "$status" -ne "$expected" ]; then
    fail "$signal: exit $status, expected $expected"
  else
    ok "$signal stops every lane (exit $status, no step left running)"
  fi
done

echo "run-tests self-test: $failures failed"
[ "$failures" -eq 0 ]

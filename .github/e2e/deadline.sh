# Sourced by the steps of .github/workflows/e2e.yml that wait. Every wait ends by E2E_DEADLINE
# (epoch seconds, set by the job's first step from E2E_MINUTES), which leaves the job time to show
# what went wrong before its own timeout-minutes cancels it.

# Seconds left before the deadline (0 once it has passed).
remaining() {
  local left=$((E2E_DEADLINE - $(date +%s)))
  echo $((left > 0 ? left : 0))
}

# wait_for <what> <command…>: runs the command every 10 seconds until it succeeds; fails with one
# error line naming <what> once the deadline has passed.
wait_for() {
  local what=$1 output
  shift
  until output=$("$@" 2>&1); do
    if [ "$(remaining)" -le 0 ]; then
      echo "::error::${what}: not there after the e2e's ${E2E_MINUTES} minutes (last answer: ${output##*$'\n'})"
      return 1
    fi
    sleep 10
  done
}

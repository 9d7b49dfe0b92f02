# The helpers of scripts/walkthrough.sh and scripts/hiring-walkthrough.sh (bash, curl, node). To try
# their steps by hand, in bash at the root of the repository: `. scripts/walkthrough-lib.sh`.
# Nothing here exits the shell: a helper that fails says which step failed and why on stderr and
# returns non-zero; the scripts stop there (set -euo pipefail) instead of going on with empty ids.

API=${API:-http://127.0.0.1:3000}   # the service
WORK=$(mktemp -d)                   # the last answer and the receivers' output
RECEIVERS=()                        # the PIDs of the receivers started here and still running
RECEIVER_LOGS=0                     # how many receivers were started here

# call STEP STATUS METHOD PATH [JSON [CURL_OPTION...]]: sends the request with $TOKEN and prints the
# answer's body; any other status than STATUS, or no answer within 30 s, fails, naming STEP.
call() {
  local step=$1 want=$2 method=$3 path=$4 status
  shift 4
  local args=(-sS --max-time 30 -o "$WORK/answer" -w '%{http_code}' -X "$method" "$API$path"
    -H "Authorization: Bearer $TOKEN")
  if [ $# -gt 0 ]; then
    args+=(-H 'Content-Type: application/json' --data "$1")
    shift
  fi
  rm -f "$WORK/answer"
  status=$(curl "${args[@]}" "$@") || status="no answer (curl exit code $?)"
  if [ "$status" != "$want" ]; then
    echo "FAILED at step '$step': $method $API$path answered $status, expected $want:" \
      "$(cat "$WORK/answer" 2>/dev/null)" >&2
    return 1
  fi
  if [ -s "$WORK/answer" ]; then
    cat "$WORK/answer"
    echo
  fi
}

# field PATH [EXPECTED]: prints the field PATH (e.g. `id`, `items.0.deliveryId`) of the JSON read on
# stdin; fails, showing the JSON, when it is missing or null, or not EXPECTED when that is given
# (and quietly when stdin is empty: `call` has said why).
field() {
  node -e '
    const [path, expected] = process.argv.slice(1);
    const text = require("fs").readFileSync(0, "utf8");
    if (!text.trim()) process.exit(1);
    let value;
    try { value = JSON.parse(text); } catch {}
    for (const key of path.split(".")) value = value == null ? undefined : value[key];
    const shown = typeof value === "object" ? JSON.stringify(value) : String(value);
    if (value == null || (expected !== undefined && shown !== expected)) {
      const want = expected === undefined ? "" : ` equal to ${expected}`;
      console.error(`FAILED: no ${path}${want} in ${text.slice(0, 1000)}`);
      process.exit(1);
    }
    console.log(shown);
  ' "$@"
}

# poll SECONDS STEP PATH FIELD [EXPECTED]: GETs PATH every half second until the answer has FIELD
# (equal to EXPECTED when given) and prints it; fails after SECONDS, at once on a status not 200.
poll() {
  local seconds=$1 step=$2
  shift 2
  wait_for "$seconds" "$step" poll_once "$step" "$@" ||
    { echo "the last answer: $(cat "$WORK/answer" 2>/dev/null)" >&2; return 1; }
}
poll_once() {
  local answer
  answer=$(call "$1" 200 GET "$2") || return 2
  printf '%s' "$answer" | field "${@:3}" 2>/dev/null
}

# days_from_today N: the date N days from today (N may be negative), YYYY-MM-DD in UTC.
days_from_today() { node -p "new Date(Date.now() + ($1) * 86400e3).toISOString().slice(0, 10)"; }

# hours_ago N: the date and time N hours ago, ISO-8601 in UTC.
hours_ago() { node -p "new Date(Date.now() - ($1) * 3600e3).toISOString()"; }

# wait_for SECONDS WHAT COMMAND...: runs COMMAND every half second until it succeeds; fails, saying
# what it waited for, after SECONDS, or at once when COMMAND returns 2 or more (it will not succeed).
wait_for() {
  local seconds=$1 what=$2 code
  shift 2
  local deadline=$((SECONDS + seconds))
  while :; do
    code=0
    "$@" || code=$?
    [ "$code" -eq 0 ] && return 0
    if [ "$code" -ge 2 ] || [ "$SECONDS" -ge "$deadline" ]; then
      echo "FAILED: gave up waiting for $what" >&2
      return 1
    fi
    sleep 0.5
  done
}

# start_receiver: runs scripts/receiver.ts in the background on a free port (PORT=0), verifying
# with $SECRET, its output in $WORK/receiver-<n>.log; sets RECEIVER (its PID) and HOOK (its URL).
start_receiver() {
  local log="$WORK/receiver-$((RECEIVER_LOGS += 1)).log"
  WEBHOOK_SECRET=$SECRET PORT=0 npm run -s receiver > "$log" 2>&1 &
  RECEIVER=$!
  RECEIVERS+=("$RECEIVER")
  HOOK=$(wait_for 60 "the receiver to listen" receiver_url "$RECEIVER" "$log") || return 1
  echo "receiver $RECEIVER on $HOOK"
}

# receiver_url PID LOG: the URL the receiver says it listens on; 2 when it has exited.
receiver_url() {
  if ! kill -0 "$1" 2>/dev/null; then
    echo "FAILED: the receiver exited: $(cat "$2")" >&2
    return 2
  fi
  sed -n 's/^receiver on //p' "$2" | grep .
}

# stop_receiver [PID]: stops a receiver started here ($RECEIVER by default) and waits (at most
# 10 s) until it has exited.
stop_receiver() {
  local pid=${1:-$RECEIVER} kept=() p
  for p in ${RECEIVERS[@]+"${RECEIVERS[@]}"}; do [ "$p" = "$pid" ] || kept+=("$p"); done
  [ ${#kept[@]} -lt ${#RECEIVERS[@]} ] || return 0 # not started here, or already stopped
  RECEIVERS=(${kept[@]+"${kept[@]}"})
  kill "$pid" 2>/dev/null || return 0
  wait_for 10 "receiver $pid to exit" receiver_gone "$pid"
}
receiver_gone() { ! kill -0 "$1" 2>/dev/null; }

# received TYPE [N]: prints the receiver's `verified TYPE` lines once there are N of them (default
# 1); 1 while there are fewer, 2 (after printing them) if the receiver rejected a signature.
received() {
  local lines
  if grep -h '^REJECTED' "$WORK"/receiver-*.log >&2; then return 2; fi
  lines=$(grep -h "^verified $1 " "$WORK"/receiver-*.log) || return 1
  [ "$(printf '%s\n' "$lines" | wc -l)" -ge "${2:-1}" ] || return 1
  printf '%s\n' "$lines"
}

# cleanup: stops every receiver started here and removes $WORK (the scripts' EXIT trap).
cleanup() {
  local pid
  for pid in ${RECEIVERS[@]+"${RECEIVERS[@]}"}; do stop_receiver "$pid" || true; done
  rm -rf "$WORK"
}

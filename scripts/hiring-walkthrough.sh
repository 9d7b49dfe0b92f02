#!/usr/bin/env bash
# The README's "HR walkthrough: hire someone end to end", as one script: a candidate is hired on a
# CDI, completes a CPF training and leaves by a rupture conventionnelle, and a receiver on this
# machine verifies the signed event of every step. Every run is a company of its own (or
# COMPANY=... to reuse one: the candidate's email is new on every run), its receiver on a free
# port, its dates relative to today, every id read from the answers; the first step that goes
# wrong stops it, saying what the service answered. The service must allow http://127.0.0.1:
#   WEBHOOKS_ALLOW_HTTP=true WEBHOOKS_ALLOW_PRIVATE_URLS=true npm start
#   scripts/hiring-walkthrough.sh                 (API=http://127.0.0.1:3000 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/walkthrough-lib.sh
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== a company of this run, a token, and a receiver on a free port (API=$API)"
RUN=$(node -p "require('crypto').randomBytes(4).toString('hex')")
COMPANY=${COMPANY:-hiring-$RUN}
TOKEN=$(npm run -s token -- --company "$COMPANY" --permissions system.webhooks.manage,hr.manage)
SECRET=whsec_$(node -p "require('crypto').randomBytes(24).toString('base64')")
start_receiver

echo "== subscribe the receiver to the HR events"
SUB=$(call subscribe 201 POST /api/webhooks \
  "{\"url\":\"$HOOK\",\"events\":[\"candidate.*\",\"contract.signed\",\"training.completed\",\"employee.terminated\"],\"secret\":\"$SECRET\"}" | field id)
echo "subscription $SUB"

echo "== a candidate applies, and goes through screening, interview and offer to hired"
CANDIDATE=$(call candidate 201 POST /api/candidates \
  "{\"firstName\":\"Léa\",\"lastName\":\"Martin\",\"email\":\"lea.martin.$RUN@example.com\"}" | field id)
echo "candidate $CANDIDATE"
for STATUS in screening interview offer hired; do
  call "status $STATUS" 200 PATCH "/api/candidates/$CANDIDATE/status" "{\"status\":\"$STATUS\"}" | field status "$STATUS"
done

echo "== a CDI starting in 30 days, signed: the candidate is now an employee"
START=$(days_from_today 30)
CONTRACT=$(call contract 201 POST /api/contracts \
  "{\"candidateId\":\"$CANDIDATE\",\"contractType\":\"CDI\",\"startDate\":\"$START\"}")
CONTRACT_ID=$(echo "$CONTRACT" | field id)
EMPLOYEE=$(echo "$CONTRACT" | field employeeId)
echo "contract $CONTRACT_ID, employee $EMPLOYEE"
call sign 200 POST "/api/contracts/$CONTRACT_ID/sign"

echo "== a CPF-eligible training, completed for 14 hours"
TRAINING=$(call training 201 POST /api/trainings '{"title":"Habilitation électrique","cpfEligible":true}' | field id)
call completion 201 POST "/api/trainings/$TRAINING/completions" "{\"employeeId\":\"$EMPLOYEE\",\"cpfHours\":14}"

echo "== the employment ends by mutual agreement, 180 days after the start"
call termination 200 POST "/api/employees/$EMPLOYEE/termination" \
  "{\"terminationDate\":\"$(days_from_today 210)\",\"reason\":\"RUPTURE_CONVENTIONNELLE\"}"

echo "== the receiver verified (8 events)"
wait_for 30 "candidate.created at the receiver" received candidate.created > /dev/null
wait_for 30 "4 candidate.status_changed at the receiver" received candidate.status_changed 4 > /dev/null
wait_for 30 "contract.signed at the receiver" received contract.signed > /dev/null
wait_for 30 "training.completed at the receiver" received training.completed > /dev/null
wait_for 30 "employee.terminated at the receiver" received employee.terminated > /dev/null
cat "$WORK"/receiver-*.log

echo "== unsubscribe"
call unsubscribe 204 DELETE "/api/webhooks/$SUB"
echo "hiring walkthrough done: company $COMPANY, employee $EMPLOYEE"

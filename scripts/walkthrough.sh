#!/usr/bin/env bash
# The README's "Walkthrough with curl", as one script: a receiver on this machine subscribes, gets a
# test ping, a published event and a batch, misses two events while it is down, and gets them again
# by a retry and a recovery. Every run is a company of its own (or COMPANY=... to reuse one), its
# receiver on a free port, every id read from the answers; the first step that goes wrong stops it,
# saying what the service answered. The service must allow http://127.0.0.1 receivers:
#   WEBHOOKS_ALLOW_HTTP=true WEBHOOKS_ALLOW_PRIVATE_URLS=true npm start
#   scripts/walkthrough.sh                        (API=http://127.0.0.1:3000 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/walkthrough-lib.sh
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== a company of this run, a token, and a receiver on a free port (API=$API)"
RUN=$(node -p "require('crypto').randomBytes(4).toString('hex')")
COMPANY=${COMPANY:-walkthrough-$RUN}
TOKEN=$(npm run -s token -- --company "$COMPANY" --permissions system.webhooks.manage,system.events.publish)
SECRET=whsec_$(node -p "require('crypto').randomBytes(24).toString('base64')")
start_receiver

echo "== subscribe the receiver (no retries: a delivery it misses fails at once)"
SUBSCRIPTION=$(call subscribe 201 POST /api/webhooks \
  "{\"url\":\"$HOOK\",\"events\":[\"contract.*\",\"training.completed\"],\"description\":\"Payroll\",\"secret\":\"$SECRET\",\"maxRetryCount\":0}")
echo "$SUBSCRIPTION"
SUB=$(echo "$SUBSCRIPTION" | field id)

echo "== the event catalog, and a test ping"
call catalog 200 GET /api/event-types | field length
call 'test ping' 200 POST "/api/webhooks/$SUB/test" | field delivered true
wait_for 30 "webhook.ping at the receiver" received webhook.ping

echo "== publish an event, with an idempotency key, twice: one event"
CONTRACT_SIGNED='{"type":"contract.signed","data":{"contractId":"6f1c1c7e-2b9d-4f43-9a43-0f8f1b1f3a01","employeeId":"2a0c5d1e-7b7e-4d8e-9f3b-1d2c3e4f5a6b","contractType":"CDI","startDate":"'$(days_from_today 30)'"}}'
EVENT=$(call publish 202 POST /api/events "$CONTRACT_SIGNED" -H "Idempotency-Key: contract-42-signed-$RUN" | field id)
call 'publish again' 202 POST /api/events "$CONTRACT_SIGNED" -H "Idempotency-Key: contract-42-signed-$RUN" | field id "$EVENT"
wait_for 30 "contract.signed at the receiver" received contract.signed

echo "== publish a batch of two events"
call batch 202 POST /api/events/batch '{"events":[
  {"type":"training.completed","data":{"employeeId":"2a0c5d1e-7b7e-4d8e-9f3b-1d2c3e4f5a6b","trainingId":"0b7e2f5c-1d3a-4c5e-8f9a-1b2c3d4e5f60","cpfHours":7}},
  {"type":"training.completed","data":{"employeeId":"2a0c5d1e-7b7e-4d8e-9f3b-1d2c3e4f5a6b","trainingId":"6c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f","cpfHours":14},"idempotencyKey":"cpf-14-'$RUN'"}]}' | field ids
wait_for 30 "two training.completed at the receiver" received training.completed 2

echo "== the delivery of contract.signed and its attempts"
DELIVERY=$(poll 30 'the attempt of contract.signed' "/api/webhooks/$SUB/logs?eventType=contract.signed&limit=1" items.0.deliveryId)
call delivery 200 GET "/api/deliveries/$DELIVERY"

echo "== the receiver goes down; two events published meanwhile fail"
stop_receiver
call 'publish while down' 202 POST /api/events "$CONTRACT_SIGNED" | field id
call 'publish while down' 202 POST /api/events '{"type":"training.completed","data":{"employeeId":"2a0c5d1e-7b7e-4d8e-9f3b-1d2c3e4f5a6b","trainingId":"0b7e2f5c-1d3a-4c5e-8f9a-1b2c3d4e5f60","cpfHours":0}}' | field id
poll 30 'two failed attempts' "/api/webhooks/$SUB/logs?status=failed&limit=10" items.1.error
FAILED=$(call 'failed attempts' 200 GET "/api/webhooks/$SUB/logs?status=failed&limit=10")
echo "$FAILED"
RETRIED=$(echo "$FAILED" | field items.0.deliveryId)
RECOVERED=$(echo "$FAILED" | field items.1.deliveryId)
poll 30 'the delivery to fail' "/api/deliveries/$RETRIED" status failed
poll 30 'the delivery to fail' "/api/deliveries/$RECOVERED" status failed

echo "== the receiver is back, on another port: point the subscription at it"
start_receiver
call 'new url' 200 PATCH "/api/webhooks/$SUB" "{\"url\":\"$HOOK\"}" | field url "$HOOK"

echo "== retry one delivery, then recover every failed one of the last hour"
call retry 202 POST "/api/deliveries/$RETRIED/retry"
poll 30 'the retried delivery to succeed' "/api/deliveries/$RETRIED" status succeeded
call recover 202 POST "/api/webhooks/$SUB/recover" "{\"since\":\"$(hours_ago 1)\"}" | field requeued 1
poll 30 'the recovered delivery to succeed' "/api/deliveries/$RECOVERED" status succeeded
call 'attempts of the retried delivery' 200 GET "/api/deliveries/$RETRIED" | field attempts

echo "== the subscription's last 24 h, and its attempts a minute over the last hour"
call 'subscription stats' 200 GET "/api/webhooks/$SUB/stats" | field successRate
call 'attempts a minute' 200 GET "/api/deliveries/stats?subscriptionId=$SUB" | field bucketSeconds 60

echo "== a portal link for the company: read-only, for 30 minutes"
PORTAL=$(call 'portal session' 201 POST /api/portal/sessions '{"expiresInMinutes":30,"readOnly":true}')
echo "$PORTAL" | field url
PORTAL_TOKEN=$(echo "$PORTAL" | field token)
TOKEN=$PORTAL_TOKEN call 'read with the portal token' 200 GET "/api/webhooks/$SUB" | field id "$SUB"
TOKEN=$PORTAL_TOKEN call 'no change with a read-only token' 403 DELETE "/api/webhooks/$SUB" > /dev/null

echo "== rotate the secret: the old one keeps signing beside the new one for 24 h"
call rotate 200 POST "/api/webhooks/$SUB/secret/rotate" | field secret
call 'test ping after the rotation' 200 POST "/api/webhooks/$SUB/test" | field delivered true
wait_for 30 "a second webhook.ping at the receiver" received webhook.ping 2

echo "== change the body format, then delete the subscription"
call format 200 PATCH "/api/webhooks/$SUB" '{"format":"cloudevents+json"}' | field format
call delete 204 DELETE "/api/webhooks/$SUB"

echo "== the receiver verified"
received contract.signed 2 > /dev/null
received training.completed 3 > /dev/null
cat "$WORK"/receiver-*.log
echo "walkthrough done: company $COMPANY, subscription $SUB"

#!/usr/bin/env bash
# Enqueues jrq jobs with nothing but redis-cli, following docs/PROTOCOL.md ("Enqueue from another
# language"). ProtocolIT runs it and checks that a Java worker runs every job.
#
# Usage: enqueue.sh HOST PORT QUEUE ID ENQUEUE_LUA
#   ENQUEUE_LUA  path to enqueue.lua (in the jrq-core jar at io/jrq/lua/enqueue.lua, ready to send:
#                unzip -p jrq-core-*.jar io/jrq/lua/enqueue.lua > enqueue.lua)
#   JRQ_PREFIX   key prefix, default "jrq"
#
# Enqueues three jobs and prints their ids, one per line:
#   ID-method   io.jrq.testjobs.Jobs::add(2, 3)             with enqueue.lua (preferred way)
#   ID-over     io.jrq.testjobs.Jobs::over(int 7)           same call: one script call, two jobs
#   ID-handler  handler "greet" ("Ann"), meta, 60 s result TTL, with MULTI/EXEC (no scripting)
set -euo pipefail

if [ $# -ne 5 ]; then
  echo "usage: $0 HOST PORT QUEUE ID ENQUEUE_LUA" >&2
  exit 2
fi
host=$1 port=$2 queue=$3 id=$4 lua=$5
prefix=${JRQ_PREFIX:-jrq}
q="$prefix:{$queue}:"            # every key of the queue starts with this (its hash tag)
ready="${q}ready"
jobs="${q}job:"

cli() { redis-cli -h "$host" -p "$port" "$@"; }

# redis-cli exits 0 even when Redis answers with an error, so check each reply.
fail() { echo "enqueue.sh: $1: $2" >&2; exit 1; }

# --- Preferred: enqueue.lua.
# KEYS: ready list, job key prefix, scheduled set, unique key prefix, pending-dependencies prefix,
#       deferred set.
# ARGV: front flag, due time (-1), delay in ms (-1), unique scope, unique TTL (-1), dependencies
#       as JSON ('[]'), dependency policy, then id, payload, unique key ('' for none) per job.
m_id="$id-method"
o_id="$id-over"
m_payload="{\"v\":1,\"id\":\"$m_id\",\"fn\":\"io.jrq.testjobs.Jobs::add\",\"args\":[2,3],\"desc\":\"add from the shell\"}"
o_payload="{\"v\":1,\"id\":\"$o_id\",\"fn\":\"io.jrq.testjobs.Jobs::over\",\"args\":[7],\"params\":[\"int\"]}"
reply=$(cli --eval "$lua" "$ready" "$jobs" "${q}scheduled" "${q}unique:" "${q}deps:" "${q}deferred" , \
  0 -1 -1 Q -1 '[]' cancel "$m_id" "$m_payload" '' "$o_id" "$o_payload" '')
# The reply is {enqueue time in ms, ids}; redis-cli prints one element per line. Anything else is an error.
mapfile -t lines <<<"$reply"
[[ ${#lines[@]} -eq 3 && ${lines[0]} =~ ^[0-9]+$ && ${lines[1]} == "$m_id" && ${lines[2]} == "$o_id" ]] \
  || fail "enqueue.lua" "$reply"
echo "$m_id"
echo "$o_id"

# --- Without scripting: one transaction for the job hash and the ready list (same hash slot),
# the queue registry outside it (another slot in a cluster). Nothing checks that the id is new.
h_id="$id-handler"
h_payload="{\"v\":1,\"id\":\"$h_id\",\"fn\":\"greet\",\"args\":[\"Ann\"],\"meta\":{\"source\":\"shell\"},\"ttl\":60}"
read -r secs micros <<<"$(cli TIME | tr '\n' ' ')"              # Redis clock, like the scripts
now=$(( secs * 1000 + micros / 1000 ))
# Commands read from stdin run on one connection; single quotes keep the JSON in one argument.
reply=$(cli <<CMDS
MULTI
HSET '$jobs$h_id' payload '$h_payload' status QUEUED enqueued_at $now
LPUSH '$ready' '$h_id'
EXEC
CMDS
)
# Expected: OK, QUEUED, QUEUED, then EXEC's replies: 3 (fields added) and the list length.
[[ $(printf '%s\n' "$reply" | sed -n 4p) == 3 ]] || fail "transaction" "$reply"
cli SADD "$prefix:queues" "$queue" >/dev/null
echo "$h_id"

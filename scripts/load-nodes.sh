#!/bin/sh
# Creation throughput with 1, 2 and 3 app nodes on one PostgreSQL database,
# side by side (docs/performance.md). Starts NODES "minsheng serve"
# processes on a new schema of the database, makes an agent's API token and
# runs "minsheng load -scale" against them; then stops the servers and drops
# the schema.
#
#   scripts/load-nodes.sh [postgres://…/test] [load flags…]
#   e.g. scripts/load-nodes.sh postgres://postgres@127.0.0.1:5432/test -clients 32 -n 5000 -warmup 2s
#
# MINSHENG (the servers' binary; default: built from this tree), LOAD (the
# binary that runs the load; default: MINSHENG's) and NODES (default 3) may
# be set: LOAD lets an older build be served and loaded by this one. Only point it at a database you may load.
set -eu
base=${1:-postgres://postgres@127.0.0.1:5432/test}
[ $# -gt 0 ] && shift
nodes=${NODES:-3}
work=$(mktemp -d)
bin=${MINSHENG:-$work/minsheng}
if [ -z "${MINSHENG:-}" ]; then
	go build -o "$bin" ./cmd/minsheng
fi
schema=loadnodes_$(date +%s)
psql "$base" -qc "CREATE SCHEMA $schema"
# application_name tells this run's PostgreSQL processes from others'.
case $base in *\?*) dsn="$base&search_path=$schema" ;; *) dsn="$base?search_path=$schema" ;; esac
dsn="$dsn&application_name=$schema"
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	psql "$base" -qc "SET client_min_messages = warning; DROP SCHEMA $schema CASCADE" || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
urls=""
i=1
while [ $i -le $nodes ]; do
	port=$((18180 + i))
	demo=""
	[ $i -eq 1 ] && demo="-demo -demo-tickets 0"
	mkdir -p "$work/node$i"
	(cd "$work/node$i" && exec "$bin" serve -db "$dsn" -addr 127.0.0.1:$port -log-level warn $demo >"$work/node$i.out" 2>"$work/node$i.log") &
	pids="$pids $!"
	# The first node migrates and seeds before the others start.
	n=0
	until grep -q "running at" "$work/node$i.out" 2>/dev/null; do
		n=$((n + 1))
		if [ $n -gt 600 ]; then echo "node $i did not start:"; cat "$work/node$i.log"; exit 1; fi
		sleep 0.2
	done
	urls="$urls${urls:+,}http://127.0.0.1:$port"
	i=$((i + 1))
done
token=$("$bin" user token -db "$dsn" -username agent | tail -1)
# CPU seconds used so far by the servers and by PostgreSQL's processes (on
# this machine), to tell which one the load is waiting for.
# In clock ticks (/proc/PID/stat: utime and stime), for the pids given.
cpu() { for p in "$@"; do cat /proc/$p/stat 2>/dev/null; done | sed 's/.*) //' | awk '{s += $12 + $13} END {print s + 0}'; }
hz=$(getconf CLK_TCK)
servers0=$(cpu $pids)
backends() { psql "$base" -Atc "SELECT pid FROM pg_stat_activity WHERE application_name = '$schema'"; }
pg0=$(cpu $(backends))
uptime
/usr/bin/time -f "load client: %U s user, %S s system" "${LOAD:-$bin}" load -url "$urls" -token "$token" -scale "$@"
uptime
servers1=$(cpu $pids)
pg1=$(cpu $(backends))
echo "CPU during the load: minsheng servers $(((servers1 - servers0) / hz)) s, PostgreSQL $(((pg1 - pg0) / hz)) s (the servers' connections open at the end; WAL writer and checkpointer not counted)"

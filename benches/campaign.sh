#!/usr/bin/env bash
# The campaign benchmark: N subscribers, imported and sent through `willay worker`
# to Postfix's smtp-sink on loopback, measured against smtp-source's ceiling on
# the same sink, with the same message size and concurrency, in the same run.
#
#   benches/campaign.sh                 # N = 628,000, SQLite and PostgreSQL
#   N=20000 benches/campaign.sh         # a smaller run
#   BACKENDS=sqlite benches/campaign.sh # one backend
#   BACKENDS=postgres WORKERS=4 benches/campaign.sh   # 4 worker processes sharing PostgreSQL
#
# Environment: N, BACKENDS ("sqlite postgres"), WORKERS (1), CONCURRENCY (16 per
# worker; smtp-source gets CONCURRENCY x WORKERS sessions), BATCH (1000),
# POSTGRES_ADMIN_URL (postgres://postgres@127.0.0.1:5432/test), RESULTS (benches/results.md),
# NO_RESULTS=1 to print without appending.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-628000}
BACKENDS=${BACKENDS:-"sqlite postgres"}
CONCURRENCY=${CONCURRENCY:-16}
BATCH=${BATCH:-1000}
WORKERS=${WORKERS:-1}
SESSIONS=$((CONCURRENCY * WORKERS))
POSTGRES_ADMIN_URL=${POSTGRES_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/test}
RESULTS=${RESULTS:-benches/results.md}

# Postfix's test tools only; the Postfix mail system itself is never started
# ("No configuration" leaves it without a main.cf).
need=()
command -v smtp-sink >/dev/null || need+=(postfix)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
    echo "== installing ${need[*]} (for smtp-sink, smtp-source and peak memory)"
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "== building willay (release)"
cargo build --release --quiet
WILLAY=$PWD/target/release/willay
# The sink is a test relay: the default http://localhost links may go to it.
export WILLAY_LOCALES=$PWD/locales WILLAY_LOG=warn WILLAY_ALLOW_INSECURE_LINKS=1

WORK=$(mktemp -d)
SINK_PID=
cleanup() { [ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# -c prints a running counter of delivered messages: the last `mesg=` is the total.
smtp-sink -u nobody -c "127.0.0.1:$PORT" 1000 >"$WORK/sink.log" 2>&1 &
SINK_PID=$!
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.05; done
sink_count() { grep -o 'mesg=[0-9]*' "$WORK/sink.log" | tail -1 | cut -d= -f2 || echo 0; }
sink_total() { local n; n=$(sink_count); echo "${n:-0}"; }
# The sink's counter lags the last message by a moment.
sink_reaches() { for _ in $(seq 1 100); do [ "$(sink_total)" -ge "$1" ] && return 0; sleep 0.05; done; return 1; }

# The size of a real willay message: render one per locale into the outbox.
export DATABASE_URL="sqlite://$WORK/size.db" WILLAY_OUTBOX="$WORK/size-outbox"
printf 'email,name,language,region\nrosa@example.org,Rosa Quispe Mamani,quz-PE,Cusco\nann@example.org,Ann Smith,en,Lima\nmaria@example.org,María Torres,es,Ica\n' >"$WORK/size.csv"
$WILLAY lists create size >/dev/null
$WILLAY subscribers import "$WORK/size.csv" --list size >/dev/null
$WILLAY campaigns create --message survivor-rights --list size --at 2000-01-01T00:00:00Z >/dev/null
$WILLAY worker --until-idle >/dev/null
SIZE=$(cat "$WORK"/size-outbox/*.eml | wc -c)
SIZE=$((SIZE / 3))
unset WILLAY_OUTBOX
echo "== message size: $SIZE bytes (mean of es, en, qu)"

echo "== ceiling: smtp-source, $N messages of $SIZE bytes, $SESSIONS sessions"
before=$(sink_total)
start=$(date +%s.%N)
smtp-source -d -l "$SIZE" -m "$N" -s "$SESSIONS" -f noticias@example.org -t b@example.org "127.0.0.1:$PORT"
end=$(date +%s.%N)
CEILING=$(python3 -c "print(round($N / ($end - $start)))")
echo "   smtp-source: $CEILING msg/s (sink received $(( $(sink_total) - before )))"

# N people with a realistic mix of languages and regions.
python3 - "$N" >"$WORK/people.csv" <<'PY'
import sys
n = int(sys.argv[1])
langs = ["es"] * 9 + ["es-PE"] * 6 + ["quz-PE"] * 3 + ["quy"] * 3 + ["qu"] * 2 + ["en"] * 3 + ["en-GB", ""]
regions = ["Lima"] * 6 + ["Cusco"] * 3 + ["Huancavelica"] * 2 + ["Ayacucho"] * 2 + ["Ica"] * 2 + ["Puno", "Apurímac", "Piura", "Junín", "Loreto", "Arequipa"]
names = ["Rosa Quispe", "Juana Huamán", "María Elena Ccori", "Lucía Torres", "", "Ann Smith", "Carmen Mamani"]
w = sys.stdout.write
w("email,name,language,region\n")
for i in range(n):
    w(f"person{i}@example.org,{names[i % len(names)]},{langs[i % len(langs)]},{regions[(i * 7) % len(regions)]}\n")
PY

machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
for backend in $BACKENDS; do
    case $backend in
        sqlite) export DATABASE_URL="sqlite://$WORK/bench.db" ;;
        postgres)
            db="willay_bench_$$"
            psql "$POSTGRES_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
            export DATABASE_URL="${POSTGRES_ADMIN_URL%/*}/$db" ;;
        *) echo "unknown backend $backend" >&2; exit 2 ;;
    esac
    echo "== $backend: import $N subscribers"
    $WILLAY lists create bench >/dev/null
    start=$(date +%s.%N)
    $WILLAY subscribers import "$WORK/people.csv" --list bench >/dev/null
    end=$(date +%s.%N)
    IMPORT=$(python3 -c "print(round($end - $start, 1))")
    echo "   import: ${IMPORT}s"
    $WILLAY campaigns create --message survivor-rights --list bench --at 2000-01-01T00:00:00Z >/dev/null

    echo "== $backend: send ($WORKERS x worker --concurrency $CONCURRENCY --batch-size $BATCH)"
    before=$(sink_total)
    start=$(date +%s.%N)
    pids=()
    for w in $(seq 1 "$WORKERS"); do
        /usr/bin/time -v -o "$WORK/time.$w.txt" $WILLAY --smtp-url "smtp://127.0.0.1:$PORT?tls=none" \
            worker --until-idle --concurrency "$CONCURRENCY" --batch-size "$BATCH" >/dev/null &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
    end=$(date +%s.%N)
    sink_reaches $((before + N)) || true
    RECEIVED=$(( $(sink_total) - before ))
    RATE=$(python3 -c "print(round($N / ($end - $start)))")
    RATIO=$(python3 -c "print(round($RATE / $CEILING, 2))")
    # The largest worker's peak resident memory.
    RSS=$(awk -F': ' '/Maximum resident/ {printf "%.0f\n", $2/1024}' "$WORK"/time.*.txt | sort -n | tail -1)
    echo "   willay: $RATE msg/s = ${RATIO} x smtp-source; peak RSS ${RSS} MB per worker; sink received $RECEIVED of $N"
    [ "$RECEIVED" -eq "$N" ] || { echo "   the sink did not receive every message" >&2; exit 1; }
    line="| $(date -u +%Y-%m-%d) | $machine | $backend | $WORKERS | $N | $RATE | $CEILING | $RATIO | $IMPORT | $RSS | $RECEIVED |"
    if [ -z "${NO_RESULTS:-}" ]; then
        [ -f "$RESULTS" ] || printf '# Campaign benchmark results\n\nAppended by `benches/campaign.sh`.\n\n| date | machine | backend | workers | N | willay msg/s | smtp-source msg/s | ratio | import s | worker peak RSS MB | sink received |\n|---|---|---|---|---|---|---|---|---|---|---|\n' >"$RESULTS"
        echo "$line" >>"$RESULTS"
    fi
    [ "$backend" = postgres ] && psql "$POSTGRES_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"
done

#!/usr/bin/env bash
# Benchmark gbastd against its peers on the same data, in the same hyperfine runs.
#
#   bash bench/run.sh                               # everything: installs, data, timings, table
#   NS="emb 262 100000" bash bench/run.sh           # fewer sizes
#   PHASES="task render" NS="100000" bash bench/run.sh
#
# Task: entries whose domains include "food", as `code,title_zh` CSV on stdout. Every command's
# output is checked against the expected rows before it is timed (a mismatch is not timed, and the
# script exits 2). "emb" is the embedded catalogue exported for each peer (bench/export_embedded.py);
# numbers are synthetic catalogues from bench/gen_catalogue.py (seeded, deterministic).
# gbastd is installed from this checkout into its own virtual environment, as a user would have
# it; the peers csvkit and sqlite-utils into another; jq, mlr, sqlite3 and hyperfine from Debian.
#
# The "goals" phase measures issue 14's goals, each as a ratio in one hyperfine run with its
# target (bench/goals.py renders them): start-up against `python -c pass`, jq and the bare Typer
# app (issue 13: the main job within 1.15x of it); every read
# command at 100k against the main job; the main job with all fields against the peers; the
# first run at 1M's peak memory against the TOML parser's own (each size part only when NS has
# that size: NS="emb" PHASES="install goals render" measures start-up alone).
#
# Knobs (environment): NS, PHASES (install gen verify startup task cold rss goals render), WARMUP (3),
# MIN_RUNS (10), DATA_DIR, RESULTS_DIR, GBASTD_VENV, FALLBACK_VENV, PEERS_VENV, BASE_PY.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
NS=${NS:-"emb 262 10000 100000 1000000"}
PHASES=${PHASES:-"install gen verify startup task cold rss goals render"}
WARMUP=${WARMUP:-3}
MIN_RUNS=${MIN_RUNS:-10}
DATA_DIR=${DATA_DIR:-/tmp/gbastd-bench/data}
RES=${RESULTS_DIR:-$HERE/results}
GBASTD_VENV=${GBASTD_VENV:-/tmp/gbastd-bench/gbastd-venv}
FALLBACK_VENV=${FALLBACK_VENV:-/tmp/gbastd-bench/gbastd-fallback-venv}  # tomli removed
PEERS_VENV=${PEERS_VENV:-/tmp/gbastd-bench/peers-venv}
BASE_PY=${BASE_PY:-$(python3 -c 'import sys; print(sys.executable)')}  # not a pyenv shim
SEED=20240262
TMPD=/tmp/gbastd-bench/tmp
# gbastd's snapshot cache for this run: warm runs are the measured case, cold runs disable it.
export GBASTD_CACHE_DIR=/tmp/gbastd-bench/cache
# Time what a user's shell gets: some environments export these, no user sets them.
unset PYTHONUNBUFFERED PYTHONDONTWRITEBYTECODE PYTHONSTARTUP PYTHONPATH
export LC_ALL=C.UTF-8

mkdir -p "$RES" "$TMPD" "$DATA_DIR"
log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$RES/run.log" >&2; }
has_phase() { [[ " $PHASES " == *" $1 "* ]]; }

G="$GBASTD_VENV/bin/gbastd"
GPY="$GBASTD_VENV/bin/python"
PPY="$PEERS_VENV/bin/python"
T="$HERE/tasks"
SQL="SELECT s.code, s.title_zh FROM standard_domain d JOIN standard s ON s.id = d.standard_id WHERE d.domain = 'food' ORDER BY d.standard_id"

install() {
  local missing=0 c
  for c in jq mlr sqlite3 hyperfine /usr/bin/time; do command -v "$c" >/dev/null || missing=1; done
  if [[ $missing == 1 ]]; then
    log "apt: jq miller sqlite3 hyperfine time"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq miller sqlite3 hyperfine time >/dev/null
  fi
  # Every venv as the README's set-up makes it, with an up-to-date pip (pinned here, so that runs
  # compare): pip 25.2 and later write console scripts that import nothing before their package,
  # where older pips' wrappers import re. Peers' commands are written by the same pip.
  local venv
  for venv in "$PEERS_VENV" "$GBASTD_VENV" "$FALLBACK_VENV"; do
    [[ -x "$venv/bin/python" ]] || "$BASE_PY" -m venv "$venv"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -c "$HERE/pip-constraint.txt" pip
  done
  log "peers venv: csvkit sqlite-utils (their commands rewritten by this pip too)"
  "$PPY" -m pip install -q --disable-pip-version-check -c "$HERE/peers-constraints.txt" csvkit sqlite-utils
  "$PPY" -m pip install -q --disable-pip-version-check -c "$HERE/peers-constraints.txt" \
    --force-reinstall --no-deps csvkit sqlite-utils
  log "gbastd venv: pip install $REPO (not editable, as users install it)"
  "$GPY" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$REPO"
  "$GPY" -m pip install -q --disable-pip-version-check "$REPO"
  log "gbastd fallback venv: pip install $REPO, then remove tomli (the standard library reads)"
  "$FALLBACK_VENV/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$REPO"
  "$FALLBACK_VENV/bin/python" -m pip install -q --disable-pip-version-check "$REPO"
  "$FALLBACK_VENV/bin/python" -m pip uninstall -q -y tomli
}

record_env() {
  {
    echo "date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') x $(nproc)"
    echo "memory=$(free -h | awk '/^Mem:/{print $2}')"
    echo "os=$(. /etc/os-release && echo "$PRETTY_NAME"), $(uname -sr)"
    echo "python=$("$GPY" -c 'import sys; print(sys.version.split()[0])'), pip $("$GPY" -m pip --version | cut -d' ' -f2)"
    echo "gbastd=$("$G" --version) with $("$GPY" -m pip freeze --disable-pip-version-check | grep -iE '^(typer|rich|pydantic|tomli.w)=' | tr '\n' ' ')"
    echo "peers=jq $(jq --version | tr -d jq-), mlr $(mlr --version | cut -d' ' -f2), sqlite3 $(sqlite3 --version | cut -d' ' -f1), $("$PPY" -m pip freeze --disable-pip-version-check | grep -iE '^(csvkit|sqlite-utils)=' | tr '\n' ' ')"
    echo "hyperfine=$(hyperfine --version | cut -d' ' -f2)"
    echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
  } > "$RES/env.txt"
}

gen() {
  local n sizes=()
  for n in $NS; do [[ $n == emb ]] || sizes+=(-n "$n"); done
  log "gen: $NS into $DATA_DIR"
  "$GPY" "$HERE/export_embedded.py" "$DATA_DIR"
  if [[ ${#sizes[@]} -gt 0 ]]; then "$BASE_PY" "$HERE/gen_catalogue.py" --out "$DATA_DIR" --seed "$SEED" "${sizes[@]}"; fi
}

# NAMES[] / CMDS[] for size $1; hyperfine -N runs each as plain words (no shell), so the one pipeline runs under sh -c.
task_cmds() {
  local d="$DATA_DIR/cat_$1"
  NAMES=(gbastd sqlite3 sqlite-utils mlr csvkit jq py-toml)
  CMDS=(
    "$G list --domain food --format csv --fields code,title_zh --catalogue $d.toml"
    "sqlite3 -readonly -csv -header $d.sqlite \"$SQL\""
    "$PEERS_VENV/bin/sqlite-utils query $d.sqlite \"$SQL\" --csv"
    "mlr --icsv --ocsv filter 'any(splitax(\$domains, \";\"), func(e) {return e == \"food\"})' then cut -o -f code,title_zh $d.csv"
    "sh -c \"$PEERS_VENV/bin/csvgrep -c domains -r '(^|;)food(;|\\\$)' $d.csv | $PEERS_VENV/bin/csvcut -c code,title_zh\""
    "jq -r '[\"code\",\"title_zh\"], (.[] | select(any(.domains[]; . == \"food\")) | [.code, .title_zh]) | @csv' $d.json"
    "$PPY $T/py_toml_csv.py $d.toml food"
  )
}

declare -A BAD=()
verify() {
  : > "$RES/verify.tsv"
  local n i out v
  for n in $NS; do
    task_cmds "$n"
    for i in "${!NAMES[@]}"; do
      out="$TMPD/out_${NAMES[$i]}_$n.csv"
      if bash -c "${CMDS[$i]}" > "$out" 2> "$TMPD/err.txt" && v=$("$BASE_PY" "$T/verify_output.py" "$DATA_DIR/cat_$n.expected_food.csv" "$out"); then :; else
        v="MISMATCH ${v:-} $(head -c 300 "$TMPD/err.txt")"; BAD["${NAMES[$i]}:$n"]=1
      fi
      printf '%s\t%s\t%s\n' "$n" "${NAMES[$i]}" "$v" | tee -a "$RES/verify.tsv" >&2
    done
  done
}

hf() { hyperfine -N --style basic --warmup "$WARMUP" --min-runs "$MIN_RUNS" "$@" 2>&1 | tee -a "$RES/run.log" | grep -E '^(Benchmark|  Time|error)' >&2 || true; }

startup() {
  # Target 1: the main job on the embedded catalogue, next to a bare app of the same typer.
  local d="$DATA_DIR/cat_emb"
  log "startup (embedded catalogue)"
  hf --export-json "$RES/hf_startup.json" \
    -n "typer floor (bare app, same venv)" "$GPY $T/typer_min.py" \
    -n "gbastd list --domain food --format csv" "$G list --domain food --format csv" \
    -n "gbastd --version" "$G --version" \
    -n "gbastd list --help" "$G list --help" \
    -n "csvkit (csvgrep|csvcut)" "sh -c \"$PEERS_VENV/bin/csvgrep -c domains -r '(^|;)food(;|\\\$)' $d.csv | $PEERS_VENV/bin/csvcut -c code,title_zh\"" \
    -n "sqlite-utils" "$PEERS_VENV/bin/sqlite-utils query $d.sqlite \"$SQL\" --csv"
}

task() {
  local n i args
  for n in $NS; do
    task_cmds "$n"
    args=()
    for i in "${!NAMES[@]}"; do
      [[ -n "${BAD[${NAMES[$i]}:$n]:-}" ]] && continue
      [[ $n == 1000000 && ${NAMES[$i]} == py-toml ]] && continue  # ~60 s a run
      args+=(-n "${NAMES[$i]}" "${CMDS[$i]}")
    done
    log "task N=$n"
    hf --export-json "$RES/hf_task_$n.json" "${args[@]}"
  done
}

cold() {
  # Target 3: a changed catalogue must cost no more than parsing and validating it. Runs of
  # several seconds drift with the host's load: bench/rounds.py takes them in interleaved rounds.
  local n
  for n in $NS; do
    [[ $n == emb || $n == 1000000 ]] && continue
    log "cold N=$n"
    "$BASE_PY" "$HERE/rounds.py" --rounds 5 --export-json "$RES/hf_cold_$n.json" \
      -n "gbastd, cache off" "env GBASTD_NO_CACHE=1 $G list --domain food --format csv --fields code,title_zh --catalogue $DATA_DIR/cat_$n.toml" \
      -n "gbastd without tomli, cache off" "env GBASTD_NO_CACHE=1 $FALLBACK_VENV/bin/gbastd list --domain food --format csv --fields code,title_zh --catalogue $DATA_DIR/cat_$n.toml" \
      -n "tomllib parse only" "$GPY -c \"import tomllib; tomllib.load(open('$DATA_DIR/cat_$n.toml', 'rb'))\"" \
      -n "py-toml" "$PPY $T/py_toml_csv.py $DATA_DIR/cat_$n.toml food"
  done
}

rss() {
  local n name
  mkdir -p "$RES/rss"
  for n in $NS; do
    [[ $n == emb ]] && continue
    task_cmds "$n"
    for i in "${!NAMES[@]}"; do
      name=${NAMES[$i]}
      [[ -n "${BAD[$name:$n]:-}" ]] && continue
      [[ $n == 1000000 && $name == py-toml ]] && continue
      /usr/bin/time -f '%M' -o "$RES/rss/${name}_$n.txt" bash -c "${CMDS[$i]}" > /dev/null
    done
  done
}

# Run "$@" (a command line, as hyperfine gets it) and keep its stdout in $TMPD/$name.out.
capture() { local name=$1; shift; bash -c "$*" > "$TMPD/$name.out" 2> "$TMPD/$name.err" || true; }

# The outputs of two commands must be the same bytes, and not empty.
same_output() {
  local name=$1 first=$2 second=$3
  capture "$name.a" "$first"; capture "$name.b" "$second"
  if [[ -s "$TMPD/$name.a.out" ]] && cmp -s "$TMPD/$name.a.out" "$TMPD/$name.b.out"; then
    printf 'goals\t%s\tOK same bytes as the full CLI\n' "$name" | tee -a "$RES/verify.tsv" >&2
  else
    printf 'goals\t%s\tMISMATCH\n' "$name" | tee -a "$RES/verify.tsv" >&2; BAD["goals:$name"]=1
  fi
}

# A command's CSV must hold the expected code,title_zh rows (other columns may differ).
expected_rows() {
  local name=$1 expected=$2 command=$3 v
  capture "$name" "$command"
  if v=$("$BASE_PY" "$T/verify_output.py" --columns code,title_zh "$expected" "$TMPD/$name.out"); then
    printf 'goals\t%s\t%s\n' "$name" "$v" | tee -a "$RES/verify.tsv" >&2
  else
    printf 'goals\t%s\tMISMATCH %s\n' "$name" "$v" | tee -a "$RES/verify.tsv" >&2; BAD["goals:$name"]=1
  fi
}

goals() {
  local e="$DATA_DIR/cat_emb" h="$DATA_DIR/cat_100000" m="$DATA_DIR/cat_1000000"
  local full="$GPY -c 'from gbastd.cli import main; main()'"  # the Typer CLI, no fast path
  log "goals: start-up (embedded catalogue)"
  same_output startup-list "$G list --domain food --format csv" "$full list --domain food --format csv"
  same_output startup-show "$G show WQ1-8" "$full show WQ1-8"
  hf --export-json "$RES/hf_goal_startup.json" \
    -n "python -c pass (same venv)" "$GPY -c pass" \
    -n "typer floor (bare app, same venv)" "$GPY $T/typer_min.py" \
    -n "gbastd list --domain food --format csv" "$G list --domain food --format csv" \
    -n "gbastd show WQ1-8" "$G show WQ1-8" \
    -n "jq (json, same data)" "jq -r '[\"code\",\"title_zh\"], (.[] | select(any(.domains[]; . == \"food\")) | [.code, .title_zh]) | @csv' $e.json"
  if [[ " $NS " == *" 100000 "* ]]; then
    log "goals: every read command at 100k (indexes built by the checks first)"
    local c="--catalogue $h.toml" key
    key=$(grep -m1 '^gba_id' "$h.toml" | cut -d'"' -f2)
    same_output reads-list "$G list --domain food --format csv $c" "$full list --domain food --format csv $c"
    same_output reads-show "$G show \"$key\" $c" "$full show \"$key\" $c"
    capture reads-miss "$G show WQ99-99999x $c"
    grep -q "Did you mean" "$TMPD/reads-miss.err" || BAD["goals:reads-miss"]=1
    capture reads-search "$G search 龍舟 $c"; capture reads-json "$G export --format json $c"
    capture reads-stats "$G stats $c"; capture reads-domains "$G domains $c"
    hf -i --export-json "$RES/hf_goal_reads_100000.json" \
      -n "main job: list --domain food --format csv" "$G list --domain food --format csv $c" \
      -n "show KEY" "$G show \"$key\" $c" \
      -n "show a mistyped key (suggestions)" "$G show WQ99-99999x $c" \
      -n "search 龍舟" "$G search 龍舟 $c" \
      -n "export --domain food --format json" "$G export --domain food --format json $c" \
      -n "export --format json (every entry)" "$G export --format json $c" \
      -n "stats" "$G stats $c" \
      -n "domains" "$G domains $c"
    log "goals: the main job as typed (all fields) at 100k, against the peers"
    local x="$h.expected_food.csv" all="SELECT s.* FROM standard_domain d JOIN standard s ON s.id = d.standard_id WHERE d.domain = 'food' ORDER BY d.standard_id"
    local jq_all='(.[0] | keys_unsorted) as $k | $k, (.[] | select(any(.domains[]; . == "food")) | [.[$k[]] | if type == "array" then join(";") else . end]) | @csv'
    expected_rows all-gbastd "$x" "$G list --domain food --format csv $c"
    expected_rows all-sqlite-utils "$x" "$PEERS_VENV/bin/sqlite-utils query $h.sqlite \"$all\" --csv"
    expected_rows all-mlr "$x" "mlr --icsv --ocsv filter 'any(splitax(\$domains, \";\"), func(e) {return e == \"food\"})' $h.csv"
    expected_rows all-csvkit "$x" "$PEERS_VENV/bin/csvgrep -c domains -r '(^|;)food(;|\$)' $h.csv"
    expected_rows all-jq "$x" "jq -r '$jq_all' $h.json"
    hf --export-json "$RES/hf_goal_all_100000.json" \
      -n "gbastd (all fields)" "$G list --domain food --format csv $c" \
      -n "sqlite-utils (all columns)" "$PEERS_VENV/bin/sqlite-utils query $h.sqlite \"$all\" --csv" \
      -n "mlr (all columns)" "mlr --icsv --ocsv filter 'any(splitax(\$domains, \";\"), func(e) {return e == \"food\"})' $h.csv" \
      -n "csvkit (all columns)" "$PEERS_VENV/bin/csvgrep -c domains -r '(^|;)food(;|\$)' $h.csv" \
      -n "jq (all columns)" "jq -r '$jq_all' $h.json"
  fi
  if [[ " $NS " == *" 1000000 "* ]]; then
    log "goals: peak memory of the first run at 1M, against the TOML parser alone"
    mkdir -p "$RES/rss"
    /usr/bin/time -f '%M' -o "$RES/rss/goal_parser_1000000.txt" "$GPY" -c "import tomli; tomli.load(open('$m.toml', 'rb'))"
    rm -rf "$TMPD/cache-1m"
    GBASTD_CACHE_DIR="$TMPD/cache-1m" /usr/bin/time -f '%M' -o "$RES/rss/goal_first_run_1000000.txt" \
      "$G" list --domain food --format csv --catalogue "$m.toml" > /dev/null
    rm -rf "$TMPD/cache-1m"
  fi
}

log "run.sh: NS='$NS' PHASES='$PHASES'"
has_phase install && install
record_env
has_phase gen && gen
has_phase verify && verify
has_phase startup && startup
has_phase task && task
has_phase cold && cold
has_phase rss && rss
has_phase goals && goals
echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$RES/env.txt"
if has_phase render; then
  { "$BASE_PY" "$HERE/render.py" "$RES"; "$BASE_PY" "$HERE/goals.py" "$RES"; } > "$RES/RESULTS.md"
  cat "$RES/RESULTS.md"
fi
if [[ ${#BAD[@]} -gt 0 ]]; then log "verification failures: ${!BAD[*]}"; exit 2; fi
log "done"

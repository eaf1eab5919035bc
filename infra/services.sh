#!/usr/bin/env bash
# Hyperviseur — local service manager: InfluxDB 1.x, PostgreSQL 15 and Mosquitto 2.0 on
# loopback, with project-local data folders, started and stopped by PID. No Docker, no
# systemd: this is what the demo, the integration tests and the benchmarks run on.
#
# Usage: bash infra/services.sh {install|start|stop|status|restart} [influxdb|postgres|mosquitto|all]
#        bash infra/services.sh install chromium   (the browser of the console's end-to-end tests)
#
# Environment (defaults in brackets):
#   HV_RUN_DIR         data, configs, logs, PID files [<repo>/.hv/dev]
#   HV_INFLUX_PORT     InfluxDB HTTP port; its RPC (backup) port is this + 2   [18086]
#   HV_PG_PORT         PostgreSQL port                                         [15432]
#   HV_MOSQUITTO_PORT  Mosquitto MQTT port                                     [11883]
#   HV_START_TIMEOUT   seconds to wait for a service to answer                 [30]
#   HV_STOP_TIMEOUT    seconds to wait after SIGTERM/SIGINT before SIGKILL     [20]
#
# Every service listens on 127.0.0.1 only; everything lives under $HV_RUN_DIR/<service>/.
# `status` exits 0 when every selected service runs, 3 otherwise (LSB convention).
# Not safe against two concurrent invocations on the same run dir.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
INFRA_DIR="$REPO_ROOT/infra"

HV_RUN_DIR="${HV_RUN_DIR:-$REPO_ROOT/.hv/dev}"
HV_INFLUX_PORT="${HV_INFLUX_PORT:-18086}"
HV_PG_PORT="${HV_PG_PORT:-15432}"
HV_MOSQUITTO_PORT="${HV_MOSQUITTO_PORT:-11883}"
HV_START_TIMEOUT="${HV_START_TIMEOUT:-30}"
HV_STOP_TIMEOUT="${HV_STOP_TIMEOUT:-20}"

PG_BIN=/usr/lib/postgresql/15/bin
PG_USER=postgres
PG_DATABASE=hyperviseur

ALL_SERVICES=(influxdb postgres mosquitto)

log() { printf '[services] %s\n' "$*"; }
die() { printf '[services] error: %s\n' "$*" >&2; exit 1; }

usage() {
  cat >&2 <<EOF
usage: bash infra/services.sh {install|start|stop|status|restart} [influxdb|postgres|mosquitto|all]
       bash infra/services.sh install chromium
env:   HV_RUN_DIR=$HV_RUN_DIR HV_INFLUX_PORT=$HV_INFLUX_PORT HV_PG_PORT=$HV_PG_PORT HV_MOSQUITTO_PORT=$HV_MOSQUITTO_PORT
EOF
  exit 2
}

# ---------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------

is_port() { [[ "$1" =~ ^[0-9]+$ ]] && (("$1" >= 1 && "$1" <= 65535)); }

validate_env() {
  local var
  for var in HV_INFLUX_PORT HV_PG_PORT HV_MOSQUITTO_PORT; do
    is_port "${!var}" || die "$var must be a TCP port (1-65535), got '${!var}'"
  done
  ((HV_INFLUX_PORT + 2 <= 65535)) || die "HV_INFLUX_PORT + 2 must be a valid port"
  [[ "$HV_START_TIMEOUT" =~ ^[0-9]+$ ]] || die "HV_START_TIMEOUT must be a number of seconds"
  [[ "$HV_STOP_TIMEOUT" =~ ^[0-9]+$ ]] || die "HV_STOP_TIMEOUT must be a number of seconds"
  [[ "$HV_RUN_DIR" == /* ]] || HV_RUN_DIR="$PWD/$HV_RUN_DIR"
}

# Process name (/proc/PID/comm) each service's PID must have: guards against a stale PID
# file whose PID has been reused by an unrelated process.
proc_name() {
  case "$1" in
    influxdb) echo influxd ;;
    postgres) echo postgres ;;
    mosquitto) echo mosquitto ;;
  esac
}

service_port() {
  case "$1" in
    influxdb) echo "$HV_INFLUX_PORT" ;;
    postgres) echo "$HV_PG_PORT" ;;
    mosquitto) echo "$HV_MOSQUITTO_PORT" ;;
  esac
}

service_dir() { echo "$HV_RUN_DIR/$1"; }

pid_file() {
  case "$1" in
    influxdb) echo "$HV_RUN_DIR/influxdb/influxd.pid" ;;
    postgres) echo "$HV_RUN_DIR/postgres/data/postmaster.pid" ;; # written by postgres itself
    mosquitto) echo "$HV_RUN_DIR/mosquitto/mosquitto.pid" ;;
  esac
}

log_file() {
  case "$1" in
    influxdb) echo "$HV_RUN_DIR/influxdb/influxd.log" ;;
    postgres) echo "$HV_RUN_DIR/postgres/postgres.log" ;;
    mosquitto) echo "$HV_RUN_DIR/mosquitto/mosquitto.log" ;;
  esac
}

# PID recorded in the service's PID file (first line), or nothing.
recorded_pid() {
  local f pid
  f="$(pid_file "$1")"
  [[ -r "$f" ]] || return 0
  pid="$(head -n 1 "$f" 2>/dev/null | tr -dc '0-9')" || true
  [[ -n "$pid" ]] && echo "$pid"
  return 0
}

# True when PID exists and is not a zombie (an exited daemon whose parent has not reaped it).
process_alive() {
  local pid="$1" stat
  [[ -n "$pid" ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ "${stat:0:1}" != Z ]]
}

# True when PID is alive and is the expected program.
pid_alive() {
  local pid="$1" name="$2" comm
  process_alive "$pid" || return 1
  comm="$(cat "/proc/$pid/comm" 2>/dev/null)" || return 1
  [[ "$comm" == "$name" ]]
}

# Prints the live PID of a service of this run dir, or fails.
running_pid() {
  local pid
  pid="$(recorded_pid "$1")"
  pid_alive "$pid" "$(proc_name "$1")" || return 1
  echo "$pid"
}

tcp_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# InfluxDB's GET /ping answers 204 once the HTTP service is up (plain bash, no curl needed).
influx_ping() {
  timeout 3 bash -c '
    exec 3<>/dev/tcp/127.0.0.1/'"$1"' || exit 1
    printf "GET /ping HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" >&3
    IFS= read -r status <&3 || exit 1
    [[ "$status" == HTTP/1.?" 204"* ]]' 2>/dev/null
}

# Socket directory for PostgreSQL: a Unix socket path is limited to 107 bytes.
pg_socket_dir() {
  local dir="$HV_RUN_DIR/postgres/socket"
  if ((${#dir} + 16 > 107)); then
    dir="/tmp/hv-pg-$(printf '%s' "$HV_RUN_DIR" | md5sum | cut -c1-12)"
  fi
  echo "$dir"
}

service_ready() {
  case "$1" in
    influxdb) influx_ping "$HV_INFLUX_PORT" ;;
    postgres) "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$HV_PG_PORT" -U "$PG_USER" -t 2 ;;
    mosquitto) tcp_open "$HV_MOSQUITTO_PORT" ;;
  esac
}

fail_with_log() {
  local svc="$1" msg="$2" f
  f="$(log_file "$svc")"
  {
    printf '[services] error: %s\n' "$msg"
    if [[ -s "$f" ]]; then
      printf '[services] last lines of %s:\n' "$f"
      tail -n 25 "$f" | sed 's/^/    /'
    fi
    if [[ "$svc" == mosquitto && -s "$HV_RUN_DIR/mosquitto/stderr.log" ]]; then
      printf '[services] last lines of %s:\n' "$HV_RUN_DIR/mosquitto/stderr.log"
      tail -n 25 "$HV_RUN_DIR/mosquitto/stderr.log" | sed 's/^/    /'
    fi
  } >&2
  exit 1
}

# Waits until the service answers; fails early with the log tail if the process died.
wait_ready() {
  local svc="$1" pid="$2" deadline
  deadline=$((SECONDS + HV_START_TIMEOUT))
  while ! service_ready "$svc"; do
    # process_alive, not pid_alive: right after `cmd &` the PID may still be the forked
    # shell, before setsid/nohup exec the server.
    if [[ -n "$pid" ]] && ! process_alive "$pid"; then
      fail_with_log "$svc" "$svc (pid $pid) exited during start-up"
    fi
    if ((SECONDS >= deadline)); then
      fail_with_log "$svc" "$svc did not answer on 127.0.0.1:$(service_port "$svc") within ${HV_START_TIMEOUT}s (pid ${pid:-?} left running; stop it with: bash infra/services.sh stop $svc)"
    fi
    sleep 0.1
  done
}

# Refuses to start when something else already holds the port.
check_port_free() {
  local svc="$1" port="$2"
  if tcp_open "$port"; then
    die "cannot start $svc: 127.0.0.1:$port is already in use by another process (not the one recorded in $HV_RUN_DIR)"
  fi
}

# Renders a template: replaces @KEY@ by value for each KEY=value argument.
render() {
  local tmpl="$1" out="$2" content kv key value
  shift 2
  [[ -r "$tmpl" ]] || die "template $tmpl not found"
  content="$(<"$tmpl")"
  shopt -u patsub_replacement 2>/dev/null || true # bash 5.2: '&' in a value stays '&'
  for kv in "$@"; do
    key="${kv%%=*}"
    value="${kv#*=}"
    content="${content//"@${key}@"/"$value"}"
  done
  if [[ "$content" =~ @[A-Z_]+@ ]]; then
    die "template $tmpl: placeholder ${BASH_REMATCH[0]} has no value"
  fi
  printf '%s\n' "$content" >"$out.tmp"
  mv -f "$out.tmp" "$out"
}

# The postgres user must be able to reach its data folder: every parent directory must be
# traversable (o+x). Parents inside the repository or the run dir are fixed; any other is
# reported.
ensure_traversable_for_postgres() {
  local target="$1" dir
  if runuser -u "$PG_USER" -- test -w "$target" 2>/dev/null; then return 0; fi
  dir="$target"
  while [[ "$dir" != / ]]; do
    dir="$(dirname "$dir")"
    if ! runuser -u "$PG_USER" -- test -x "$dir" 2>/dev/null; then
      case "$dir/" in
        "$REPO_ROOT"/* | "$HV_RUN_DIR"/*)
          log "chmod o+x $dir (so that the postgres user can reach its data folder)"
          chmod o+x "$dir"
          ;;
        *) die "the postgres user cannot traverse $dir; run: chmod o+x '$dir' (or choose another HV_RUN_DIR)" ;;
      esac
    fi
  done
  runuser -u "$PG_USER" -- test -w "$target" ||
    die "the postgres user cannot write to $target"
}

# ---------------------------------------------------------------------------------------
# install
# ---------------------------------------------------------------------------------------

have_influxdb() { command -v influxd >/dev/null 2>&1; }
have_mosquitto() { command -v mosquitto >/dev/null 2>&1 || [[ -x /usr/sbin/mosquitto ]]; }
have_postgres() { [[ -x "$PG_BIN/initdb" ]]; }
# Not a service (nothing to start): Debian's browser, which playwright-core drives in the
# console's tests. Installed from the distribution, never downloaded by a test tool.
have_chromium() { [[ -x /usr/bin/chromium ]]; }
have_service() {
  case "$1" in
    influxdb) have_influxdb ;;
    postgres) have_postgres ;;
    mosquitto) have_mosquitto ;;
    chromium) have_chromium ;;
  esac
}
debian_package() {
  case "$1" in
    influxdb) echo influxdb ;;
    postgres) echo postgresql-15 ;;
    mosquitto) echo mosquitto ;;
    chromium) echo chromium ;;
  esac
}

# PID files of the system-wide instances the Debian packages' init scripts would start.
debian_pid_files() {
  echo /run/influxdb/influxd.pid /var/run/influxdb/influxd.pid \
    /run/mosquitto/mosquitto.pid /var/run/mosquitto/mosquitto.pid \
    /run/postgresql/15-main.pid /var/run/postgresql/15-main.pid
}

live_pid_of_file() {
  local pid
  [[ -r "$1" ]] || return 1
  pid="$(head -n 1 "$1" | tr -dc '0-9')"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

POLICY_RC_CREATED=0
remove_policy_rc() {
  if ((POLICY_RC_CREATED)); then
    rm -f /usr/sbin/policy-rc.d
    POLICY_RC_CREATED=0
  fi
}

# Installs the Debian packages of the selected services that are missing (apt-get, root).
# Debian's own service instances (port 8086, 5432, 1883, /var/lib data) must not start:
# a policy-rc.d that exits 101 makes invoke-rc.d refuse every start during the install.
# If one started anyway (e.g. an existing policy-rc.d allowed it), it is stopped, and only
# if its PID file did not point to a live process before the install.
ensure_installed() {
  local svc missing=() f pid
  for svc in "$@"; do
    have_service "$svc" || missing+=("$(debian_package "$svc")")
  done
  ((${#missing[@]})) || return 0

  [[ "$(id -u)" == 0 ]] || die "missing packages (${missing[*]}); run as root: bash infra/services.sh install"
  command -v apt-get >/dev/null || die "missing packages (${missing[*]}) and no apt-get on this machine: install them by hand"

  declare -A before=()
  for f in $(debian_pid_files); do
    pid="$(live_pid_of_file "$f")" && before["$f"]="$pid"
  done

  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\n# Created by hyperviseur infra/services.sh during apt-get install; removed afterwards.\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    POLICY_RC_CREATED=1
    trap remove_policy_rc EXIT
  fi

  log "installing ${missing[*]} (apt-get)"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  remove_policy_rc

  for f in $(debian_pid_files); do
    if pid="$(live_pid_of_file "$f")" && [[ "${before[$f]:-}" != "$pid" ]]; then
      log "stopping the system instance the package started (pid $pid from $f)"
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done

  for svc in "$@"; do
    have_service "$svc" || die "$(debian_package "$svc") installed but $svc is still not found"
  done
}

# ---------------------------------------------------------------------------------------
# start
# ---------------------------------------------------------------------------------------

start_influxdb() {
  local dir conf logf pidf pid
  dir="$(service_dir influxdb)"
  conf="$dir/influxdb.conf"
  logf="$(log_file influxdb)"
  pidf="$(pid_file influxdb)"
  mkdir -p "$dir"
  render "$INFRA_DIR/influxdb/influxdb.conf.tmpl" "$conf" \
    "DATA_DIR=$dir" "HTTP_PORT=$HV_INFLUX_PORT" "RPC_PORT=$((HV_INFLUX_PORT + 2))"
  check_port_free influxdb "$HV_INFLUX_PORT"
  # setsid: own session, so a Ctrl-C in the shell/test runner does not reach it.
  setsid nohup influxd -config "$conf" >>"$logf" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$pidf"
  wait_ready influxdb "$pid"
}

start_postgres() {
  local dir data logf sock pid
  dir="$(service_dir postgres)"
  data="$dir/data"
  logf="$(log_file postgres)"
  sock="$(pg_socket_dir)"
  mkdir -p "$dir" "$sock"
  chown "$PG_USER:" "$dir" "$sock"
  chmod 700 "$dir"
  ensure_traversable_for_postgres "$dir"
  if [[ ! -s "$data/PG_VERSION" ]]; then
    log "postgres: initdb $data"
    rm -rf "$data"
    runuser -u "$PG_USER" -- "$PG_BIN/initdb" -D "$data" --auth=trust -U "$PG_USER" \
      --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      {
        cat "$dir/initdb.log" >&2
        die "initdb failed"
      }
  fi
  # A postmaster.pid left by a crash is handled by postgres itself: it refuses to start
  # while that PID exists. A killed postmaster stays a zombie until init reaps it, so wait
  # for the PID to be really gone first.
  pid="$(recorded_pid postgres)"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    local deadline=$((SECONDS + 10))
    while kill -0 "$pid" 2>/dev/null && ! pid_alive "$pid" postgres && ((SECONDS < deadline)); do
      sleep 0.1
    done
  fi
  check_port_free postgres "$HV_PG_PORT"
  if ! runuser -u "$PG_USER" -- "$PG_BIN/pg_ctl" -D "$data" -l "$logf" -w -t "$HV_START_TIMEOUT" \
    -o "-p $HV_PG_PORT -c listen_addresses=127.0.0.1 -k '$sock' -c fsync=on -c max_connections=200" \
    start >"$dir/pg_ctl.log" 2>&1 </dev/null; then
    cat "$dir/pg_ctl.log" >&2
    fail_with_log postgres "pg_ctl start failed"
  fi
  pid="$(recorded_pid postgres)"
  wait_ready postgres "$pid"
  if [[ "$("$PG_BIN/psql" -h 127.0.0.1 -p "$HV_PG_PORT" -U "$PG_USER" -d postgres -XtAq \
    -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'")" != 1 ]]; then
    "$PG_BIN/psql" -h 127.0.0.1 -p "$HV_PG_PORT" -U "$PG_USER" -d postgres -Xq -v ON_ERROR_STOP=1 \
      -c "CREATE DATABASE \"$PG_DATABASE\"" || die "could not create database $PG_DATABASE"
    log "postgres: created database $PG_DATABASE"
  fi
}

start_mosquitto() {
  local dir conf pid
  dir="$(service_dir mosquitto)"
  conf="$dir/mosquitto.conf"
  mkdir -p "$dir/data"
  render "$INFRA_DIR/mosquitto/mosquitto.conf.tmpl" "$conf" "DIR=$dir" "PORT=$HV_MOSQUITTO_PORT"
  check_port_free mosquitto "$HV_MOSQUITTO_PORT"
  # Foreground process in its own session: $! is mosquitto's PID (it also writes pid_file
  # itself), and errors printed before its log file is open land in stderr.log.
  setsid nohup mosquitto -c "$conf" >"$dir/stderr.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$(pid_file mosquitto)"
  wait_ready mosquitto "$pid"
}

start_one() {
  local svc="$1" pid t0
  if pid="$(running_pid "$svc")"; then
    log "$svc already running (pid $pid, port $(service_port "$svc"))"
    return 0
  fi
  t0=$(date +%s%N)
  "start_$svc"
  pid="$(running_pid "$svc")" || fail_with_log "$svc" "$svc is not running after start"
  log "$svc started (pid $pid, 127.0.0.1:$(service_port "$svc"), $((($(date +%s%N) - t0) / 1000000)) ms)"
}

# ---------------------------------------------------------------------------------------
# stop
# ---------------------------------------------------------------------------------------

stop_one() {
  local svc="$1" pid name sig deadline children
  name="$(proc_name "$svc")"
  if ! pid="$(running_pid "$svc")"; then
    log "$svc not running"
    [[ "$svc" != postgres ]] && rm -f "$(pid_file "$svc")"
    return 0
  fi
  # PostgreSQL: SIGINT = "fast" shutdown (what pg_ctl stop -m fast sends); SIGTERM would be
  # "smart" shutdown, which waits for every client to disconnect.
  sig=TERM
  [[ "$svc" == postgres ]] && sig=INT
  kill -"$sig" "$pid" 2>/dev/null || true
  deadline=$((SECONDS + HV_STOP_TIMEOUT))
  while pid_alive "$pid" "$name"; do
    if ((SECONDS >= deadline)); then
      log "$svc (pid $pid) still running after ${HV_STOP_TIMEOUT}s: SIGKILL"
      children="$(pgrep -P "$pid" 2>/dev/null || true)"
      kill -KILL "$pid" 2>/dev/null || true
      # PostgreSQL backends are children of the postmaster: do not leave them orphaned.
      [[ -n "$children" ]] && kill -KILL $children 2>/dev/null || true
      sleep 0.2
      break
    fi
    sleep 0.1
  done
  if [[ "$svc" == postgres ]]; then
    # postmaster.pid goes once the postmaster has exited cleanly; after a SIGKILL it
    # stays and postgres checks it at the next start.
    while [[ -e "$(pid_file postgres)" ]] && process_alive "$pid"; do sleep 0.1; done
  else
    rm -f "$(pid_file "$svc")"
  fi
  log "$svc stopped (pid $pid)"
}

# ---------------------------------------------------------------------------------------
# status
# ---------------------------------------------------------------------------------------

status_one() {
  local svc="$1" pid
  if pid="$(running_pid "$svc")"; then
    printf '%-9s running (pid %s, port %s)\n' "$svc" "$pid" "$(service_port "$svc")"
    return 0
  fi
  printf '%-9s stopped\n' "$svc"
  return 3
}

# ---------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------

main() {
  local action="${1:-}" which="${2:-all}" svc rc=0
  local -a selected
  (($# <= 2)) || usage
  case "$which" in
    all) selected=("${ALL_SERVICES[@]}") ;;
    influxdb | postgres | mosquitto) selected=("$which") ;;
    chromium) [[ "$action" == install ]] || usage; selected=(chromium) ;;
    *) usage ;;
  esac
  validate_env

  case "$action" in
    install)
      ensure_installed "${selected[@]}"
      for svc in "${selected[@]}"; do log "$svc: installed ($(debian_package "$svc"))"; done
      ;;
    start)
      ensure_installed "${selected[@]}"
      mkdir -p "$HV_RUN_DIR"
      for svc in "${selected[@]}"; do start_one "$svc"; done
      ;;
    stop)
      for svc in "${selected[@]}"; do stop_one "$svc"; done
      ;;
    restart)
      for svc in "${selected[@]}"; do stop_one "$svc"; done
      ensure_installed "${selected[@]}"
      mkdir -p "$HV_RUN_DIR"
      for svc in "${selected[@]}"; do start_one "$svc"; done
      ;;
    status)
      for svc in "${selected[@]}"; do status_one "$svc" || rc=3; done
      return "$rc"
      ;;
    *) usage ;;
  esac
}

main "$@"

# shellcheck shell=bash
# scripts/lib/common.sh - shared shell functions for scripts/stack, scripts/demo,
# scripts/check and the integration tests.
#
# Source it from a bash script that runs with `set -euo pipefail`. It defines:
#   DOITONG_SRC_DIR    the source tree (found from this file's location)
#   DOITONG_BUILD_DIR  where the binaries are built (default: the source tree)
#   log / warn / die   progress and errors, always on stderr (stdout stays clean)
#   ensure_packages    installs the Debian packages the project needs (root)
#   build_tree         autoreconf + configure + make, each step only when needed
#   port_in_use, wait_for, pid_alive, read_pidfile, as_user, ensure_traversable
# Nothing here talks to anything but 127.0.0.1 and the Debian archive (apt-get).

# --- locations -------------------------------------------------------------

DOITONG_SRC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
DOITONG_BUILD_DIR=${DOITONG_BUILD_DIR:-$DOITONG_SRC_DIR}
export DOITONG_SRC_DIR DOITONG_BUILD_DIR

# --- logging (stderr only) -------------------------------------------------

DOITONG_LOG_TAG=${DOITONG_LOG_TAG:-$(basename "$0")}

log() { printf '%s: %s\n' "$DOITONG_LOG_TAG" "$*" >&2; }
warn() { printf '%s: warning: %s\n' "$DOITONG_LOG_TAG" "$*" >&2; }
die() {
	printf '%s: error: %s\n' "$DOITONG_LOG_TAG" "$*" >&2
	exit 1
}

# --- packages --------------------------------------------------------------

# Every Debian 12 package the build, the stack and the tests need.
DOITONG_PACKAGES=(
	build-essential autoconf automake libtool pkg-config
	libfcgi-dev libjansson-dev libpq-dev libcurl4-openssl-dev libssl-dev
	nettle-dev
	libcmocka-dev
	postgresql-15 postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl
	espeak-ng ffmpeg fonts-dejavu-core
	lighttpd apache2 libapache2-mod-fcgid spawn-fcgi
	curl jq ca-certificates procps iproute2 util-linux
	clang valgrind
)

# package_installed PKG: true when dpkg has PKG fully installed.
package_installed() {
	local st
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null) || return 1
	[[ $st == ii* ]]
}

# Commands the tests need that some machines already have from elsewhere
# (Node.js from NodeSource ships npm itself, and Debian's npm package would
# fight it; python3 may come from pyenv): installed from Debian only when the
# command is missing. python3 runs the client suite's lossy proxy, file
# identifies downloaded results.
DOITONG_COMMAND_PACKAGES=(node:nodejs npm:npm python3:python3 file:file)

# ensure_packages: install_packages with the whole DOITONG_PACKAGES list,
# plus the packages of DOITONG_COMMAND_PACKAGES whose command is missing.
ensure_packages() {
	local pair extra=()
	for pair in "${DOITONG_COMMAND_PACKAGES[@]}"; do
		command -v "${pair%%:*}" >/dev/null 2>&1 || extra+=("${pair#*:}")
	done
	install_packages "${DOITONG_PACKAGES[@]}" "${extra[@]}"
}

# install_packages PKG...: installs whichever of PKG is missing, with one
# `apt-get update` and one `apt-get install`. System services that the
# packages ship (postgresql, apache2, lighttpd) are kept from starting during
# the install with a temporary policy-rc.d; we never use them.
install_packages() {
	local pkgs=("$@") missing=() p policy=/usr/sbin/policy-rc.d own_policy=0
	for p in "${pkgs[@]}"; do
		package_installed "$p" || missing+=("$p")
	done
	if ((${#missing[@]} == 0)); then
		log "packages: all ${#pkgs[@]} present"
		return 0
	fi
	if ((EUID != 0)); then
		die "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
	fi
	log "packages: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	if [[ ! -e $policy ]]; then
		printf '#!/bin/sh\n# doitong: keep services from starting during install\nexit 101\n' >"$policy"
		chmod 755 "$policy"
		own_policy=1
	fi
	local rc=0
	apt-get update </dev/null >&2 || rc=$?
	if ((rc == 0)); then
		apt-get install -y --no-install-recommends "${missing[@]}" </dev/null >&2 || rc=$?
	fi
	((own_policy)) && rm -f "$policy"
	((rc == 0)) || die "apt-get failed (exit $rc) installing: ${missing[*]}"
	for p in "${missing[@]}"; do
		package_installed "$p" || die "package $p is still not installed after apt-get"
	done
	stop_system_services
}

# stop_system_services: when a package install started Debian's own
# postgresql / apache2 / lighttpd service anyway (systemd without the policy
# file), stop it: our instances run from .run/ and need none of them.
stop_system_services() {
	local s
	command -v systemctl >/dev/null 2>&1 || return 0
	[[ -d /run/systemd/system ]] || return 0
	for s in postgresql apache2 lighttpd; do
		if systemctl is-active --quiet "$s" 2>/dev/null; then
			log "stopping the system $s service (the stack runs its own instance)"
			systemctl stop "$s" >&2 || warn "could not stop system service $s"
		fi
	done
}

# require_commands CMD...: dies naming the missing commands.
require_commands() {
	local c missing=()
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || missing+=("$c")
	done
	((${#missing[@]} == 0)) ||
		die "missing commands: ${missing[*]} (install the packages: scripts/demo does it, or run ensure_packages from scripts/lib/common.sh as root)"
}

# --- build -----------------------------------------------------------------

# build_tree: autoreconf -fi (when configure is missing or older than
# configure.ac), configure (when there is no Makefile or it is older than
# configure), then make -j2; automake's own rebuild rules pick up later edits
# of Makefile.am and configure.ac. Output goes to stderr.
build_tree() {
	local src=$DOITONG_SRC_DIR build=$DOITONG_BUILD_DIR
	[[ -f $src/configure.ac ]] || die "no configure.ac in $src"
	if [[ ! -x $src/configure || $src/configure.ac -nt $src/configure ]]; then
		log "build: autoreconf -fi"
		(cd "$src" && autoreconf -fi) >&2 || die "autoreconf failed"
	fi
	mkdir -p "$build"
	if [[ ! -f $build/Makefile || $src/configure -nt $build/Makefile ]]; then
		log "build: configure"
		(cd "$build" && "$src/configure") >&2 || die "configure failed (see $build/config.log)"
	fi
	log "build: make -j2"
	make -C "$build" -j2 >&2 || die "make failed"
	local b
	for b in doitong.fcgi doitong-scheduler doitong-admin; do
		[[ -x $build/$b ]] || die "the build did not produce $build/$b"
	done
}

# --- processes, ports, waits -----------------------------------------------

# read_pidfile FILE: prints the pid in FILE (first line), or nothing.
read_pidfile() {
	[[ -r $1 ]] || return 0
	local pid
	read -r pid <"$1" || true
	[[ $pid =~ ^[0-9]+$ ]] && printf '%s\n' "$pid"
	return 0
}

# pid_alive PID: true when PID names a live (non-zombie) process.
pid_alive() {
	local pid=${1:-} state
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	state=$(ps -o stat= -p "$pid" 2>/dev/null) || return 1
	[[ -n $state && $state != Z* ]]
}

# pidfile_alive FILE: true when FILE holds the pid of a live process.
pidfile_alive() {
	pid_alive "$(read_pidfile "$1")"
}

# port_in_use PORT: true when something listens on TCP PORT (any address).
port_in_use() {
	[[ -n $(ss -Hltn "sport = :$1" 2>/dev/null) ]]
}

# port_owner PORT: a short description of the listener on PORT, for errors.
port_owner() {
	local out
	out=$(ss -Hltnp "sport = :$1" 2>/dev/null | head -n 1)
	printf '%s\n' "${out:-unknown process}"
}

# wait_for SECONDS WHAT CMD...: runs CMD every 0.25 s until it succeeds;
# returns 1 (after saying WHAT timed out) when SECONDS pass first.
wait_for() {
	local limit=$1 what=$2 deadline
	shift 2
	deadline=$((SECONDS + limit))
	while ((SECONDS < deadline)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.25
	done
	"$@" >/dev/null 2>&1 && return 0
	warn "timed out after ${limit}s waiting for $what"
	return 1
}

# http_answers URL: true when an HTTP server answers URL with any status.
http_answers() {
	local code
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" 2>/dev/null) || true
	[[ -n $code && $code != 000 ]]
}

# stop_pid PID WHAT [SECONDS]: SIGTERM, wait up to SECONDS (default 15),
# then SIGKILL. Only ever called with pids from our own pid files.
stop_pid() {
	local pid=$1 what=$2 limit=${3:-15} deadline
	pid_alive "$pid" || return 0
	kill -TERM "$pid" 2>/dev/null || true
	deadline=$((SECONDS + limit))
	while pid_alive "$pid" && ((SECONDS < deadline)); do
		sleep 0.2
	done
	if pid_alive "$pid"; then
		warn "$what (pid $pid) did not stop in ${limit}s; sending SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
		sleep 0.5
	fi
	! pid_alive "$pid"
}

# --- users and permissions ---------------------------------------------------

# as_user USER CMD...: runs CMD as USER when we are root, else as ourselves.
as_user() {
	local user=$1
	shift
	if ((EUID == 0)); then
		runuser -u "$user" -- "$@"
	else
		"$@"
	fi
}

# ensure_traversable DIR USER: makes sure USER can reach DIR (search
# permission on every ancestor). As root, adds o+x (search only, no listing)
# to ancestors that lack it, e.g. /root when the clone lives there.
ensure_traversable() {
	local dir=$1 user=$2 d p
	((EUID == 0)) || return 0
	id "$user" >/dev/null 2>&1 || die "system user $user does not exist (is its package installed?)"
	runuser -u "$user" -- test -x "$dir" 2>/dev/null && return 0
	# Walk from / down, so each test only fails for the directory itself.
	local -a parts
	IFS=/ read -r -a parts <<<"${dir#/}"
	d=
	for p in "${parts[@]}"; do
		[[ -n $p ]] || continue
		d+=/$p
		[[ -d $d ]] || break
		if ! runuser -u "$user" -- test -x "$d" 2>/dev/null; then
			log "granting search permission (o+x) on $d so $user can reach $dir"
			chmod o+x "$d"
		fi
	done
	runuser -u "$user" -- test -x "$dir" || die "$user cannot reach $dir; fix the directory permissions"
}

#!/usr/bin/env bash
# tests/integration/install.sh - what `make install` puts down, used the way an
# administrator would: `make install DESTDIR=$tmp prefix=/usr/local`, then
#  1. the installed example configuration, every setting uncommented, is
#     accepted; a bad value stops the installed binaries naming the setting;
#  2. a separate Apache (own ServerRoot, pid file and port on 127.0.0.1) with
#     the INSTALLED mod_fcgid snippet (examples/doitong-apache.conf, which
#     make install rendered with the installed paths; moved under DESTDIR)
#     in front of the installed doitong.fcgi reading the installed doitong.conf;
#  3. lighttpd with the INSTALLED examples/lighttpd.conf (moved the same way,
#     on a loopback port);
#  4. a second Apache with no mod_fcgid, serving a directory that holds the
#     installed binary and the INSTALLED htaccess example as .htaccess (plain
#     CGI through mod_cgid, mod_rewrite routing /graphql);
# and runs the seed page's requests (seed_checks.sh) through each, against
# the stack's PostgreSQL and scheduler. Every server is stopped at exit.
# Ports: DOITONG_INSTALL_PORT (8515) and the next two.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=seed_checks.sh
. "$IT_LIB_DIR/seed_checks.sh"

it_init install
command -v apache2 >/dev/null || it_abort "apache2 is not installed"
MODULES=/usr/lib/apache2/modules
for m in mod_fcgid mod_cgid mod_rewrite mod_headers; do
	[[ -f $MODULES/$m.so ]] || it_abort "Apache module $m is missing ($MODULES/$m.so)"
done
# shellcheck disable=SC2119 # (the database, migrations, the scheduler)
it_stack_up

FCGID_PORT=${DOITONG_INSTALL_PORT:-8515}
CGI_PORT=$((FCGID_PORT + 1))
PG_PORT=${DOITONG_PG_PORT:-55432}
WEB_DSN=postgresql://doitong_web@127.0.0.1:$PG_PORT/doitong
# The stack's runtime settings (media dir and URL, outbound guard...).
declare -A STACK_ENV=()
while IFS='=' read -r name val; do
	[[ $name == DOITONG_* ]] && STACK_ENV[$name]=$val
done < <(bash "$DOITONG_SRC_DIR/scripts/stack" env) || it_abort "scripts/stack env failed"
MEDIA_DIR=${STACK_ENV[DOITONG_MEDIA_DIR]:?}

# Apache's children run as www-data when we are root: they must reach the tree.
chmod 755 "$IT_TMP"
WEB_USER=''
((EUID == 0)) && WEB_USER=www-data

APACHE_CONFS=()
stop_apaches() {
	local conf pidf pid i
	for conf in "${APACHE_CONFS[@]}"; do
		pidf=$(dirname "$conf")/run/httpd.pid
		pid=$(cat "$pidf" 2>/dev/null) || continue
		kill -TERM "$pid" 2>/dev/null || continue
		for ((i = 0; i < 100; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	done
	return 0
}
LT_PIDFILE=''
stop_lighttpd() {
	local pid i
	[[ -n $LT_PIDFILE ]] && pid=$(cat "$LT_PIDFILE" 2>/dev/null) || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.2
	done
	kill -KILL "$pid" 2>/dev/null
	return 0
}
trap 'rc=$?; stop_apaches; stop_lighttpd; (exit $rc); it_finish' EXIT

# --- make install -------------------------------------------------------------
DEST=$IT_TMP/dest
PREFIX=$DEST/usr/local
if ! timeout 300 make -s -C "$DOITONG_BUILD_DIR" install DESTDIR="$DEST" prefix=/usr/local \
	>"$IT_TMP/install.log" 2>&1; then
	sed 's/^/#   /' "$IT_TMP/install.log" | tail -20
	it_abort "make install DESTDIR=$DEST failed"
fi
pass "make install DESTDIR=... prefix=/usr/local"
for f in bin/doitong.fcgi bin/doitong-scheduler bin/doitong-admin bin/doitong \
	share/doitong/sql/grants.sql share/doitong/sql/migrations/000001_schemas_roles.sql \
	share/doitong/sql/api/jobs_claim.sql share/doitong/samples/sample-video.mp4 \
	etc/doitong/doitong.conf.example \
	share/doitong/examples/doitong-vhost.conf.in share/doitong/examples/htaccess.example \
	share/doitong/examples/lighttpd.conf.in share/doitong/examples/doitong-scheduler.service \
	share/doitong/examples/doitong-fcgi.service share/doitong/examples/doitong.cron \
	share/doitong/examples/doitong-apache.conf share/doitong/examples/lighttpd.conf \
	share/doitong/examples/doitong.env.example \
	share/man/man5/doitong.conf.5 share/man/man8/doitong-scheduler.8 \
	share/man/man8/doitong-admin.8 share/man/man1/doitong.1; do
	if [[ -s $PREFIX/$f ]]; then pass "installed $f"; else fail "installed $f"; fi
done
# The rendered examples are ready to use: no placeholder is left in them.
for f in "$PREFIX"/share/doitong/examples/* "$PREFIX/etc/doitong/doitong.conf.example"; do
	[[ $f == *.in ]] && continue
	if left=$(grep -n '@[A-Za-z_]*@' "$f"); then fail "no placeholder left in ${f#"$PREFIX"/}" "$left"; fi
done
assert_eq "the installed systemd unit runs the installed scheduler" \
	'ExecStart=/usr/local/bin/doitong-scheduler --loop' \
	"$(grep '^ExecStart=' "$PREFIX/share/doitong/examples/doitong-scheduler.service")"
assert_match "the installed cron line runs the installed scheduler with the installed config" \
	'DOITONG_CONFIG=/usr/local/etc/doitong/doitong.conf DOITONG_DSN=[^ ]+ /usr/local/bin/doitong-scheduler --once' \
	"$(<"$PREFIX/share/doitong/examples/doitong.cron")"
# Every SQL file of the source tree is installed.
src_sql=$(cd "$DOITONG_SRC_DIR/sql" && find . -name '*.sql' | sort)
inst_sql=$(cd "$PREFIX/share/doitong/sql" && find . -name '*.sql' | sort)
assert_eq "the installed SQL tree is the source's ($(wc -l <<<"$src_sql") files)" "$src_sql" "$inst_sql"

# --- 1. the example configuration -------------------------------------------
CONF=$IT_TMP/doitong.conf
sed 's/^#\([a-z_]* =\)/\1/' "$PREFIX/etc/doitong/doitong.conf.example" >"$CONF"
n=$(grep -c '^[a-z_]* =' "$CONF")
out=$(DOITONG_CONFIG=$CONF DOITONG_DSN=$DOITONG_DSN DOITONG_SQL_DIR=$PREFIX/share/doitong/sql \
	timeout 30 "$PREFIX/bin/doitong-admin" migrate --status 2>&1) && rc=0 || rc=$?
assert_eq "installed doitong-admin accepts the example config ($n settings uncommented)" 0 "$rc"
assert_match "migrate --status with the installed SQL: nothing pending" 'applied' "$out"
if grep -q '^pending' <<<"$out"; then fail "no pending migration" "$out"; else pass "no pending migration"; fi
printf 'max_body_bytes = 1M\n' >"$IT_TMP/bad.conf"
for bin in doitong-admin doitong-scheduler; do
	args=(migrate --status)
	[[ $bin == doitong-scheduler ]] && args=(--once)
	out=$(DOITONG_CONFIG=$IT_TMP/bad.conf DOITONG_DSN=$DOITONG_DSN timeout 30 "$PREFIX/bin/$bin" "${args[@]}" 2>&1) &&
		rc=0 || rc=$?
	assert_eq "$bin with max_body_bytes = 1M: exits 1" 1 "$rc"
	assert_match "$bin names the bad setting" 'max_body_bytes' "$out"
done
# The environment override is checked the same way.
out=$(DOITONG_CONFIG=$CONF DOITONG_WEBHOOK_ALLOW_PRIVATE=maybe DOITONG_DSN=$DOITONG_DSN \
	timeout 30 "$PREFIX/bin/doitong-admin" migrate --status 2>&1) && rc=0 || rc=$?
assert_eq "DOITONG_WEBHOOK_ALLOW_PRIVATE=maybe: exits 1" 1 "$rc"
assert_match "the message names webhook_allow_private" 'webhook_allow_private' "$out"

# close_breakers: the seed page's VIDEO minimax jobs fail upstream in this
# stack (no vendor key), and every seed run adds to minimax's failure streak;
# after a few runs its breaker would refuse the page's request. Each pass
# starts from closed breakers, as on a fresh install.
close_breakers() {
	psql "$DOITONG_DSN" -XAtq -v ON_ERROR_STOP=1 -c "UPDATE internal.providers
		SET failure_streak = 0, breaker_open_until = NULL, breaker_trips = 0" >/dev/null ||
		it_abort "could not reset the providers' breakers"
}

# seed_through SUITE URL: the seed page's requests against URL, from closed breakers.
seed_through() {
	IT_SUITE=$1 DOITONG_URL=$2
	close_breakers
	run_seed_checks
}

# apache_start NAME CONF PORT: checks and starts one server, waits until it answers.
apache_start() {
	local name=$1 conf=$2 port=$3 dir i
	dir=$(dirname "$conf")
	if curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$port/"; then
		it_abort "port $port is in use; set DOITONG_INSTALL_PORT"
	fi
	apache2 -t -f "$conf" >"$dir/logs/start.log" 2>&1 || {
		sed 's/^/#   /' "$dir/logs/start.log"
		it_abort "apache ($name) rejected $conf"
	}
	APACHE_CONFS+=("$conf")
	apache2 -f "$conf" -k start </dev/null >>"$dir/logs/start.log" 2>&1 || {
		sed 's/^/#   /' "$dir/logs/start.log" "$dir/logs/error.log" 2>/dev/null
		it_abort "apache ($name) did not start"
	}
	for ((i = 0; i < 75; i++)); do
		curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$port/" && return 0
		sleep 0.2
	done
	it_abort "apache ($name) is not answering on port $port"
}

# The Apache core both servers share: modules from Debian, none of /etc/apache2.
base_conf() { # DIR PORT MODULE...
	local dir=$1 port=$2 m
	shift 2
	cat <<EOF
ServerRoot "$dir"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile "$dir/run/httpd.pid"
DefaultRuntimeDir "$dir/run"
ErrorLog "$dir/logs/error.log"
LogLevel warn
${WEB_USER:+User $WEB_USER
Group $WEB_USER}
Mutex pthread default
StartServers 1
ServerLimit 1
ThreadsPerChild 25
MaxRequestWorkers 25
EOF
	for m in mpm_event authz_core authz_host mime alias env headers dir setenvif "$@"; do
		printf 'LoadModule %s_module %s/mod_%s.so\n' "$m" "$MODULES" "$m"
	done
	cat <<EOF
<IfModule !mod_log_config.c>
	LoadModule log_config_module $MODULES/mod_log_config.so
</IfModule>
<IfModule !mod_unixd.c>
	LoadModule unixd_module $MODULES/mod_unixd.so
</IfModule>
TypesConfig /etc/mime.types
CustomLog "$dir/logs/access.log" common
<Directory />
	AllowOverride None
	Options None
	Require all denied
</Directory>
EOF
}

# --- 2. Apache + mod_fcgid with the installed, rendered snippet --------------
# `make install` wrote examples/doitong-apache.conf with the installed paths
# (prefix /usr/local here); the staged tree lives under $DEST, so the test
# moves every /usr/local path there and nothing else. The responders read
# the installed configuration file the snippet names, as in production.
STATE=$PREFIX/var/lib/doitong
relocate() { sed "s|/usr/local/|$PREFIX/|g" "$1"; }
mkdir -p "$STATE/apache/run" "$STATE/apache/logs" "$STATE/apache/fcgid" "$STATE/www/graphiql"
# The snippet serves the state directory's media/: here the stack scheduler's.
[[ -d $STATE/media ]] || it_abort "make install did not create the state directory's media/"
rmdir "$STATE/media" && ln -s "$MEDIA_DIR" "$STATE/media"
[[ -n $WEB_USER ]] && chown "$WEB_USER:$WEB_USER" "$STATE/apache" "$STATE/apache/fcgid" "$STATE/apache/logs"
INSTALLED_CONF=$PREFIX/etc/doitong/doitong.conf
{
	cat "$PREFIX/etc/doitong/doitong.conf.example"
	printf 'dsn = %s\n' "$WEB_DSN"
	printf 'sql_dir = %s\nsamples_dir = %s\n' "$PREFIX/share/doitong/sql" "$PREFIX/share/doitong/samples"
	printf 'media_dir = %s\nmedia_url = %s\n' "$MEDIA_DIR" "${STACK_ENV[DOITONG_MEDIA_URL]}"
	printf 'outbound_allow_loopback = %s\n' "${STACK_ENV[DOITONG_OUTBOUND_ALLOW_LOOPBACK]:-0}"
	printf 'log_level = %s\n' "${STACK_ENV[DOITONG_LOG_LEVEL]:-info}"
} >"$INSTALLED_CONF"
chmod 644 "$INSTALLED_CONF"
relocate "$PREFIX/share/doitong/examples/doitong-apache.conf" >"$STATE/apache/doitong-apache.conf"
if left=$(grep -n '"/usr/local/' "$STATE/apache/doitong-apache.conf"); then
	fail "the moved Apache snippet names only paths of the installed tree" "$left"
else
	pass "the moved Apache snippet names only paths of the installed tree"
fi
assert_match "the installed Apache snippet names the installed doitong.conf" \
	"FcgidInitialEnv DOITONG_CONFIG \"$INSTALLED_CONF\"" "$(<"$STATE/apache/doitong-apache.conf")"
A1=$STATE
{
	base_conf "$A1/apache" "$FCGID_PORT" fcgid
	cat <<EOF
LimitRequestBody 1048576
DocumentRoot "$A1/www"
<Directory "$A1/www">
	Require all granted
</Directory>
# The snippet's media directory is a symbolic link to the stack's.
<Directory "$A1">
	Options FollowSymLinks
</Directory>
DirectoryIndex disabled
Include "$A1/apache/doitong-apache.conf"
EOF
} >"$A1/apache/httpd.conf"
apache_start fcgid "$A1/apache/httpd.conf" "$FCGID_PORT"
pass "Apache with the installed snippet (server context) started on 127.0.0.1:$FCGID_PORT"
http_get "http://127.0.0.1:$FCGID_PORT/healthz" ''
assert_status "fcgid: GET /healthz through the installed snippet" 200
# Static media: the snippet's types and caching headers.
cp "$PREFIX/share/doitong/samples/sample-video.mp4" "$MEDIA_DIR/it-install-$$.mp4"
http_get "http://127.0.0.1:$FCGID_PORT/media/it-install-$$.mp4" '' -I
rm -f "$MEDIA_DIR/it-install-$$.mp4"
assert_status "fcgid: GET /media/*.mp4" 200
assert_eq "fcgid: /media/*.mp4 is video/mp4" video/mp4 "$RESP_TYPE"
assert_eq "fcgid: /media caching header" 'public, max-age=3600' "$(resp_header Cache-Control)"
assert_eq "fcgid: /media nosniff" nosniff "$(resp_header X-Content-Type-Options)"

seed_through install-fcgid "http://127.0.0.1:$FCGID_PORT/graphql"

# --- 3. lighttpd with the installed, rendered configuration ------------------
# examples/lighttpd.conf is a whole server configuration (port 80 on every
# address, responders as www-data); the test moves it to a loopback port.
LT_PORT=$((FCGID_PORT + 2))
mkdir -p "$STATE/lighttpd/sock" "$STATE/lighttpd/tmp" "$STATE/lighttpd/logs" "$STATE/lighttpd/state"
[[ -n $WEB_USER ]] && chown "$WEB_USER:$WEB_USER" "$STATE/lighttpd/sock" "$STATE/lighttpd/tmp" \
	"$STATE/lighttpd/logs" "$STATE/lighttpd/state"
LT_CONF=$STATE/lighttpd/lighttpd.conf
relocate "$PREFIX/share/doitong/examples/lighttpd.conf" |
	sed -e "s|^server.bind .*|server.bind = \"127.0.0.1\"|" -e "s|^server.port .*|server.port = $LT_PORT|" |
	if [[ -n $WEB_USER ]]; then cat; else grep -v '^server\.\(user\|group\)name'; fi >"$LT_CONF"
assert_match "the installed lighttpd.conf names the installed doitong.fcgi" \
	"\"bin-path\" *=> \"$PREFIX/bin/doitong.fcgi\"" "$(<"$LT_CONF")"
if out=$(lighttpd -tt -f "$LT_CONF" 2>&1); then
	pass "lighttpd -tt accepts the installed lighttpd.conf"
else
	fail "lighttpd -tt accepts the installed lighttpd.conf" "$out"
fi
if curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$LT_PORT/"; then
	it_abort "port $LT_PORT is in use; set DOITONG_INSTALL_PORT"
fi
LT_PIDFILE=$STATE/lighttpd/lighttpd.pid
lighttpd -f "$LT_CONF" </dev/null >"$IT_TMP/lighttpd.log" 2>&1 || {
	sed 's/^/#   /' "$IT_TMP/lighttpd.log" "$STATE/lighttpd/logs/error.log" 2>/dev/null
	it_abort "lighttpd did not start with the installed configuration"
}
for ((i = 0; i < 75; i++)); do
	curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$LT_PORT/healthz" && break
	sleep 0.2
done
http_get "http://127.0.0.1:$LT_PORT/healthz" ''
assert_status "lighttpd: GET /healthz through the installed configuration" 200
seed_through install-lighttpd "http://127.0.0.1:$LT_PORT/graphql"
stop_lighttpd

# --- 4. Apache, plain CGI, with the installed .htaccess ----------------------
A2=$IT_TMP/cgi
mkdir -p "$A2/run" "$A2/logs" "$A2/www"
install -m 755 "$PREFIX/bin/doitong.fcgi" "$A2/www/doitong.fcgi"
CGI_CONF=$A2/doitong.conf
{
	cat "$PREFIX/etc/doitong/doitong.conf.example"
	printf 'dsn = %s\n' "$WEB_DSN"
	printf 'sql_dir = %s\nsamples_dir = %s\n' "$PREFIX/share/doitong/sql" "$PREFIX/share/doitong/samples"
	printf 'media_dir = %s\nmedia_url = %s\n' "$MEDIA_DIR" "${STACK_ENV[DOITONG_MEDIA_URL]}"
	printf 'outbound_allow_loopback = %s\n' "${STACK_ENV[DOITONG_OUTBOUND_ALLOW_LOOPBACK]:-0}"
} >"$CGI_CONF"
chmod 644 "$CGI_CONF"
sed "s|/home/USER/doitong/doitong.conf|$CGI_CONF|" "$PREFIX/share/doitong/examples/htaccess.example" \
	>"$A2/www/.htaccess"
grep -q "SetEnv DOITONG_CONFIG $CGI_CONF" "$A2/www/.htaccess" ||
	it_abort "the installed htaccess.example no longer has SetEnv DOITONG_CONFIG /home/USER/doitong/doitong.conf"
{
	base_conf "$A2" "$CGI_PORT" cgid rewrite
	cat <<EOF
ScriptSock "$A2/run/cgid.sock"
DocumentRoot "$A2/www"
# What a shared host grants: .htaccess may set handlers, options, auth and env.
<Directory "$A2/www">
	AllowOverride All
	Options ExecCGI
	Require all granted
</Directory>
# The scheduler's result files (a shared host would keep them under the web root).
Alias /media/ "$MEDIA_DIR/"
<Directory "$MEDIA_DIR">
	Require all granted
</Directory>
EOF
} >"$A2/httpd.conf"
apache_start cgi "$A2/httpd.conf" "$CGI_PORT"
pass "Apache with mod_cgid and the installed .htaccess started on 127.0.0.1:$CGI_PORT"

echo 'dsn = secret' >"$A2/www/site.conf"
http_get "http://127.0.0.1:$CGI_PORT/site.conf" ''
assert_status "cgi: the .htaccess refuses *.conf files" 403
http_get "http://127.0.0.1:$CGI_PORT/healthz" ''
assert_status "cgi: GET /healthz (the .htaccess routes it to the binary)" 200
seed_through install-cgi "http://127.0.0.1:$CGI_PORT/graphql"
IT_SUITE=install
if ((IT_FAIL)); then
	tail -n 20 "$A2/logs/error.log" | sed 's/^/#   error.log: /'
fi
if grep -q 'End of script output before headers\|AH01215' "$A2/logs/error.log" 2>/dev/null; then
	fail "cgi: no CGI errors in Apache's error log" "$(tail -5 "$A2/logs/error.log")"
else
	pass "cgi: no CGI errors in Apache's error log"
fi

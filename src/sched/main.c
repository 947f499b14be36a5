/*
 * main.c - doitong-scheduler: the command line and the two loops.
 *
 * Work is due jobs (claim.c, run.c) and due webhook deliveries (deliver.c).
 * --once (cron): purge, then claim and run batches until nothing is due or
 * ~50 s have passed. --loop (daemon): LISTEN doitong_jobs, run due work,
 * purge about once a minute, and when idle wait on the connection's socket
 * for a notification or the 1 s tick. New jobs notify only while a scheduler
 * holds the idle lock (sleep_until_work; the protocol is in
 * sql/internal/jobs_notify.sql): a NOTIFY in every generate would serialise
 * their commits.
 * SIGTERM/SIGINT finish the current job and exit 0. After start-up a lost
 * database is logged once and retried with backoff (1 s doubling to 10 s);
 * the daemon never exits for it.
 */
#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/arena.h"
#include "common/config.h"
#include "common/log.h"
#include "db/db.h"
#include "outbound/http.h"
#include "sched/claim.h"
#include "sched/deliver.h"
#include "sched/purge.h"
#include "sched/run.h"
#include "common/util.h"

#define ONCE_BUDGET_MS 50000
#define TICK_MS 1000
/* How soon to look again when the idle lock was not free: a job being
 * created (it commits in a moment) or another scheduler asleep (then new
 * jobs notify us too). Doubled on every miss up to TICK_MS, so a second idle
 * scheduler settles to the tick instead of polling. */
#define RECHECK_MS 50
#define BACKOFF_MAX_S 10

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static const char usage_text[] =
	"usage: doitong-scheduler --once | --loop\n"
	"\n"
	"  --once   work until nothing is due or about 50 seconds have passed (for cron)\n"
	"  --loop   run as a daemon woken by LISTEN/NOTIFY and a 1 second tick\n"
	"  --help   show this help\n"
	"\n"
	"Settings come from DOITONG_CONFIG (default " CONFIG_DEFAULT_PATH ") and\n"
	"DOITONG_* environment variables (DOITONG_DSN, DOITONG_MEDIA_DIR, ...).\n";

/* mkdir -p path with mode for the directories it creates. */
static int mkdir_p(const char *path, mode_t mode)
{
	char buf[4096];
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, mode) && errno != EEXIST)
		return -1;
	struct stat st;
	if (stat(buf, &st) || !S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

/* Sleeps up to ms, returning early on a signal. */
static void nap(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

/* One purge; its failure is logged and otherwise ignored. */
static void purge(struct sched *s, struct sched_purge *state)
{
	sched_purge(s, state);
	db_end_request(s->db);
	arena_reset(s->arena);
}

/* One batch of jobs, then one of webhook deliveries: how much was claimed,
 * or -1 when the database failed. */
static int run_due_work(struct sched *s)
{
	int jobs = sched_run_batch(s, &stop_requested);
	if (jobs < 0 || stop_requested)
		return jobs;
	int deliveries = sched_deliver_batch(s, &stop_requested);
	return deliveries < 0 ? -1 : jobs + deliveries;
}

static int run_once(struct sched *s)
{
	long long end = monotonic_ms() + ONCE_BUDGET_MS;
	struct sched_purge state = { 0 };
	purge(s, &state);
	while (!stop_requested && monotonic_ms() < end) {
		int n = run_due_work(s);
		if (n < 0)
			return 1;
		if (n == 0)
			break;
	}
	return 0;
}

/* LISTENs on the current connection unless already done on it. */
static bool ensure_listen(struct db *db, PGconn **listened, int *listened_pid)
{
	PGconn *conn = db_conn(db);
	if (!conn)
		return false;
	if (conn == *listened && PQbackendPID(conn) == *listened_pid)
		return true;
	PGresult *res = PQexec(conn, "LISTEN doitong_jobs");
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok)
		log_msg(LOG_ERROR, "LISTEN doitong_jobs failed: %s", PQerrorMessage(conn));
	PQclear(res);
	*listened = ok ? conn : NULL;
	*listened_pid = ok ? PQbackendPID(conn) : 0;
	return ok;
}

/* Drains queued notifications; returns how many there were. */
static int drain_notifies(PGconn *conn)
{
	int n = 0;
	PGnotify *note;
	while ((note = PQnotifies(conn))) {
		log_msg(LOG_DEBUG, "notified: %s", note->extra);
		PQfreemem(note);
		n++;
	}
	return n;
}

/* Waits up to timeout_ms for the socket to become readable. */
static void wait_for_work(PGconn *conn, int timeout_ms)
{
	if (drain_notifies(conn))
		return;
	struct pollfd pfd = { PQsocket(conn), POLLIN, 0 };
	if (pfd.fd < 0) {
		nap(timeout_ms);
		return;
	}
	if (poll(&pfd, 1, timeout_ms) > 0) {
		PQconsumeInput(conn); /* a failure shows in the next db_ready */
		drain_notifies(conn);
	}
}

/* Calls api.scheduler_idle or api.scheduler_busy: true when it returned true. */
static bool idle_lock_call(struct sched *s, const char *function)
{
	json_t *out = NULL;
	bool yes = db_call(s->db, s->arena, function, 0, NULL, &out, NULL) == API_OK && json_is_true(out);
	db_end_request(s->db);
	arena_reset(s->arena);
	return yes;
}

/*
 * Nothing was due: sleep until a job is created or the tick. Holding the idle
 * lock makes new jobs notify; a job committed just before it was taken is
 * found by the second look. Returns what that look returned (< 0: database).
 */
static int sleep_until_work(struct sched *s, int *recheck_ms)
{
	if (!idle_lock_call(s, "api.scheduler_idle")) {
		PGconn *conn = db_conn(s->db);
		if (conn)
			wait_for_work(conn, *recheck_ms);
		*recheck_ms = *recheck_ms * 2 > TICK_MS ? TICK_MS : *recheck_ms * 2;
		return 0;
	}
	*recheck_ms = RECHECK_MS;
	int n = run_due_work(s);
	PGconn *conn = db_conn(s->db);
	if (n == 0 && !stop_requested && conn)
		wait_for_work(conn, TICK_MS);
	if (n >= 0)
		idle_lock_call(s, "api.scheduler_busy");
	return n;
}

static bool database_answers(const char *dsn)
{
	const char *keys[] = { "dbname", "connect_timeout", NULL };
	const char *values[] = { dsn, "5", NULL };
	return PQpingParams(keys, values, 1) == PQPING_OK;
}

static int run_loop(struct sched *s)
{
	PGconn *listened = NULL;
	int listened_pid = 0, backoff = 1, recheck_ms = RECHECK_MS;
	bool down = false;
	struct sched_purge purge_state = { 0 };
	long long next_purge_ms = monotonic_ms();
	log_msg(LOG_INFO, "scheduler %s started (loop)", s->worker);
	while (!stop_requested) {
		bool ok = (!down || database_answers(s->cfg->dsn)) && db_ready(s->db) &&
			  ensure_listen(s->db, &listened, &listened_pid);
		int n = ok ? run_due_work(s) : -1;
		if (n < 0) {
			if (!down)
				log_msg(LOG_ERROR, "database unavailable; retrying with backoff up to %d s",
					BACKOFF_MAX_S);
			down = true;
			listened = NULL;
			nap(backoff * 1000);
			backoff = backoff * 2 > BACKOFF_MAX_S ? BACKOFF_MAX_S : backoff * 2;
			continue;
		}
		if (down) {
			log_msg(LOG_INFO, "database available again");
			down = false;
			backoff = 1;
		}
		if (monotonic_ms() >= next_purge_ms && !stop_requested) {
			purge(s, &purge_state);
			next_purge_ms = monotonic_ms() + SCHED_PURGE_INTERVAL_MS;
		}
		if (n > 0)
			recheck_ms = RECHECK_MS;
		if (n == 0 && !stop_requested && db_conn(s->db) && sleep_until_work(s, &recheck_ms) < 0)
			listened = NULL; /* reconnect and LISTEN again on the next round */
	}
	log_msg(LOG_INFO, "scheduler %s stopping", s->worker);
	return 0;
}

int main(int argc, char **argv)
{
	int mode = 0; /* 1 once, 2 loop */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage_text, stdout);
			return 0;
		}
		int m = !strcmp(argv[i], "--once") ? 1 : !strcmp(argv[i], "--loop") ? 2 : 0;
		if (!m || (mode && mode != m)) {
			fprintf(stderr, "doitong-scheduler: %s: %s\n%s", argv[i],
				m ? "--once and --loop exclude each other" : "unknown argument", usage_text);
			return 2;
		}
		mode = m;
	}
	if (!mode) {
		fprintf(stderr, "doitong-scheduler: say --once or --loop\n%s", usage_text);
		return 2;
	}

	struct config cfg;
	char err[512];
	if (config_load(&cfg, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		config_free(&cfg);
		return 1;
	}
	log_init("doitong-scheduler", cfg.log_level);
	if (!cfg.webhook_secret_key[0])
		log_msg(LOG_WARN, "webhook_secret_key is not set: new webhook secrets are stored in "
			"plaintext and sealed ones cannot sign (see doitong.conf(5))");
	if (mkdir_p(cfg.media_dir, 0755)) {
		log_msg(LOG_ERROR, "media_dir: cannot create %s: %s", cfg.media_dir, strerror(errno));
		config_free(&cfg);
		return 1;
	}

	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	struct sigaction ign = { .sa_handler = SIG_IGN };
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, NULL);

	char worker[300];
	sched_worker_id(worker, sizeof worker);
	struct db *db = db_open(cfg.dsn, "doitong-scheduler");
	if (!db_ready(db)) {
		log_msg(LOG_ERROR, "database unreachable at start-up");
		db_close(db);
		config_free(&cfg);
		return 1;
	}
	struct sched s = { db, arena_new(64 * 1024), &cfg, worker, http_client_new() };
	int rc = mode == 1 ? run_once(&s) : run_loop(&s);
	http_client_free(s.http);
	arena_free(s.arena);
	db_close(db);
	config_free(&cfg);
	return rc;
}

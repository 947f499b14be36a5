/*
 * doctor.c - `doitong-admin doctor`: one line per check of an installation
 * (database, migrations, each enabled upstream provider's credential on its
 * route as a warning, webhook_secret_key as a warning, media directory,
 * espeak-ng; ffmpeg as a warning only). Exit 1 if any check fails.
 * `doctor --invariants` checks the data instead: one line per row of
 * api.invariant_violations(), exit 1 if there is any.
 */
#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin/commands.h"
#include "admin/migrate.h"
#include "admin/seal.h"
#include "common/arena.h"
#include "providers/local.h"
#include "providers/spawn.h"
#include "providers/task_api.h"
#include "providers/vertex_auth.h"

static void report(const char *check, const char *status, const char *detail)
{
	printf("%-16s %-5s %s\n", check, status, detail);
}

static bool check_program(const char *name, const char *bin, const char *version_flag,
			  bool required)
{
	const char *argv[] = { bin, version_flag, NULL };
	struct spawn_result res;
	char detail[512];
	if (spawn_run(argv, NULL, 0, 10, &res)) {
		size_t n = strcspn(res.output, "\r\n");
		snprintf(detail, sizeof detail, "%.*s", (int)(n > 120 ? 120 : n), res.output);
		report(name, "ok", detail);
		return true;
	}
	char why[300];
	spawn_describe(&res, why, sizeof why);
	snprintf(detail, sizeof detail, "%s %s%s", bin, why,
		 required ? "" : " (only MP3 output of the local provider needs it)");
	report(name, required ? "FAIL" : "warn", detail);
	return !required;
}

/* Each enabled upstream provider's credential on its route, looked up in
 * this environment (run doctor with the scheduler's): the provider's key
 * variable (direct), the aggregator's (fal, replicate), or the Vertex AI
 * key file (vertex, parsed but not exchanged). A warning when missing,
 * since its jobs would fail (and fall back) until it is set or the
 * provider is disabled. */
static void check_provider_keys(PGconn *conn, const struct config *cfg)
{
	PGresult *res = PQexec(conn, "SELECT p.id, coalesce(p.key_env, ''), p.route FROM internal.providers p "
				     "WHERE p.enabled AND (p.key_env IS NOT NULL OR p.route <> 'direct') "
				     "ORDER BY p.id");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		report("providers", "warn", "could not list the providers' key variables");
		PQclear(res);
		return;
	}
	struct arena *a = arena_new(4096);
	int missing = 0;
	for (int i = 0; i < PQntuples(res); i++) {
		const char *id = PQgetvalue(res, i, 0), *route = PQgetvalue(res, i, 2);
		const char *var = !strcmp(route, "fal") ? task_api_fal.key_env
				  : !strcmp(route, "replicate") ? task_api_replicate.key_env
				  : PQgetvalue(res, i, 1);
		char check[64], detail[600];
		snprintf(check, sizeof check, "key %s", id);
		bool ok;
		if (!strcmp(route, "vertex")) {
			struct vertex_sa sa;
			const char *why = NULL;
			ok = vertex_sa_load(cfg, a, &sa, NULL, &why);
			snprintf(detail, sizeof detail, "route vertex: %s%s", ok ? "service account " : why,
				 ok ? sa.client_email : "");
		} else {
			const char *value = *var ? getenv(var) : NULL;
			const char *via = strcmp(route, "direct") ? arena_printf(a, "route %s: ", route) : "";
			ok = value && *value;
			if (ok)
				snprintf(detail, sizeof detail, "%s%s is set", via, var);
			else
				snprintf(detail, sizeof detail, "%s%s is not set here: set it for the scheduler, "
					 "or `doitong-admin providers disable %s`", via, *var ? var : "(none)", id);
		}
		report(check, ok ? "ok" : "warn", detail);
		missing += !ok;
		arena_reset(a);
	}
	arena_free(a);
	if (missing)
		printf("%d enabled provider(s) without a key in this environment; their jobs fail "
		       "(auto-selected ones move to another provider)\n", missing);
	PQclear(res);
}

/* webhook_secret_key: a warning when unset (secrets stored in plaintext) or
 * when secrets are still in plaintext although a key is set. */
static void check_secret_key(PGconn *conn, const struct config *cfg)
{
	int plain = seal_count_plain(conn);
	char detail[300];
	if (!cfg->webhook_secret_key[0]) {
		snprintf(detail, sizeof detail, "not set: webhook secrets are stored in plaintext (%d account(s)); "
			 "set it (openssl rand -hex 32) and run doitong-admin migrate", plain);
		report("secret_key", "warn", detail);
	} else if (plain != 0) {
		snprintf(detail, sizeof detail, "set, but %d account(s) keep a plaintext webhook secret: run "
			 "doitong-admin migrate", plain);
		report("secret_key", "warn", detail);
	} else {
		report("secret_key", "ok", "set; every webhook secret is sealed");
	}
}

static bool check_media_dir(const char *dir)
{
	char path[4096], detail[4200];
	snprintf(path, sizeof path, "%s/.doctor.XXXXXX", dir);
	int fd = mkstemp(path);
	if (fd < 0) {
		snprintf(detail, sizeof detail, "%s is not writable: %s", dir, strerror(errno));
		report("media_dir", "FAIL", detail);
		return false;
	}
	close(fd);
	unlink(path);
	snprintf(detail, sizeof detail, "%s is writable", dir);
	report("media_dir", "ok", detail);
	return true;
}

int admin_doctor(const struct config *cfg)
{
	bool ok = true;
	char err[1024], detail[1200];
	PGconn *conn = migrate_connect(cfg->dsn, err, sizeof err);
	if (conn) {
		snprintf(detail, sizeof detail, "PostgreSQL %s, database %s",
			 PQparameterStatus(conn, "server_version"), PQdb(conn));
		report("database", "ok", detail);
		int applied, pending;
		if (migrate_pending(conn, cfg->sql_dir, &applied, &pending, err, sizeof err)) {
			report("migrations", "FAIL", err);
			ok = false;
		} else if (pending) {
			snprintf(detail, sizeof detail, "%d applied, %d pending: run doitong-admin migrate",
				 applied, pending);
			report("migrations", "FAIL", detail);
			ok = false;
		} else {
			snprintf(detail, sizeof detail, "%d applied, none pending", applied);
			report("migrations", "ok", detail);
			check_provider_keys(conn, cfg);
			check_secret_key(conn, cfg);
		}
		PQfinish(conn);
	} else {
		report("database", "FAIL", err);
		report("migrations", "FAIL", "not checked: no database");
		ok = false;
	}
	ok = check_media_dir(cfg->media_dir) && ok;
	ok = check_program("espeak-ng", cfg->espeak_bin, "--version", true) && ok;
	check_program("ffmpeg", cfg->ffmpeg_bin, "-version", false);
	fflush(stdout);
	return ok ? 0 : 1;
}

int admin_doctor_invariants(const struct config *cfg)
{
	char err[1024];
	PGconn *conn = migrate_connect(cfg->dsn, err, sizeof err);
	if (!conn) {
		fprintf(stderr, "doitong-admin: %s\n", err);
		return 1;
	}
	PGresult *res = PQexec(conn, "SELECT kind, subject, detail FROM api.invariant_violations()");
	int rc = 1;
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "doitong-admin: could not check the invariants (run doitong-admin migrate?): %s",
			PQerrorMessage(conn));
	} else {
		int n = PQntuples(res);
		for (int i = 0; i < n; i++)
			printf("VIOLATION %-24s %s: %s\n", PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
			       PQgetvalue(res, i, 2));
		if (n)
			printf("%d invariant violation(s)\n", n);
		else
			printf("invariants ok: balances equal their ledger, no orphan reservation, no stuck "
			       "generation, every finished generation's webhook attempted, no double submission\n");
		rc = n ? 1 : 0;
	}
	PQclear(res);
	PQfinish(conn);
	fflush(stdout);
	return rc;
}

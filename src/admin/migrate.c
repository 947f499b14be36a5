/*
 * migrate.c - forward-only migrations, then the function files.
 *
 * Under a session advisory lock (so concurrent migrators serialise):
 *  1. sql_dir/migrations/NNNNNN_slug.sql, sorted by name; each one not yet in
 *     internal.schema_migrations runs in its own transaction that first
 *     inserts its version (the file name without .sql). A file must not
 *     contain its own BEGIN/COMMIT.
 *  2. one transaction re-applying the .sql files of sql_dir/internal, api
 *     and admin (each sorted) and grants.sql when present. Those files are
 *     CREATE OR REPLACE, so re-running them is harmless.
 *  3. with webhook_secret_key set, webhook secrets still in plaintext are
 *     sealed (admin/seal.h).
 * This is the one place where SQL text is executed with PQexec, and the text
 * comes only from the operator's installed files, never from input.
 */
#include "admin/migrate.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/crypto.h>

#include "admin/seal.h"
#include "common/util.h"

#define SQL_FILE_MAX (16L * 1024 * 1024)

struct name_list {
	char **names;
	size_t n;
};

static void names_free(struct name_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
	l->names = NULL;
	l->n = 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_sql_suffix(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && !strcmp(name + n - 4, ".sql");
}

/* Lists the *.sql regular files of dir, sorted. A missing dir is empty when
 * optional. Returns 0 or -1 with the reason in err. */
static int list_sql(const char *dir, bool optional, struct name_list *l, char *err, size_t errlen)
{
	l->names = NULL;
	l->n = 0;
	DIR *d = opendir(dir);
	if (!d) {
		if (optional && errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	size_t cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !has_sql_suffix(e->d_name))
			continue;
		char path[4096];
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		if (l->n == cap)
			l->names = xrealloc(l->names, (cap = cap ? cap * 2 : 32) * sizeof *l->names);
		l->names[l->n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (l->n)
		qsort(l->names, l->n, sizeof *l->names, cmp_names);
	return 0;
}

/* NNNNNN_slug.sql: six or more digits, an underscore, a slug. */
static bool valid_migration_name(const char *name)
{
	size_t i = 0;
	while (isdigit((unsigned char)name[i]))
		i++;
	if (i < 6 || name[i] != '_' || !name[i + 1] || name[i + 1] == '.')
		return false;
	for (i++; name[i] && strcmp(name + i, ".sql"); i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_' && name[i] != '-')
			return false;
	return true;
}

/* The whole file as a NUL-terminated string (malloc'd), or NULL with err. */
static char *slurp(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fileno(f), &st) || st.st_size > SQL_FILE_MAX) {
		snprintf(err, errlen, "%s: unreadable or larger than %ld bytes", path, SQL_FILE_MAX);
		fclose(f);
		return NULL;
	}
	char *buf = xmalloc((size_t)st.st_size + 1);
	size_t got = fread(buf, 1, (size_t)st.st_size, f);
	fclose(f);
	buf[got] = '\0';
	if (strlen(buf) != got) {
		snprintf(err, errlen, "%s: contains a NUL byte", path);
		free(buf);
		return NULL;
	}
	return buf;
}

/* Runs a statement; false with "what: error" in err, and the error's
 * SQLSTATE in state (when state is not NULL; "" when there is none). */
static bool exec_state(PGconn *conn, const char *sql, const char *what, char *err, size_t errlen,
		       char state[6])
{
	PGresult *res = PQexec(conn, sql);
	ExecStatusType st = PQresultStatus(res);
	bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
	if (!ok) {
		const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
		snprintf(err, errlen, "%s: %s", what, msg && *msg ? msg : "failed");
		size_t n = strlen(err);
		while (n && (err[n - 1] == '\n' || err[n - 1] == ' '))
			err[--n] = '\0';
		if (state) {
			const char *code = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
			snprintf(state, 6, "%s", code ? code : "");
		}
	}
	PQclear(res);
	return ok;
}

static bool exec_ok(PGconn *conn, const char *sql, const char *what, char *err, size_t errlen)
{
	return exec_state(conn, sql, what, err, errlen, NULL);
}

static void rollback(PGconn *conn)
{
	PQclear(PQexec(conn, "ROLLBACK"));
}

PGconn *migrate_connect(const char *dsn, char *err, size_t errlen)
{
	const char *keys[] = { "dbname", "application_name", "connect_timeout", NULL };
	const char *values[] = { dsn, "doitong-admin", "10", NULL };
	PGconn *conn = PQconnectdbParams(keys, values, 1);
	if (PQstatus(conn) != CONNECTION_OK) {
		snprintf(err, errlen, "cannot connect to the database: %s", PQerrorMessage(conn));
		size_t n = strlen(err);
		while (n && (err[n - 1] == '\n' || err[n - 1] == ' '))
			err[--n] = '\0';
		for (char *p = err; *p; p++)
			if (*p == '\n' || *p == '\t')
				*p = ' ';
		PQfinish(conn);
		return NULL;
	}
	if (!exec_ok(conn, "SET client_min_messages = warning", "set-up", err, errlen)) {
		PQfinish(conn);
		return NULL;
	}
	return conn;
}

/* Versions recorded in internal.schema_migrations, with their times; an
 * empty list when the table does not exist yet. */
static int applied_versions(PGconn *conn, struct name_list *versions, struct name_list *times,
			    char *err, size_t errlen)
{
	versions->names = times->names = NULL;
	versions->n = times->n = 0;
	PGresult *res = PQexec(conn, "SELECT pg_catalog.to_regclass('internal.schema_migrations') IS NOT NULL");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		snprintf(err, errlen, "reading migrations: %s", PQerrorMessage(conn));
		PQclear(res);
		return -1;
	}
	bool exists = !strcmp(PQgetvalue(res, 0, 0), "t");
	PQclear(res);
	if (!exists)
		return 0;
	res = PQexec(conn, "SELECT version, pg_catalog.to_char(applied_at, 'YYYY-MM-DD HH24:MI:SS') "
			   "FROM internal.schema_migrations ORDER BY version");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		snprintf(err, errlen, "reading migrations: %s", PQerrorMessage(conn));
		PQclear(res);
		return -1;
	}
	int n = PQntuples(res);
	versions->names = xcalloc((size_t)n + 1, sizeof *versions->names);
	times->names = xcalloc((size_t)n + 1, sizeof *times->names);
	for (int i = 0; i < n; i++) {
		versions->names[i] = xstrdup(PQgetvalue(res, i, 0));
		times->names[i] = xstrdup(PQgetvalue(res, i, 1));
	}
	versions->n = times->n = (size_t)n;
	PQclear(res);
	return 0;
}

/* The version of a migration file: its name without ".sql" (a new string). */
static char *version_of(const char *file)
{
	char *v = xstrdup(file);
	v[strlen(v) - 4] = '\0';
	return v;
}

static bool listed(const struct name_list *l, const char *name)
{
	return bsearch(&name, l->names, l->n, sizeof *l->names, cmp_names) != NULL;
}

/* Migration files and applied versions, with names checked. */
static int load_state(PGconn *conn, const char *sql_dir, struct name_list *files,
		      struct name_list *versions, struct name_list *times, char *err, size_t errlen)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/migrations", sql_dir);
	if (list_sql(dir, false, files, err, errlen))
		return -1;
	for (size_t i = 0; i < files->n; i++) {
		if (!valid_migration_name(files->names[i])) {
			snprintf(err, errlen, "%s/%s: migration files are named NNNNNN_slug.sql", dir,
				 files->names[i]);
			names_free(files);
			return -1;
		}
		char *v = version_of(files->names[i]);
		free(files->names[i]);
		files->names[i] = v;
	}
	if (applied_versions(conn, versions, times, err, errlen)) {
		names_free(files);
		return -1;
	}
	return 0;
}

int migrate_pending(PGconn *conn, const char *sql_dir, int *applied, int *pending,
		    char *err, size_t errlen)
{
	struct name_list files, versions, times;
	if (load_state(conn, sql_dir, &files, &versions, &times, err, errlen))
		return -1;
	*applied = (int)versions.n;
	*pending = 0;
	for (size_t i = 0; i < files.n; i++)
		if (!listed(&versions, files.names[i]))
			(*pending)++;
	names_free(&files);
	names_free(&versions);
	names_free(&times);
	return 0;
}

static int print_status(PGconn *conn, const char *sql_dir, FILE *out)
{
	char err[1024];
	struct name_list files, versions, times;
	if (load_state(conn, sql_dir, &files, &versions, &times, err, sizeof err)) {
		fprintf(stderr, "doitong-admin: %s\n", err);
		return 1;
	}
	/* Merge both sorted lists. */
	size_t i = 0, j = 0, npending = 0;
	fprintf(out, "%-8s  %-40s  %s\n", "STATE", "VERSION", "APPLIED_AT");
	while (i < files.n || j < versions.n) {
		int c = i == files.n ? 1 : j == versions.n ? -1 : strcmp(files.names[i], versions.names[j]);
		if (c < 0) {
			fprintf(out, "%-8s  %-40s  %s\n", "pending", files.names[i++], "-");
			npending++;
		} else if (c > 0) {
			fprintf(out, "%-8s  %-40s  %s (file missing)\n", "applied", versions.names[j],
				times.names[j]);
			j++;
		} else {
			fprintf(out, "%-8s  %-40s  %s\n", "applied", files.names[i], times.names[j]);
			i++, j++;
		}
	}
	fprintf(out, "%zu applied, %zu pending\n", versions.n, npending);
	names_free(&files);
	names_free(&versions);
	names_free(&times);
	return 0;
}

/* Step 1: each pending migration in its own transaction. */
static int apply_migrations(PGconn *conn, const char *sql_dir, FILE *out, int *count)
{
	char err[2048];
	struct name_list files, versions, times;
	*count = 0;
	if (load_state(conn, sql_dir, &files, &versions, &times, err, sizeof err)) {
		fprintf(stderr, "doitong-admin: %s\n", err);
		return 1;
	}
	int rc = 0;
	for (size_t i = 0; i < files.n && rc == 0; i++) {
		const char *v = files.names[i];
		if (listed(&versions, v))
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/migrations/%s.sql", sql_dir, v);
		char *sql = slurp(path, err, sizeof err);
		if (!sql) {
			fprintf(stderr, "doitong-admin: %s\n", err);
			rc = 1;
			break;
		}
		bool ok = exec_ok(conn, "BEGIN", path, err, sizeof err);
		if (ok) {
			const char *params[] = { v };
			PGresult *res = PQexecParams(conn,
				"INSERT INTO internal.schema_migrations (version) VALUES ($1)",
				1, NULL, params, NULL, NULL, 0);
			ok = PQresultStatus(res) == PGRES_COMMAND_OK;
			if (!ok)
				snprintf(err, sizeof err, "%.1024s: recording the version: %.900s", path,
					 PQresultErrorMessage(res));
			PQclear(res);
		}
		ok = ok && exec_ok(conn, sql, path, err, sizeof err) &&
		     exec_ok(conn, "COMMIT", path, err, sizeof err);
		free(sql);
		if (!ok) {
			rollback(conn);
			fprintf(stderr, "doitong-admin: migration failed: %s\n", err);
			rc = 1;
			break;
		}
		fprintf(out, "applied %s\n", v);
		(*count)++;
	}
	names_free(&files);
	names_free(&versions);
	names_free(&times);
	return rc;
}

/* Step 2: every function file and grants.sql in one transaction. Returns 0,
 * 1 on failure, or FUNCTIONS_DEADLOCK when PostgreSQL broke a deadlock by
 * rolling this transaction back (the caller tries again). */
enum { FUNCTIONS_DEADLOCK = 2 };
static int apply_functions(PGconn *conn, const char *sql_dir, int *count)
{
	char state[6] = "";
	static const char *const dirs[] = { "internal", "api", "admin" };
	char err[2048];
	*count = 0;
	if (!exec_ok(conn, "BEGIN", "functions", err, sizeof err)) {
		fprintf(stderr, "doitong-admin: %s\n", err);
		return 1;
	}
	for (size_t d = 0; d <= ARRAY_LEN(dirs); d++) {
		struct name_list files = { NULL, 0 };
		char dir[4096];
		if (d < ARRAY_LEN(dirs)) {
			snprintf(dir, sizeof dir, "%s/%s", sql_dir, dirs[d]);
			if (list_sql(dir, true, &files, err, sizeof err)) {
				rollback(conn);
				fprintf(stderr, "doitong-admin: %s\n", err);
				return 1;
			}
		} else {
			/* grants.sql last, if present. */
			snprintf(dir, sizeof dir, "%s", sql_dir);
			struct stat st;
			char grants[4096];
			snprintf(grants, sizeof grants, "%s/grants.sql", sql_dir);
			if (stat(grants, &st) == 0 && S_ISREG(st.st_mode)) {
				files.names = xcalloc(1, sizeof *files.names);
				files.names[0] = xstrdup("grants.sql");
				files.n = 1;
			}
		}
		for (size_t i = 0; i < files.n; i++) {
			char path[8192];
			snprintf(path, sizeof path, "%s/%s", dir, files.names[i]);
			char *sql = slurp(path, err, sizeof err);
			bool ok = sql && exec_state(conn, sql, path, err, sizeof err, state);
			free(sql);
			if (!ok) {
				names_free(&files);
				rollback(conn);
				if (strcmp(state, "40P01") == 0)
					return FUNCTIONS_DEADLOCK;
				fprintf(stderr, "doitong-admin: %s\n", err);
				return 1;
			}
			(*count)++;
		}
		names_free(&files);
	}
	if (!exec_ok(conn, "COMMIT", "functions", err, sizeof err)) {
		rollback(conn);
		fprintf(stderr, "doitong-admin: %s\n", err);
		return 1;
	}
	return 0;
}

int migrate_run(const struct config *cfg, bool status_only, FILE *out)
{
	char err[1024];
	PGconn *conn = migrate_connect(cfg->dsn, err, sizeof err);
	if (!conn) {
		fprintf(stderr, "doitong-admin: %s\n", err);
		return 1;
	}
	int rc;
	if (status_only) {
		rc = print_status(conn, cfg->sql_dir, out);
		PQfinish(conn);
		return rc;
	}
	/* The lock comes first: two runners must not race on CREATE SCHEMA. */
	if (!exec_ok(conn, "SELECT pg_catalog.pg_advisory_lock(" MIGRATE_LOCK_KEY ")", "lock", err, sizeof err) ||
	    !exec_ok(conn, "CREATE SCHEMA IF NOT EXISTS internal;"
			   "CREATE TABLE IF NOT EXISTS internal.schema_migrations ("
			   " version text PRIMARY KEY,"
			   " applied_at timestamptz NOT NULL DEFAULT now())",
		     "creating internal.schema_migrations", err, sizeof err)) {
		fprintf(stderr, "doitong-admin: %s\n", err);
		PQfinish(conn);
		return 1;
	}
	int migrations = 0, functions = 0;
	rc = apply_migrations(conn, cfg->sql_dir, out, &migrations);
	/* A trigger file (CREATE OR REPLACE TRIGGER) locks its table, so on a
	 * live database the transaction can deadlock with a scheduler's that
	 * holds rows of one table and waits for another. PostgreSQL then rolls
	 * one back; when it is ours, wait a moment and run the files again. */
	for (int attempt = 1; rc == 0; attempt++) {
		rc = apply_functions(conn, cfg->sql_dir, &functions);
		if (rc != FUNCTIONS_DEADLOCK)
			break;
		if (attempt == 5) {
			fprintf(stderr, "doitong-admin: the function files deadlocked %d times with "
					"running transactions; stop the scheduler and run migrate again\n",
				attempt);
			rc = 1;
			break;
		}
		fprintf(stderr, "doitong-admin: the function files deadlocked with a running "
				"transaction; trying again\n");
		rc = 0;
		struct timespec pause = { 0, 200000000L * attempt };
		nanosleep(&pause, NULL);
	}
	if (rc == 0) {
		/* SQL cannot seal without the key (migration 000013): the secrets
		 * still in plaintext are sealed here once a key is configured. */
		struct secret_key key;
		(void)secret_key_parse(cfg->webhook_secret_key, &key);
		int sealed = seal_plain_secrets(conn, &key, err, sizeof err);
		OPENSSL_cleanse(&key, sizeof key);
		if (sealed < 0) {
			fprintf(stderr, "doitong-admin: %s\n", err);
			rc = 1;
		} else if (sealed > 0) {
			fprintf(out, "%d account(s)' webhook secrets sealed with webhook_secret_key\n", sealed);
		}
	}
	/* The summary stays the last line (scripts read it). */
	if (rc == 0)
		fprintf(out, "%d migration(s) applied, %d function file(s) applied\n", migrations, functions);
	PQclear(PQexec(conn, "SELECT pg_catalog.pg_advisory_unlock(" MIGRATE_LOCK_KEY ")"));
	PQfinish(conn);
	return rc;
}

/*
 * migrate.h - the migration runner of doitong-admin, the one place where SQL
 * text (from the trusted files under sql_dir) is executed as is.
 */
#ifndef DOITONG_ADMIN_MIGRATE_H
#define DOITONG_ADMIN_MIGRATE_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>

#include "common/config.h"

/* Fixed key of the session advisory lock that serialises migrators. */
#define MIGRATE_LOCK_KEY "7236828798103956327"

/*
 * Opens a connection of its own for the runner (ordinary search_path,
 * notices below WARNING muted). Returns NULL after writing the reason to err.
 */
PGconn *migrate_connect(const char *dsn, char *err, size_t errlen);

/*
 * Applies pending migrations then the function files (see the file comment of
 * migrate.c), reporting progress on out and failures on stderr. With
 * status_only, lists applied and pending migrations on out instead and
 * changes nothing. Returns the process exit code (0 or 1).
 */
int migrate_run(const struct config *cfg, bool status_only, FILE *out);

/*
 * Counts migration files under sql_dir/migrations not recorded in
 * internal.schema_migrations (all of them when the table does not exist).
 * Returns 0 and sets *applied and *pending, or -1 with the reason in err.
 */
int migrate_pending(PGconn *conn, const char *sql_dir, int *applied, int *pending,
		    char *err, size_t errlen);

#endif

/*
 * seal.h - doitong-admin's part of sealing webhook secrets at rest
 * (webhooks/secret.h, migration 000013): sealing the secrets still stored in
 * plaintext, which SQL cannot do since the key never reaches PostgreSQL.
 */
#ifndef DOITONG_ADMIN_SEAL_H
#define DOITONG_ADMIN_SEAL_H

#include <libpq-fe.h>
#include <stddef.h>

#include "webhooks/secret.h"

/*
 * Seals every account's current and previous webhook secret still in
 * plaintext with key, in one transaction (rows locked, so a concurrent
 * rotation waits). Returns the number sealed, or -1 with the reason in err.
 * Does nothing (returns 0) without a key.
 */
int seal_plain_secrets(PGconn *conn, const struct secret_key *key, char *err, size_t errlen);

/* The number of accounts with a secret in plaintext, or -1. */
int seal_count_plain(PGconn *conn);

#endif

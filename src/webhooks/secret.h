/*
 * secret.h - webhook signing secrets at rest (issue 10 item 4).
 *
 * A secret ("whsec_" + base64 of 32 random bytes) is stored in the database
 * sealed with the operator's key (setting webhook_secret_key, 32 bytes as 64
 * hex digits): "whenc1:" + base64(nonce[12] | AES-256-GCM ciphertext | tag[16]),
 * so a database dump alone does not reveal it. Sealing and opening happen only
 * here, in the responder, the scheduler and doitong-admin; the key never
 * reaches PostgreSQL. A stored "whsec_..." is a secret kept in plaintext
 * (written before a key was configured, or by SQL with no sealed value given):
 * opening returns it as is, and `doitong-admin migrate` seals it once a key
 * is set.
 */
#ifndef DOITONG_WEBHOOKS_SECRET_H
#define DOITONG_WEBHOOKS_SECRET_H

#include <stdbool.h>

#include "common/arena.h"

#define SECRET_KEY_LEN 32
#define SECRET_SEALED_PREFIX "whenc1:"

/* The operator's key. set is false when webhook_secret_key is empty. */
struct secret_key {
	bool set;
	unsigned char bytes[SECRET_KEY_LEN];
};

/* Parses 64 hex digits (or "" = no key). false for anything else. */
bool secret_key_parse(const char *hex, struct secret_key *key);

/* True for a stored value in the sealed form. */
bool secret_is_sealed(const char *stored);

/* A fresh "whsec_" secret of 32 random bytes, in a. NULL if the random
 * generator fails. */
char *secret_new(struct arena *a);

/* The stored form of plain: sealed with key when the key is set, else plain
 * itself (the policy without a key). NULL on failure. */
char *secret_seal(struct arena *a, const struct secret_key *key, const char *plain);

/* The plaintext of a stored value: a plain "whsec_" as is; a sealed one
 * opened with key. NULL (and a reason in why) when it is sealed and the key
 * is missing or wrong, or the value is malformed or was tampered with. */
char *secret_open(struct arena *a, const struct secret_key *key, const char *stored,
		  char *why, size_t whylen);

#endif

/*
 * sign.h - Standard Webhooks 1.0 signing (symmetric scheme "v1"): secrets
 * "whsec_<base64>", the webhook-signature header value, message ids, and a
 * constant-time verifier for our tests and for a future receiver.
 * Pure functions over caller buffers; nothing here allocates or logs secrets.
 * The signed string is "<msg_id>.<timestamp>.<body>" (protocols.md §1.2).
 */
#ifndef DOITONG_WEBHOOKS_SIGN_H
#define DOITONG_WEBHOOKS_SIGN_H

#include <stdbool.h>
#include <stddef.h>

/* Largest decoded secret accepted (Standard Webhooks: 24..64 random bytes). */
#define WEBHOOK_SECRET_MAX 64
/* Length of one "v1,<base64 of 32 bytes>" entry, without separator or NUL. */
#define WEBHOOK_SIG_LEN 47
/* Bytes needed in out for n secrets: n entries, n-1 spaces, one NUL. */
#define WEBHOOK_SIG_BUFLEN(n) ((size_t)(n) * (WEBHOOK_SIG_LEN + 1))
/* "msg_" + 26 characters + NUL fits in this. */
#define WEBHOOK_MSG_ID_SIZE 32
#define WEBHOOK_MSG_ID_LEN 30

/*
 * Decodes "whsec_" followed by standard base64 (alphabet A-Z a-z 0-9 + /,
 * '=' padding required so the length is a multiple of 4) into key, which must
 * have room for WEBHOOK_SECRET_MAX bytes, and sets *key_len. Returns false,
 * leaving *key_len 0, for NULL, a missing or differently cased prefix, an
 * empty secret, bad characters, bad padding, or more than WEBHOOK_SECRET_MAX
 * decoded bytes. Whitespace is not accepted anywhere.
 */
bool webhook_secret_decode(const char *whsec, unsigned char *key, size_t *key_len);

/*
 * Writes the webhook-signature header value for one message into out:
 * "v1,<base64 HMAC-SHA256(key, msg_id "." timestamp "." body)>" for each of
 * secrets[0..nsecrets), in that order (the current secret first during a
 * rotation), separated by single spaces, NUL-terminated. The timestamp is
 * printed in decimal exactly as it must appear in webhook-timestamp. body may
 * be NULL only when body_len is 0. Returns false, with out set to "" when
 * outlen > 0, when nsecrets is 0, any secret does not decode, msg_id is empty
 * or contains '.' or a byte outside printable ASCII (it goes into a header
 * and is a field of the signed string), outlen is below
 * WEBHOOK_SIG_BUFLEN(nsecrets), or OpenSSL fails.
 */
bool webhook_sign(const char *msg_id, long long timestamp, const char *body, size_t body_len,
		  const char *const *secrets, size_t nsecrets, char *out, size_t outlen);

/*
 * Writes a new webhook-id into out: "msg_" followed by 26 characters of the
 * lowercase RFC 4648 base32hex alphabet [0-9a-v] (130 bits from RAND_bytes),
 * NUL-terminated, 30 characters in all. Never contains '.', so it is safe in
 * the signed string. Aborts the process if the CSPRNG fails, because a
 * predictable id would break consumers' deduplication.
 */
void webhook_message_id(char out[WEBHOOK_MSG_ID_SIZE]);

/*
 * Returns true when header_value (a webhook-signature value: entries
 * separated by single spaces) holds a "v1," entry equal to the signature of
 * (msg_id, ts, body) under secret. Entries of other versions ("v1a", "v2")
 * and malformed entries are skipped. The comparison is constant-time
 * (CRYPTO_memcmp) per entry. False on NULL arguments or a bad secret.
 * Timestamp tolerance (±5 min) is the caller's job.
 */
bool webhook_verify(const char *header_value, const char *msg_id, long long ts, const char *body,
		    size_t len, const char *secret);

#endif

/*
 * deliver.c - webhook deliveries: claim, sign, POST, report.
 *
 * Each delivery carries the exact body fixed when its event was queued; this
 * pass signs "<webhook-id>.<now>.<body>" with each secret (the current one
 * first, the previous one during a rotation) and POSTs it through the
 * outbound client, so the address guard checks the address actually
 * connected to and redirects are never followed. The timestamp is this
 * attempt's (Standard Webhooks: it changes on every retry; the id does not).
 * Outcomes go back in one api.webhooks_report, which records each attempt
 * and schedules the retries. Secrets arrive in their stored form and are
 * opened here with webhook_secret_key (webhooks/secret.h); one that cannot be
 * opened fails the attempt with the reason, so it is retried once the key is
 * fixed.
 */
#include "sched/deliver.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "common/log.h"
#include "common/util.h"
#include "outbound/http.h"
#include "webhooks/secret.h"
#include "webhooks/sign.h"

#define SECRETS_MAX 4

struct delivery {
	json_int_t id;
	const char *msg_id, *url, *body;
	const char *secrets[SECRETS_MAX];
	size_t nsecrets;
	const char *unopened;         /* why a secret could not be opened, or NULL */
};

static bool delivery_decode(struct sched *s, const struct secret_key *key, json_t *obj,
			    struct delivery *d)
{
	memset(d, 0, sizeof *d);
	json_t *id = json_object_get(obj, "id"), *secrets = json_object_get(obj, "secrets");
	d->msg_id = json_string_value(json_object_get(obj, "msgId"));
	d->url = json_string_value(json_object_get(obj, "url"));
	d->body = json_string_value(json_object_get(obj, "body"));
	if (!json_is_integer(id) || !d->msg_id || !d->url || !d->body)
		return false;
	d->id = json_integer_value(id);
	size_t i;
	json_t *v;
	json_array_foreach(secrets, i, v) {
		if (!json_is_string(v) || d->nsecrets >= SECRETS_MAX)
			continue;
		char why[160];
		const char *plain = secret_open(s->arena, key, json_string_value(v), why, sizeof why);
		if (plain)
			d->secrets[d->nsecrets++] = plain;
		else if (!d->unopened)
			d->unopened = arena_printf(s->arena, "the account's webhook secret could not be "
						   "opened: %s", why);
	}
	return d->nsecrets > 0 || d->unopened;
}

/* Sends one delivery; returns its report element (owned by the caller). */
static json_t *deliver_one(struct sched *s, const struct delivery *d)
{
	char signature[WEBHOOK_SIG_BUFLEN(SECRETS_MAX)];
	long long ts = (long long)time(NULL);
	size_t body_len = strlen(d->body);
	if (d->unopened) {
		log_msg(LOG_ERROR, "webhook %s (delivery %lld): %s", d->msg_id, (long long)d->id, d->unopened);
		return json_pack("{sI s:s s:i}", "id", d->id, "error", d->unopened, "durationMs", 0);
	}
	if (!webhook_sign(d->msg_id, ts, d->body, body_len, d->secrets, d->nsecrets, signature,
			  sizeof signature))
		return json_pack("{sI s:n s:s s:i}", "id", d->id, "httpStatus",
				 "error", "the account's webhook secret could not be used", "durationMs", 0);

	const char *headers[] = {
		"Content-Type: application/json",
		arena_printf(s->arena, "webhook-id: %s", d->msg_id),
		arena_printf(s->arena, "webhook-timestamp: %lld", ts),
		arena_printf(s->arena, "webhook-signature: %s", signature),
		NULL,
	};
	const struct config *cfg = s->cfg;
	struct http_request req = {
		.method = "POST",
		.url = d->url,
		.headers = headers,
		.body = d->body,
		.body_len = body_len,
		.timeout_ms = DELIVER_TIMEOUT_MS,
		.max_response_bytes = DELIVER_RESPONSE_MAX,
		.save_fd = -1,
		.policy = outbound_policy_of(cfg->webhook_allow_private, cfg->outbound_allow_loopback),
	};
	struct http_response resp;
	http_request(s->http, s->arena, &req, &resp);
	/* A status line that arrived counts even when the body was cut off. */
	json_t *out = json_pack("{sI s:i}", "id", d->id, "durationMs", (int)resp.elapsed_ms);
	if (resp.status > 0)
		json_object_set_new(out, "httpStatus", json_integer(resp.status));
	else
		json_object_set_new(out, "error", json_string(resp.error[0] ? resp.error
							      : http_fail_name(resp.fail)));
	if (resp.retry_after_seconds >= 0)
		json_object_set_new(out, "retryAfter", json_integer(resp.retry_after_seconds));
	if (resp.status > 0)
		log_msg(resp.status >= 200 && resp.status < 300 ? LOG_INFO : LOG_WARN,
			"webhook %s (delivery %lld): HTTP %ld ms=%ld", d->msg_id, (long long)d->id,
			resp.status, resp.elapsed_ms);
	else
		log_msg(LOG_WARN, "webhook %s (delivery %lld): %s ms=%ld", d->msg_id, (long long)d->id,
			resp.error, resp.elapsed_ms);
	return out;
}

int sched_deliver_batch(struct sched *s, const volatile sig_atomic_t *stop)
{
	char limit[16], lease[16];
	snprintf(limit, sizeof limit, "%d", DELIVER_BATCH);
	/* Long enough for every claimed delivery to time out in turn. */
	snprintf(lease, sizeof lease, "%d", DELIVER_BATCH * DELIVER_TIMEOUT_MS / 1000 + 30);
	const char *claim_params[] = { s->worker, limit, lease };
	struct db_error err;
	json_t *claimed = NULL;
	enum api_err rc = db_call(s->db, s->arena, "api.webhooks_claim", 3, claim_params, &claimed, &err);
	db_end_request(s->db);
	if (rc != API_OK || !json_is_array(claimed)) {
		if (rc != API_ERR_UNAVAILABLE)
			log_msg(LOG_ERROR, "api.webhooks_claim failed: %s [%s]", err.message, err.sqlstate);
		arena_reset(s->arena);
		return -1;
	}
	size_t n = json_array_size(claimed);
	if (n == 0) {
		arena_reset(s->arena);
		return 0;
	}

	json_t *results = json_array();
	long long started = monotonic_ms();
	size_t i, released = 0;
	json_t *item;
	struct secret_key key;
	(void)secret_key_parse(s->cfg->webhook_secret_key, &key); /* checked by config_load */
	json_array_foreach(claimed, i, item) {
		struct delivery d;
		if (!delivery_decode(s, &key, item, &d)) {
			/* Counted as a failed attempt, so it cannot come back forever. */
			json_t *id = json_object_get(item, "id");
			log_msg(LOG_WARN, "api.webhooks_claim returned an unreadable delivery");
			if (json_is_integer(id))
				json_array_append_new(results, json_pack("{sO s:s s:i}", "id", id, "error",
									 "unreadable delivery (no signing secret?)",
									 "durationMs", 0));
			continue;
		}
		if ((stop && *stop) || monotonic_ms() - started > DELIVER_PASS_BUDGET_MS) {
			json_array_append_new(results, json_pack("{sI s:b}", "id", d.id, "release", 1));
			released++;
			continue;
		}
		json_array_append_new(results, deliver_one(s, &d));
	}
	if (released)
		log_msg(LOG_INFO, "webhooks: %zu delivery(ies) handed back for the next pass", released);

	char *report = json_dumps(results, JSON_COMPACT);
	json_decref(results);
	const char *report_params[] = { s->worker, report ? report : "[]", s->cfg->webhook_retry_schedule };
	json_t *counts = NULL;
	rc = db_call(s->db, s->arena, "api.webhooks_report", 3, report_params, &counts, &err);
	free(report);
	if (rc != API_OK)
		log_msg(LOG_ERROR, "api.webhooks_report failed: %s [%s]; the deliveries return when "
			"their lease ends", err.message, err.sqlstate);
	db_end_request(s->db);
	OPENSSL_cleanse(&key, sizeof key);
	arena_reset(s->arena);
	return rc == API_OK ? (int)n : -1;
}

/*
 * deliver.h - the scheduler's webhook pass: claim due deliveries, sign and
 * POST each, report the outcomes in one call (SPEC §9).
 */
#ifndef DOITONG_SCHED_DELIVER_H
#define DOITONG_SCHED_DELIVER_H

#include <signal.h>

#include "sched/run.h"

/* Deliveries claimed per pass; their outcomes are reported together. */
#define DELIVER_BATCH 64
/* Per-attempt limits (SPEC §9: 10 s, capped response read). */
#define DELIVER_TIMEOUT_MS 10000
#define DELIVER_RESPONSE_MAX (64 * 1024)
/* A pass starts no delivery after this long, so a slow receiver delays the
 * jobs (run between passes) by one time-out at most; the deliveries it did
 * not start are handed back at once. */
#define DELIVER_PASS_BUDGET_MS 2000

/*
 * One pass: claims up to DELIVER_BATCH due deliveries (api.webhooks_claim,
 * leased long enough for every one of them to time out), POSTs each body
 * with Standard Webhooks headers signed by every secret handed along, then
 * reports all outcomes with one api.webhooks_report. Deliveries not started
 * (stop requested, or DELIVER_PASS_BUDGET_MS spent) are reported as
 * released: their lease ends without an attempt.
 * Ends the database request and resets s->arena. Returns the number
 * claimed, or -1 on a database failure.
 */
int sched_deliver_batch(struct sched *s, const volatile sig_atomic_t *stop);

#endif

/*
 * counters.h - request counters shared by every responder of a FastCGI
 * pool, without PostgreSQL.
 *
 * Why: lighttpd and mod_fcgid run several doitong.fcgi processes and a
 * scrape of /metrics reaches one of them at random, so per-process counters
 * would jump around. Each process instead counts into its own slot of a
 * small file mapped MAP_SHARED by all of them (the setting metrics_file,
 * DOITONG_METRICS_FILE), and a scrape sums every slot.
 *
 * - A slot belongs to a pid. Increments are lock-free C11 atomics on the
 *   process's own slot (relaxed: only the sums matter).
 * - A process that exits leaves its slot as it is: its counts are still
 *   summed, so counters never go backwards when a responder is replaced.
 * - Taking a slot happens under an exclusive flock on the file: a free slot,
 *   else the slot of a dead pid, whose counts are first added into the
 *   "retired" accumulator and then cleared. Scrapes sum under a shared flock,
 *   so they never see a slot half moved. When every slot belongs to a live
 *   process the newcomer counts straight into the retired accumulator
 *   (atomic adds keep that correct, only slower under contention).
 * - A file of another layout (an older build) is not touched: the process
 *   then counts in private memory and says so in the log.
 * Without a file (metrics_file unset, or plain CGI) counting is per process.
 */
#ifndef DOITONG_COUNTERS_H
#define DOITONG_COUNTERS_H

#include <stddef.h>

#include "common/metrics.h"

/* Slots in a file; more processes than this share the retired accumulator. */
#define COUNTERS_SLOTS 64

struct counters;

/*
 * Maps path (created with mode 0600 when missing) and takes a slot for this
 * process; path NULL or "" counts in private memory. On a failure to use
 * the file it still returns private counters and writes the reason into err
 * (err[0] is '\0' otherwise). Never NULL.
 */
struct counters *counters_open(const char *path, char *err, size_t errlen);

/* True when the counters live in a shared file. */
int counters_shared(const struct counters *c);

/* Counts one answered request. */
void counters_observe(struct counters *c, enum metrics_op op, int status, double seconds);

/* Sums every slot (dead processes' included) into *out. */
void counters_snapshot(struct counters *c, struct metrics_snapshot *out);

/* Unmaps; the slot and its counts stay in the file. NULL is allowed. */
void counters_close(struct counters *c);

#endif

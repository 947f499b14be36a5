/*
 * counters.c - the shared request counters (design in counters.h).
 */
#include "common/counters.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"

/* The mapping is shared between processes: its atomics must not hide a lock. */
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "64-bit atomics must be lock-free");
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "int atomics must be lock-free");

#define COUNTERS_MAGIC 0x44544d31u /* "DTM1" */

struct slot {
	atomic_int pid; /* 0: free; the owner's pid otherwise */
	int pad;
	atomic_ullong requests[METRICS_OP__COUNT][METRICS_STATUS_COUNT];
	atomic_ullong buckets[METRICS_BUCKET_COUNT];
	atomic_ullong sum_us;
};

struct counters_file {
	uint32_t magic;
	uint32_t size; /* sizeof(struct counters_file): the layout's fingerprint */
	struct slot retired;
	struct slot slots[COUNTERS_SLOTS];
};

struct counters {
	struct counters_file *map;
	int fd;     /* -1 for private memory */
	struct slot *mine;
};

static void add_slot(struct slot *to, struct slot *from)
{
	for (int o = 0; o < METRICS_OP__COUNT; o++)
		for (int s = 0; s < METRICS_STATUS_COUNT; s++)
			atomic_fetch_add_explicit(&to->requests[o][s],
						  atomic_load_explicit(&from->requests[o][s], memory_order_relaxed),
						  memory_order_relaxed);
	for (int b = 0; b < METRICS_BUCKET_COUNT; b++)
		atomic_fetch_add_explicit(&to->buckets[b], atomic_load_explicit(&from->buckets[b], memory_order_relaxed),
					  memory_order_relaxed);
	atomic_fetch_add_explicit(&to->sum_us, atomic_load_explicit(&from->sum_us, memory_order_relaxed),
				  memory_order_relaxed);
}

static void clear_slot(struct slot *s)
{
	for (int o = 0; o < METRICS_OP__COUNT; o++)
		for (int st = 0; st < METRICS_STATUS_COUNT; st++)
			atomic_store_explicit(&s->requests[o][st], 0, memory_order_relaxed);
	for (int b = 0; b < METRICS_BUCKET_COUNT; b++)
		atomic_store_explicit(&s->buckets[b], 0, memory_order_relaxed);
	atomic_store_explicit(&s->sum_us, 0, memory_order_relaxed);
}

/* kill(pid, 0): ESRCH means gone; EPERM means alive under another user. */
static int pid_dead(int pid)
{
	return pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* Chooses this process's slot; the caller holds the exclusive lock. */
static struct slot *take_slot(struct counters_file *f)
{
	int me = (int)getpid();
	for (int i = 0; i < COUNTERS_SLOTS; i++) /* ours already (CGI re-open, or a reused pid) */
		if (atomic_load(&f->slots[i].pid) == me)
			return &f->slots[i];
	for (int i = 0; i < COUNTERS_SLOTS; i++)
		if (atomic_load(&f->slots[i].pid) == 0) {
			atomic_store(&f->slots[i].pid, me);
			return &f->slots[i];
		}
	for (int i = 0; i < COUNTERS_SLOTS; i++) {
		struct slot *s = &f->slots[i];
		if (pid_dead(atomic_load(&s->pid))) {
			add_slot(&f->retired, s);
			clear_slot(s);
			atomic_store(&s->pid, me);
			return s;
		}
	}
	return &f->retired;
}

static struct counters *private_counters(struct counters *c)
{
	c->map = mmap(NULL, sizeof *c->map, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c->map == MAP_FAILED)
		oom_abort();
	c->fd = -1;
	c->mine = &c->map->slots[0];
	return c;
}

struct counters *counters_open(const char *path, char *err, size_t errlen)
{
	struct counters *c = xcalloc(1, sizeof *c);
	if (errlen)
		err[0] = '\0';
	if (!path || !*path)
		return private_counters(c);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "metrics_file %s: %s", path, strerror(errno));
		return private_counters(c);
	}
	if (flock(fd, LOCK_EX) != 0) {
		snprintf(err, errlen, "metrics_file %s: flock: %s", path, strerror(errno));
		close(fd);
		return private_counters(c);
	}
	struct stat st;
	const char *problem = NULL;
	int saved = 0;
	if (fstat(fd, &st) != 0) {
		problem = "fstat", saved = errno;
	} else if (st.st_size == 0 && ftruncate(fd, (off_t)sizeof *c->map) != 0) {
		problem = "ftruncate", saved = errno;
	} else if (st.st_size != 0 && st.st_size != (off_t)sizeof *c->map) {
		problem = "the file has another layout (another build?); remove it while no responder runs";
	}
	struct counters_file *map = MAP_FAILED;
	if (!problem) {
		map = mmap(NULL, sizeof *map, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (map == MAP_FAILED)
			problem = "mmap", saved = errno;
	}
	if (!problem && map->magic == 0 && map->size == 0) { /* a new file: zero-filled */
		map->size = (uint32_t)sizeof *map;
		map->magic = COUNTERS_MAGIC;
	}
	if (!problem && (map->magic != COUNTERS_MAGIC || map->size != sizeof *map))
		problem = "the file has another layout (another build?); remove it while no responder runs";
	if (problem) {
		snprintf(err, errlen, "metrics_file %s: %s%s%s; counting per process", path, problem,
			 saved ? ": " : "", saved ? strerror(saved) : "");
		if (map != MAP_FAILED)
			munmap(map, sizeof *map);
		close(fd); /* also drops the lock */
		return private_counters(c);
	}
	c->map = map;
	c->fd = fd;
	c->mine = take_slot(map);
	flock(fd, LOCK_UN);
	return c;
}

int counters_shared(const struct counters *c)
{
	return c->fd >= 0;
}

void counters_observe(struct counters *c, enum metrics_op op, int status, double seconds)
{
	if ((unsigned)op >= METRICS_OP__COUNT)
		op = METRICS_OP_OTHER;
	struct slot *s = c->mine;
	atomic_fetch_add_explicit(&s->requests[op][metrics_status_index(status)], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->buckets[metrics_bucket_index(seconds)], 1, memory_order_relaxed);
	unsigned long long us = seconds > 0 ? (unsigned long long)(seconds * 1e6 + 0.5) : 0;
	atomic_fetch_add_explicit(&s->sum_us, us, memory_order_relaxed);
}

static void sum_into(struct metrics_snapshot *out, struct slot *s)
{
	for (int o = 0; o < METRICS_OP__COUNT; o++)
		for (int st = 0; st < METRICS_STATUS_COUNT; st++)
			out->requests[o][st] += atomic_load_explicit(&s->requests[o][st], memory_order_relaxed);
	for (int b = 0; b < METRICS_BUCKET_COUNT; b++)
		out->buckets[b] += atomic_load_explicit(&s->buckets[b], memory_order_relaxed);
	out->sum_us += atomic_load_explicit(&s->sum_us, memory_order_relaxed);
}

void counters_snapshot(struct counters *c, struct metrics_snapshot *out)
{
	memset(out, 0, sizeof *out);
	if (c->fd < 0) {
		sum_into(out, c->mine);
		return;
	}
	/* Shared: no slot is being moved into the retired accumulator meanwhile.
	 * If the lock cannot be had the sums are still right but for a moment. */
	int locked = flock(c->fd, LOCK_SH) == 0;
	sum_into(out, &c->map->retired);
	for (int i = 0; i < COUNTERS_SLOTS; i++)
		sum_into(out, &c->map->slots[i]);
	if (locked)
		flock(c->fd, LOCK_UN);
}

void counters_close(struct counters *c)
{
	if (!c)
		return;
	munmap(c->map, sizeof *c->map);
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}

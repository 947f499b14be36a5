/*
 * simulate.h - the `simulate` adapter: how test-mode generations (dt_test_
 * keys) run. No upstream and no real adapter is ever called; the outcome is
 * a pure function of the prompt's triggers, the recorded progress and the
 * seconds since startedAt, so one scheduler runs any number of simulated
 * jobs at once through next-poll times, never sleeping. simulate.c's header
 * comment is the behaviour's documentation.
 */
#ifndef DOITONG_SIMULATE_H
#define DOITONG_SIMULATE_H

#include <stdint.h>
#include <jansson.h>

#include "providers/provider.h"

extern const struct provider_adapter provider_simulate;

#define SIM_TASK_PREFIX "sim_"
#define SIM_TRIGGER_FAIL "[fail]"
#define SIM_TRIGGER_SLOW "[slow]"
#define SIM_TRIGGER_INSTANT "[instant]"
#define SIM_FAIL_MESSAGE "Simulated failure: the prompt contains [fail]."
/* The AUDIO result: a WAV tone written in C. */
#define SIM_TONE_RATE 22050u
#define SIM_TONE_SAMPLES 22050u       /* 1.0 s */
#define SIM_TONE_HZ 440.0
#define SIM_TONE_AMPLITUDE 0.3
/* Largest sample file copied into media_dir. */
#define SIM_SAMPLE_MAX (16L * 1024 * 1024)

enum sim_trigger { SIM_NORMAL, SIM_FAIL, SIM_SLOW, SIM_INSTANT };

/* The trigger in input.text, matched case-insensitively; [fail] wins over
 * [slow], which wins over [instant]; SIM_NORMAL without text. */
enum sim_trigger simulate_trigger(const struct job *job);

/* A schedule: polls every interval_seconds, progress rising by
 * progress_step per poll, COMPLETED on poll number `polls`. */
struct sim_plan {
	int interval_seconds;
	int progress_step;
	int polls;
};

/* The schedule of a trigger (SIM_FAIL: the normal one; it fails on poll 1). */
const struct sim_plan *simulate_plan(enum sim_trigger t);

enum sim_action { SIM_RUN, SIM_FAIL_NOW, SIM_COMPLETE };

struct sim_decision {
	enum sim_action action;
	int progress;             /* SIM_RUN: 1..99, above the recorded progress */
	int next_poll_seconds;    /* SIM_RUN */
};

/*
 * What a poll does, given the trigger, the job's recorded progress and the
 * whole seconds since startedAt (negative when unknown). The poll number is
 * progress / progress_step + 1; a scheduler that polls late (elapsed - 1
 * seconds cover more intervals than that) catches up to the schedule, so the
 * job never takes much longer than planned. Pure.
 */
void simulate_decide(enum sim_trigger t, int progress, long long elapsed_seconds,
		     struct sim_decision *d);

/* A shipped sample file and what ffprobe says about it (tests compare). */
struct sim_sample {
	const char *type;          /* VIDEO, IMAGE, AVATAR */
	const char *file;          /* in cfg->samples_dir */
	const char *ext;           /* of the result in media_dir */
	const char *format;        /* MediaMetadata.format */
	int width;
	int height;
	double duration;           /* seconds; 0 = not reported */
	double fps;                /* 0 = not reported */
	const char *resolution;    /* e.g. "180p" */
};

/* The sample returned for a generation type, or NULL (AUDIO, unknown). */
const struct sim_sample *simulate_sample(const char *type);

/* MediaMetadata for sample s stored as size_bytes: a new reference. */
json_t *simulate_sample_metadata(const struct sim_sample *s, long long size_bytes);

/* MediaMetadata of the AUDIO tone stored as size_bytes: a new reference. */
json_t *simulate_tone_metadata(long long size_bytes);

#endif

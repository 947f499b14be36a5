/*
 * task_run.h - the transport half of the async-task family: runs the calls
 * task_api.c builds through the outbound client (ctx->http) and turns the
 * answers into outcomes; a succeeded task's file is stored by download.c.
 * The adapters registered in provider.c ("luma", "runway", "kling",
 * "minimax", "wan", "veo", "seedance", "vidu").
 */
#ifndef DOITONG_TASK_RUN_H
#define DOITONG_TASK_RUN_H

#include "outbound/http.h"
#include "providers/provider.h"
#include "providers/task_api.h"

/* Time-outs of one API call (not downloads). */
#define TASK_CALL_TIMEOUT_MS 30000L
#define TASK_CONNECT_TIMEOUT_MS 5000L

/* A synchronous upstream's submit is the whole generation: it may take
 * longer (Imagen, Seedream) and its JSON answer may carry the image. */
#define TASK_SYNC_TIMEOUT_MS 180000L
#define TASK_SYNC_JSON_MAX (64u * 1024 * 1024)
extern long task_sync_timeout_ms;

/* The time-out used, TASK_CALL_TIMEOUT_MS unless a test shortens it to see
 * an unanswered submit in seconds rather than half a minute. */
extern long task_call_timeout_ms;

void task_submit(const struct task_api *api, const struct job *job,
		 const struct provider_ctx *ctx, struct provider_outcome *out);
void task_poll(const struct task_api *api, const struct job *job,
	       const struct provider_ctx *ctx, struct provider_outcome *out);
void task_cancel(const struct task_api *api, const struct job *job,
		 const struct provider_ctx *ctx, struct provider_outcome *out);
void task_reconcile(const struct task_api *api, const struct job *job,
		    const struct provider_ctx *ctx, struct provider_outcome *out);

extern const struct provider_adapter provider_luma;
extern const struct provider_adapter provider_runway;
extern const struct provider_adapter provider_kling;
extern const struct provider_adapter provider_minimax;
extern const struct provider_adapter provider_wan;
extern const struct provider_adapter provider_veo;
extern const struct provider_adapter provider_seedance;
extern const struct provider_adapter provider_vidu;
extern const struct provider_adapter provider_flux_dev;
extern const struct provider_adapter provider_flux_pro;
extern const struct provider_adapter provider_flux_pro_1_1;
extern const struct provider_adapter provider_flux_ultra;
extern const struct provider_adapter provider_flux_kontext;
extern const struct provider_adapter provider_flux_krea;
extern const struct provider_adapter provider_imagen;
extern const struct provider_adapter provider_seedream;
extern const struct provider_adapter provider_elevenlabs;
extern const struct provider_adapter provider_heygen;
extern const struct provider_adapter provider_hedra;   /* hedra.c */

#endif

/*
 * commands.h - the `doitong` client's commands, one function each. Every one
 * takes the parsed arguments and a ready struct api, prints its result on
 * stdout (a readable form, or the JSON with --json) and its errors as
 * "doitong: CODE: message" on stderr, and returns the exit code (cli.h).
 */
#ifndef DOITONG_CLIENT_COMMANDS_H
#define DOITONG_CLIENT_COMMANDS_H

#include <jansson.h>

#include "client/api.h"
#include "client/cli.h"

/* The fields of a Generation every command asks for. */
#define CLIENT_GENERATION_FIELDS                                                     \
	"id type status progress provider model url creditCost estimatedTime "        \
	"error { code message } metadata { format width height duration sizeBytes } " \
	"createdAt completedAt"

int cmd_generate(struct api *api, const struct client_args *a) NONNULL(1, 2);   /* generate.c */
int cmd_status(struct api *api, const struct client_args *a) NONNULL(1, 2);
int cmd_cancel(struct api *api, const struct client_args *a) NONNULL(1, 2);
int cmd_list(struct api *api, const struct client_args *a) NONNULL(1, 2);
int cmd_providers(struct api *api, const struct client_args *a) NONNULL(1, 2);
int cmd_account(struct api *api, const struct client_args *a) NONNULL(1, 2);

/* Prints "doitong: CODE: message" on stderr and returns rc. */
int client_report(const struct api_error *err, int rc) NONNULL(1);

/* Prints v as indented JSON and a newline on stdout. */
void client_print_json(json_t *v) NONNULL(1);

#endif

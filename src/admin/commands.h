/*
 * commands.h - doitong-admin's commands that call admin.* functions, and
 * doctor. Each prints its result on stdout, reasons on stderr, and returns
 * the process exit code.
 */
#ifndef DOITONG_ADMIN_COMMANDS_H
#define DOITONG_ADMIN_COMMANDS_H

#include "admin/cli.h"
#include "common/config.h"

/* Runs a parsed command other than ADMIN_HELP and ADMIN_MIGRATE. */
int admin_run(const struct admin_args *args, const struct config *cfg);

/* Checks the installation; one line per check on stdout. 0 when all pass. */
int admin_doctor(const struct config *cfg);

#endif

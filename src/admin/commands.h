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
/* doctor --invariants: each row of api.invariant_violations() as one line;
 * 0 when there is none, 1 when there is any or the check could not run. */
int admin_doctor_invariants(const struct config *cfg);

#endif

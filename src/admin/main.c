/*
 * main.c - doitong-admin: parse the command line, load the configuration,
 * run the command. Exit 0 on success, 1 on failure (reason on stderr),
 * 2 on bad usage (usage on stderr).
 */
#include <stdio.h>

#include "admin/cli.h"
#include "admin/commands.h"
#include "admin/migrate.h"
#include "common/config.h"
#include "common/log.h"

int main(int argc, char **argv)
{
	struct admin_args args;
	char err[512];
	const char *usage;
	if (admin_parse_args(argc, argv, &args, err, sizeof err, &usage) != ADMIN_EXIT_OK) {
		fprintf(stderr, "doitong-admin: %s\n%s", err, usage);
		return ADMIN_EXIT_USAGE;
	}
	if (args.command == ADMIN_HELP) {
		fputs(args.help_text, stdout);
		return ADMIN_EXIT_OK;
	}

	struct config cfg;
	if (config_load(&cfg, err, sizeof err)) {
		fprintf(stderr, "doitong-admin: %s\n", err);
		config_free(&cfg);
		return ADMIN_EXIT_FAILURE;
	}
	/* Only warnings: the tool's own output is on stdout and stderr. */
	log_init("doitong-admin", "warn");
	int rc = 1;
	switch (args.command) {
	case ADMIN_MIGRATE:
		rc = migrate_run(&cfg, args.status, stdout);
		break;
	case ADMIN_DOCTOR:
		rc = args.invariants ? admin_doctor_invariants(&cfg) : admin_doctor(&cfg);
		break;
	case ADMIN_HELP:
	case ADMIN_ACCOUNT_CREATE:
	case ADMIN_ACCOUNT_LIST:
	case ADMIN_ACCOUNT_SET_PLAN:
	case ADMIN_ACCOUNT_WEBHOOK_SECRET:
	case ADMIN_KEY_CREATE:
	case ADMIN_KEY_REVOKE:
	case ADMIN_CREDITS_ADD:
	case ADMIN_CREDITS_LEDGER:
	case ADMIN_PROVIDERS_LIST:
	case ADMIN_PROVIDERS_ENABLE:
	case ADMIN_PROVIDERS_DISABLE:
	case ADMIN_PROVIDERS_KEY:
	case ADMIN_PROVIDERS_ROUTE:
	case ADMIN_STATS:
		rc = admin_run(&args, &cfg);
		break;
	}
	config_free(&cfg);
	return rc ? ADMIN_EXIT_FAILURE : ADMIN_EXIT_OK;
}

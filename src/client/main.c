/*
 * main.c - `doitong`, the command-line client of a Doitong gateway: parses
 * the command line (cli.c), finds the endpoint and key, and runs the
 * command (commands.c, generate.c). See `doitong --help` and doitong(1).
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>

#include "client/api.h"
#include "client/cli.h"
#include "client/commands.h"

int main(int argc, char **argv)
{
	struct client_args a;
	char err[512];
	const char *usage;
	int rc = client_parse_args(argc, argv, &a, err, sizeof err, &usage);
	if (rc) {
		fprintf(stderr, "doitong: %s\nUsage: %s\n(`doitong --help` for more)\n", err, usage);
		client_args_free(&a);
		return CLIENT_EXIT_USAGE;
	}
	if (a.command == CLIENT_HELP) {
		fputs(a.help_text, stdout);
		client_args_free(&a);
		return CLIENT_EXIT_OK;
	}
	if (a.command == CLIENT_VERSION) {
		printf("doitong %s\n", DOITONG_VERSION);
		client_args_free(&a);
		return CLIENT_EXIT_OK;
	}
	const char *url = a.url ? a.url : getenv("DOITONG_URL");
	const char *key = a.key ? a.key : getenv("DOITONG_API_KEY");
	if (!url || !*url || !key || !*key) {
		fprintf(stderr, "doitong: set DOITONG_URL and DOITONG_API_KEY (or --url and --key)\n");
		client_args_free(&a);
		return CLIENT_EXIT_USAGE;
	}

	curl_global_init(CURL_GLOBAL_DEFAULT);
	struct api api;
	api_init(&api, url, key, a.json);
	switch (a.command) {
	case CLIENT_GENERATE: rc = cmd_generate(&api, &a); break;
	case CLIENT_STATUS: rc = cmd_status(&api, &a); break;
	case CLIENT_CANCEL: rc = cmd_cancel(&api, &a); break;
	case CLIENT_LIST: rc = cmd_list(&api, &a); break;
	case CLIENT_PROVIDERS: rc = cmd_providers(&api, &a); break;
	case CLIENT_ACCOUNT: rc = cmd_account(&api, &a); break;
	case CLIENT_HELP:
	case CLIENT_VERSION:
		break;
	}
	api_cleanup(&api);
	curl_global_cleanup();
	client_args_free(&a);
	return rc;
}

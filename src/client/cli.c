/*
 * cli.c - the `doitong` client's argument parser and help texts (see cli.h).
 * A table of commands holds each one's synopsis and help; a table of flags
 * says which command accepts which flag and whether it takes a value.
 * Flags take their value as the next word or after '=' (--type=video).
 */
#include "client/cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define EXIT_CODES_HELP                                                         \
	"Exit codes: 0 success; 1 the API answered an error or the generation\n" \
	"failed or was cancelled (the machine code and message go to stderr);\n"  \
	"2 usage; 3 network failure after every retry.\n"

#define GLOBAL_FLAGS_HELP                                                       \
	"  --url URL        the GraphQL endpoint (default $DOITONG_URL)\n"          \
	"  --key KEY        the API key (default $DOITONG_API_KEY)\n"               \
	"  --json           print the JSON result only\n"                           \
	"  -h, --help       this help\n"

struct command {
	const char *word;
	enum client_command command;
	const char *synopsis;
	const char *help;
};

static const struct command commands[] = {
	{ "generate", CLIENT_GENERATE,
	  "doitong generate --type video|image|audio|avatar [FLAGS] PROMPT",
	  "Starts a generation and, unless --no-wait, waits for it to end: a progress\n"
	  "bar on a terminal, one \"status STATUS N%\" line per change otherwise.\n"
	  "On COMPLETED prints the result's URL (and saves it with -o FILE).\n\n"
	  "  --type T             video, image, audio or avatar (required)\n"
	  "  --provider P         a provider id (see `doitong providers`); default: chosen\n"
	  "                       by the server from --priority\n"
	  "  --model M            a model of the provider\n"
	  "  --option K=V         a provider option, repeatable (numbers and true/false\n"
	  "                       are sent as JSON numbers and booleans)\n"
	  "  --image URL|FILE     a source image (image-to-video, avatar portrait): a URL, or\n"
	  "                       a PNG, JPEG, GIF or WebP file of at most 512 KiB sent inline\n"
	  "  --priority P         quality, speed, cost or balanced\n"
	  "  --webhook URL        receives the signed event when the generation ends\n"
	  "  --idempotency-key K  the Idempotency-Key (default: a random one per run;\n"
	  "                       every retry of this run re-sends the same key)\n"
	  "  --no-wait            print the id and return at once\n"
	  "  --timeout SECONDS    how long to wait for the end (default 900)\n"
	  "  -o, --output FILE    download the result to FILE\n" },
	{ "status", CLIENT_STATUS, "doitong status ID",
	  "Shows a generation: status, progress, URL, metadata, error.\n" },
	{ "cancel", CLIENT_CANCEL, "doitong cancel ID",
	  "Cancels a generation that has not ended; its credits are released.\n" },
	{ "list", CLIENT_LIST,
	  "doitong list [--limit N] [--status S] [--type T]",
	  "Lists your latest generations, newest first.\n\n"
	  "  --limit N    how many (1..100, default 20)\n"
	  "  --status S   pending, processing, completed, failed or cancelled\n"
	  "  --type T     video, image, audio or avatar\n" },
	{ "providers", CLIENT_PROVIDERS, "doitong providers [--type T]",
	  "Lists the providers as a table: id, type, models, price (credits for the\n"
	  "default options), typical time in seconds, and availability.\n\n"
	  "  --type T     only those serving video, image, audio or avatar\n" },
	{ "account", CLIENT_ACCOUNT, "doitong account",
	  "Shows your account: credits, reserved credits, plan and rate limits.\n" },
	{ "help", CLIENT_HELP, "doitong help [COMMAND]", "Shows the help of COMMAND.\n" },
};

enum flag_id {
	F_URL, F_KEY, F_JSON, F_HELP,
	F_TYPE, F_PROVIDER, F_MODEL, F_OPTION, F_IMAGE, F_PRIORITY, F_WEBHOOK,
	F_IDEM, F_NO_WAIT, F_TIMEOUT, F_OUTPUT, F_LIMIT, F_STATUS
};

/* Which commands take a flag: a bit per enum client_command. */
#define ALL (~0u)
#define ONLY(c) (1u << (c))

static const struct flag {
	const char *name;
	const char *alias;
	enum flag_id id;
	bool value;
	unsigned commands;
} flags[] = {
	{ "--url", NULL, F_URL, true, ALL },
	{ "--key", NULL, F_KEY, true, ALL },
	{ "--json", NULL, F_JSON, false, ALL },
	{ "--help", "-h", F_HELP, false, ALL },
	{ "--type", NULL, F_TYPE, true, ONLY(CLIENT_GENERATE) | ONLY(CLIENT_LIST) | ONLY(CLIENT_PROVIDERS) },
	{ "--provider", NULL, F_PROVIDER, true, ONLY(CLIENT_GENERATE) },
	{ "--model", NULL, F_MODEL, true, ONLY(CLIENT_GENERATE) },
	{ "--option", NULL, F_OPTION, true, ONLY(CLIENT_GENERATE) },
	{ "--image", NULL, F_IMAGE, true, ONLY(CLIENT_GENERATE) },
	{ "--priority", NULL, F_PRIORITY, true, ONLY(CLIENT_GENERATE) },
	{ "--webhook", NULL, F_WEBHOOK, true, ONLY(CLIENT_GENERATE) },
	{ "--idempotency-key", NULL, F_IDEM, true, ONLY(CLIENT_GENERATE) },
	{ "--no-wait", NULL, F_NO_WAIT, false, ONLY(CLIENT_GENERATE) },
	{ "--timeout", NULL, F_TIMEOUT, true, ONLY(CLIENT_GENERATE) },
	{ "--output", "-o", F_OUTPUT, true, ONLY(CLIENT_GENERATE) },
	{ "--limit", NULL, F_LIMIT, true, ONLY(CLIENT_LIST) },
	{ "--status", NULL, F_STATUS, true, ONLY(CLIENT_LIST) },
};

static const char *const types[] = { "VIDEO", "IMAGE", "AUDIO", "AVATAR" };
static const char *const priorities[] = { "QUALITY", "SPEED", "COST", "BALANCED" };
static const char *const statuses[] = { "PENDING", "PROCESSING", "COMPLETED", "FAILED", "CANCELLED" };

static char usage_buf[2048];
static const char short_usage[] =
	"doitong generate|status|cancel|list|providers|account|help [FLAGS] [ARGS]";

const char *client_usage(void)
{
	if (usage_buf[0])
		return usage_buf;
	size_t n = (size_t)snprintf(usage_buf, sizeof usage_buf,
		"doitong - generate video, images, speech and avatars through a Doitong gateway\n\n"
		"Usage:\n");
	for (size_t i = 0; i < ARRAY_LEN(commands) && n < sizeof usage_buf; i++)
		n += (size_t)snprintf(usage_buf + n, sizeof usage_buf - n, "  %s\n", commands[i].synopsis);
	if (n < sizeof usage_buf)
		snprintf(usage_buf + n, sizeof usage_buf - n,
			 "\nGlobal flags:\n" GLOBAL_FLAGS_HELP
			 "\nEnvironment: DOITONG_URL (e.g. http://127.0.0.1:8480/graphql), DOITONG_API_KEY.\n"
			 "`doitong help COMMAND` or `doitong COMMAND --help` describes a command.\n\n"
			 EXIT_CODES_HELP);
	return usage_buf;
}

static char help_buf[ARRAY_LEN(commands)][2048];

static const char *command_help(size_t i)
{
	char *b = help_buf[i];
	if (!b[0])
		snprintf(b, sizeof help_buf[i], "Usage: %s\n\n%s\nGlobal flags:\n" GLOBAL_FLAGS_HELP "\n" EXIT_CODES_HELP,
			 commands[i].synopsis, commands[i].help);
	return b;
}

/* The canonical (static, upper-case) spelling of word among names, or NULL. */
static const char *pick(const char *word, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(word, names[i]))
			return names[i];
	return NULL;
}

PRINTF_LIKE(3, 4)
static int usage_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return CLIENT_EXIT_USAGE;
}

json_t *client_option_value(const char *text)
{
	if (!strcmp(text, "true"))
		return json_true();
	if (!strcmp(text, "false"))
		return json_false();
	const char *p = text + (*text == '-' || *text == '+');
	size_t digits = strspn(p, "0123456789");
	if (digits > 0 && p[digits] == '\0' && digits <= 18)
		return json_integer(strtoll(text, NULL, 10));
	/* A decimal number: digits with one point and an optional exponent;
	 * words strtod also takes (inf, nan, 0x1p3) stay strings. */
	if (digits > 0 || (*p == '.' && p[1] >= '0' && p[1] <= '9')) {
		if (strspn(text, "+-0123456789.eE") == strlen(text)) {
			char *end;
			errno = 0;
			double d = strtod(text, &end);
			if (*end == '\0' && errno == 0 && isfinite(d))
				return json_real(d);
		}
	}
	return json_string(text);
}

static bool parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static int add_option(struct client_args *a, const char *kv, char *err, size_t errlen)
{
	const char *eq = strchr(kv, '=');
	if (!eq)
		return usage_error(err, errlen, "--option takes KEY=VALUE, got '%s'", kv);
	if (eq == kv)
		return usage_error(err, errlen, "--option '%s' has an empty key", kv);
	if (!a->options)
		a->options = json_object();
	if (json_object_size(a->options) >= CLIENT_MAX_OPTIONS)
		return usage_error(err, errlen, "at most %d --option flags", CLIENT_MAX_OPTIONS);
	size_t klen = (size_t)(eq - kv);
	char *key = xmalloc(klen + 1);
	memcpy(key, kv, klen);
	key[klen] = '\0';
	json_t *v = client_option_value(eq + 1);
	int rc = json_object_set_new(a->options, key, v);
	free(key);
	if (rc)
		return usage_error(err, errlen, "--option key is not valid UTF-8");
	return CLIENT_EXIT_OK;
}

static int apply_flag(struct client_args *a, const struct flag *f, const char *v, char *err, size_t errlen)
{
	switch (f->id) {
	case F_URL: a->url = v; break;
	case F_KEY: a->key = v; break;
	case F_JSON: a->json = true; break;
	case F_HELP: break;
	case F_TYPE: {
		const char *t = pick(v, types, ARRAY_LEN(types));
		if (!t)
			return usage_error(err, errlen, "--type must be video, image, audio or avatar, not '%s'", v);
		if (a->command == CLIENT_GENERATE)
			a->type = t;
		else
			a->filter_type = t;
		break;
	}
	case F_PROVIDER: a->provider = v; break;
	case F_MODEL: a->model = v; break;
	case F_OPTION: return add_option(a, v, err, errlen);
	case F_IMAGE: a->image = v; break;
	case F_PRIORITY:
		a->priority = pick(v, priorities, ARRAY_LEN(priorities));
		if (!a->priority)
			return usage_error(err, errlen, "--priority must be quality, speed, cost or balanced, not '%s'", v);
		break;
	case F_WEBHOOK: a->webhook = v; break;
	case F_IDEM:
		if (!*v || strlen(v) > 255)
			return usage_error(err, errlen, "--idempotency-key must have 1 to 255 characters");
		for (const char *c = v; *c; c++)
			if (*c <= 0x20 || *c >= 0x7f)
				return usage_error(err, errlen, "--idempotency-key must be visible ASCII");
		a->idempotency_key = v;
		break;
	case F_NO_WAIT: a->no_wait = true; break;
	case F_TIMEOUT:
		if (!parse_long(v, 1, 86400, &a->timeout))
			return usage_error(err, errlen, "--timeout must be 1..86400 seconds, not '%s'", v);
		break;
	case F_OUTPUT:
		if (!*v)
			return usage_error(err, errlen, "-o needs a file name");
		a->output = v;
		break;
	case F_LIMIT:
		if (!parse_long(v, 1, 100, &a->limit))
			return usage_error(err, errlen, "--limit must be 1..100, not '%s'", v);
		break;
	case F_STATUS:
		a->status = pick(v, statuses, ARRAY_LEN(statuses));
		if (!a->status)
			return usage_error(err, errlen,
					   "--status must be pending, processing, completed, failed or cancelled, not '%s'", v);
		break;
	}
	return CLIENT_EXIT_OK;
}

static const struct flag *find_flag(const char *arg, size_t len)
{
	for (size_t i = 0; i < ARRAY_LEN(flags); i++) {
		if (strlen(flags[i].name) == len && !strncmp(arg, flags[i].name, len))
			return &flags[i];
		if (flags[i].alias && strlen(flags[i].alias) == len && !strncmp(arg, flags[i].alias, len))
			return &flags[i];
	}
	return NULL;
}

static void append_word(char **prompt, const char *word)
{
	size_t have = *prompt ? strlen(*prompt) : 0, add = strlen(word);
	*prompt = xrealloc(*prompt, have + add + 2);
	if (have)
		(*prompt)[have++] = ' ';
	memcpy(*prompt + have, word, add + 1);
}

int client_parse_args(int argc, char **argv, struct client_args *out,
		      char *err, size_t errlen, const char **usage)
{
	memset(out, 0, sizeof *out);
	out->timeout = 900;
	out->limit = 20;
	out->command = CLIENT_HELP;
	out->help_text = client_usage();
	*usage = short_usage;
	err[0] = '\0';

	/* The command word is the first argument that is neither a flag nor
	 * the value of a global flag. */
	int cmd_at = -1;
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1]) {
			if (!strcmp(argv[i], "--version")) {
				out->command = CLIENT_VERSION;
				return CLIENT_EXIT_OK;
			}
			const char *eq = strchr(argv[i], '=');
			const struct flag *f = find_flag(argv[i], eq ? (size_t)(eq - argv[i]) : strlen(argv[i]));
			if (f && f->value && !eq)
				i++;
			continue;
		}
		cmd_at = i;
		break;
	}
	size_t ci = ARRAY_LEN(commands);
	if (cmd_at < 0) {
		ci = ARRAY_LEN(commands) - 1; /* no command: flags are checked as for `help` */
	} else {
		for (ci = 0; ci < ARRAY_LEN(commands); ci++)
			if (!strcmp(commands[ci].word, argv[cmd_at]))
				break;
		if (ci == ARRAY_LEN(commands))
			return usage_error(err, errlen, "unknown command '%s'", argv[cmd_at]);
	}
	out->command = commands[ci].command;
	*usage = commands[ci].command == CLIENT_HELP ? short_usage : commands[ci].synopsis;

	bool help = false;
	int npos = 0;
	const char *pos[2] = { NULL, NULL };
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (i == cmd_at)
			continue;
		if (!strcmp(arg, "--")) {
			for (i++; i < argc; i++) {
				if (out->command == CLIENT_GENERATE)
					append_word(&out->prompt, argv[i]);
				else if (npos < 2)
					pos[npos++] = argv[i];
				else
					return usage_error(err, errlen, "too many arguments");
			}
			break;
		}
		if (arg[0] == '-' && arg[1]) {
			const char *eq = arg[1] == '-' ? strchr(arg, '=') : NULL;
			size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
			const struct flag *f = find_flag(arg, len);
			if (!f || !(f->commands & ONLY(out->command)))
				return usage_error(err, errlen, "unknown flag '%.*s'", (int)len, arg);
			const char *v = NULL;
			if (f->value) {
				if (eq)
					v = eq + 1;
				else if (i + 1 < argc)
					v = argv[++i];
				else
					return usage_error(err, errlen, "%s needs a value", f->name);
			} else if (eq) {
				return usage_error(err, errlen, "%s takes no value", f->name);
			}
			if (f->id == F_HELP)
				help = true;
			int rc = apply_flag(out, f, v, err, errlen);
			if (rc)
				return rc;
			continue;
		}
		if (out->command == CLIENT_GENERATE)
			append_word(&out->prompt, arg);
		else if (npos < 2)
			pos[npos++] = arg;
		else
			return usage_error(err, errlen, "too many arguments");
	}

	if (out->command == CLIENT_HELP) {
		out->help_text = client_usage();
		if (cmd_at < 0 && !help)
			return usage_error(err, errlen, "no command given");
		if (npos > 1)
			return usage_error(err, errlen, "help takes at most one command");
		if (npos == 1) {
			size_t j;
			for (j = 0; j < ARRAY_LEN(commands); j++)
				if (!strcmp(commands[j].word, pos[0]))
					break;
			if (j == ARRAY_LEN(commands))
				return usage_error(err, errlen, "unknown command '%s'", pos[0]);
			out->help_text = command_help(j);
		}
		return CLIENT_EXIT_OK;
	}
	if (help) {
		out->command = CLIENT_HELP;
		out->help_text = command_help(ci);
		return CLIENT_EXIT_OK;
	}

	switch (out->command) {
	case CLIENT_GENERATE:
		if (npos)
			return usage_error(err, errlen, "unexpected argument");
		if (!out->type)
			return usage_error(err, errlen, "generate needs --type");
		if (!out->prompt || !out->prompt[0])
			return usage_error(err, errlen, "generate needs a prompt");
		if (out->output && out->no_wait)
			return usage_error(err, errlen, "-o and --no-wait exclude each other");
		break;
	case CLIENT_STATUS:
	case CLIENT_CANCEL:
		if (npos != 1 || !pos[0][0])
			return usage_error(err, errlen, "%s needs exactly one generation id", commands[ci].word);
		out->id = pos[0];
		break;
	case CLIENT_LIST:
	case CLIENT_PROVIDERS:
	case CLIENT_ACCOUNT:
		if (npos)
			return usage_error(err, errlen, "%s takes no arguments", commands[ci].word);
		break;
	case CLIENT_HELP:
	case CLIENT_VERSION:
		break;
	}
	return CLIENT_EXIT_OK;
}

void client_args_free(struct client_args *a)
{
	free(a->prompt);
	a->prompt = NULL;
	json_decref(a->options);
	a->options = NULL;
}

/*
 * exec.c - executes a validated operation (GraphQL spec §6).
 *
 * Root fields resolve through the schema's resolver table: their coerced
 * arguments become the text parameters of one stored function, which
 * returns JSON already shaped like the field's type. Everything below the
 * root is completion: field collection (fragments, @skip/@include, merging
 * of equal response keys), projection of the JSON by the selection sets, and
 * null propagation for non-null positions. The introspection root fields
 * __schema and __type are answered from introspect.c's JSON, with no call.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/log.h"
#include "graphql/coerce.h"
#include "graphql/doc_cache.h"
#include "graphql/internal.h"
#include "graphql/introspect.h"
#include "graphql/parser.h"
#include "outbound/addr_guard.h"
#include "outbound/http.h"

#define STR(s) (int)(s).len, (s).ptr

void exec_error(struct exec_ctx *c, enum api_err code, uint32_t offset,
		const struct gql_path *path, json_t *extra, const char *fmt, ...)
{
	char message[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	json_t *e = gql_error_new(message, code, c->src, c->len, offset, path, extra);
	json_array_append_new(c->errors, e);
}

/* One response key and the field nodes that share it, in document order. */
struct node_ref {
	const struct gql_selection *sel;
	struct node_ref *next;
};

struct field_group {
	struct gql_str key;
	struct node_ref *nodes, *last;
	struct field_group *next;
};

struct groups {
	struct field_group *first, *last;
};

/* Evaluates @skip / @include; true when the selection is to be executed. */
static bool included(struct exec_ctx *c, const struct gql_directive *dirs)
{
	for (const struct gql_directive *d = dirs; d; d = d->next) {
		bool skip = gql_str_eq(d->name, "skip");
		if (!skip && !gql_str_eq(d->name, "include"))
			continue;
		bool cond = false;
		for (const struct gql_argument *a = d->args; a; a = a->next) {
			if (!gql_str_eq(a->name, "if"))
				continue;
			if (a->value->kind == GQL_VAL_BOOLEAN) {
				cond = a->value->boolean;
			} else if (a->value->kind == GQL_VAL_VARIABLE) {
				char name[256];
				snprintf(name, sizeof name, "%.*s", STR(a->value->text));
				cond = json_is_true(json_object_get(c->vars, name));
			}
		}
		if (skip == cond)
			return false;
	}
	return true;
}

static void add_to_group(struct exec_ctx *c, struct groups *g, const struct gql_selection *sel)
{
	struct gql_str key = sel->alias.len ? sel->alias : sel->name;
	struct field_group *grp = g->first;
	while (grp && !gql_str_same(grp->key, key))
		grp = grp->next;
	if (!grp) {
		grp = arena_calloc(c->a, sizeof *grp);
		grp->key = key;
		if (g->last)
			g->last->next = grp;
		else
			g->first = grp;
		g->last = grp;
	}
	struct node_ref *ref = arena_calloc(c->a, sizeof *ref);
	ref->sel = sel;
	if (grp->last)
		grp->last->next = ref;
	else
		grp->nodes = ref;
	grp->last = ref;
}

/* CollectFields of the spec. Our schema has no abstract types, so a type
 * condition applies exactly when it names the object type (validation has
 * refused any other). `visiting` guards against spread cycles. */
static void collect(struct exec_ctx *c, const struct gql_selection_set *set, struct groups *g,
		    const struct gql_definition **visiting, int nvisiting)
{
	if (!set)
		return;
	for (const struct gql_selection *sel = set->first; sel; sel = sel->next) {
		if (!included(c, sel->directives))
			continue;
		switch (sel->kind) {
		case GQL_SEL_FIELD:
			add_to_group(c, g, sel);
			break;
		case GQL_SEL_INLINE_FRAGMENT:
			collect(c, sel->selection_set, g, visiting, nvisiting);
			break;
		case GQL_SEL_FRAGMENT_SPREAD: {
			const struct gql_definition *frag = exec_fragment(c, sel->name);
			bool seen = !frag || nvisiting >= 64;
			for (int i = 0; i < nvisiting && !seen; i++)
				seen = visiting[i] == frag;
			if (seen)
				break;
			visiting[nvisiting] = frag;
			collect(c, frag->selection_set, g, visiting, nvisiting + 1);
			break;
		}
		}
	}
}

static struct groups collect_groups(struct exec_ctx *c, const struct node_ref *nodes)
{
	struct groups g = { NULL, NULL };
	const struct gql_definition *visiting[64];
	for (; nodes; nodes = nodes->next)
		collect(c, nodes->sel->selection_set, &g, visiting, 0);
	return g;
}

static json_t *complete(struct exec_ctx *c, const struct gql_type *type, const struct node_ref *nodes,
			json_t *value, const struct gql_path *path, bool *errored);

static json_t *complete_object(struct exec_ctx *c, const struct gql_definition *def,
			       const struct node_ref *nodes, json_t *value, const struct gql_path *path,
			       bool *errored)
{
	if (!json_is_object(value)) {
		exec_error(c, API_ERR_INTERNAL, nodes->sel->offset, path, NULL,
			   "Expected an object for type \"%.*s\".", STR(def->name));
		*errored = true;
		return json_null();
	}
	bool any_selection = false;
	for (const struct node_ref *n = nodes; n; n = n->next)
		any_selection |= n->sel->selection_set != NULL;
	if (!any_selection)
		return json_incref(value); /* SPEC §2 leniency: the whole object */

	struct groups g = collect_groups(c, nodes);
	json_t *out = json_object();
	for (struct field_group *grp = g.first; grp; grp = grp->next) {
		struct gql_path sub = { path, grp->key.ptr, grp->key.len, 0 };
		struct gql_str name = grp->nodes->sel->name;
		if (gql_str_eq(name, "__typename")) {
			json_object_setn_new(out, grp->key.ptr, grp->key.len, json_stringn(def->name.ptr, def->name.len));
			continue;
		}
		const struct gql_field_def *f = gql_schema_field(def, name);
		if (!f)
			continue; /* validation refused this; never reached */
		char fname[128];
		snprintf(fname, sizeof fname, "%.*s", STR(name));
		bool sub_err = false;
		json_t *r = complete(c, f->type, grp->nodes, json_object_get(value, fname), &sub, &sub_err);
		if (!r) {
			json_decref(out);
			*errored = true;
			return json_null();
		}
		json_object_setn_new(out, grp->key.ptr, grp->key.len, r);
	}
	return out;
}

/* Returns the completed value (a new reference), or NULL when a non-null
 * position is null and the null must propagate to the parent. *errored tells
 * a parent that a null stems from an error already reported. */
static json_t *complete(struct exec_ctx *c, const struct gql_type *type, const struct node_ref *nodes,
			json_t *value, const struct gql_path *path, bool *errored)
{
	if (type->kind == GQL_TYPE_NON_NULL) {
		bool inner_err = false;
		json_t *r = complete(c, type->of, nodes, value, path, &inner_err);
		if (r && !json_is_null(r))
			return r;
		if (!inner_err)
			exec_error(c, API_ERR_INTERNAL, nodes->sel->offset, path, NULL,
				   "Cannot return null for non-nullable field.");
		json_decref(r);
		*errored = true;
		return NULL;
	}
	if (!value || json_is_null(value))
		return json_null();
	if (type->kind == GQL_TYPE_LIST) {
		if (!json_is_array(value)) {
			exec_error(c, API_ERR_INTERNAL, nodes->sel->offset, path, NULL, "Expected a list.");
			*errored = true;
			return json_null();
		}
		json_t *out = json_array();
		size_t i;
		json_t *item;
		json_array_foreach(value, i, item) {
			struct gql_path sub = { path, NULL, 0, i };
			bool item_err = false;
			json_t *r = complete(c, type->of, nodes, item, &sub, &item_err);
			if (!r) {
				json_decref(out);
				*errored = true;
				return json_null();
			}
			json_array_append_new(out, r);
		}
		return out;
	}
	const struct gql_definition *def = gql_schema_type(c->schema, type->name);
	if (def && def->kind == GQL_DEF_OBJECT) {
		/* Introspection hook: a __Type value that only names a type
		 * ({kind, name}) completes as that type's full object. */
		if (gql_str_eq(def->name, "__Type"))
			value = introspect_type_value(c->schema, value);
		return complete_object(c, def, nodes, value, path, errored);
	}
	return json_incref(value); /* scalars and enums come from SQL already serialised */
}

/* The field's arguments, coerced, as a JSON object (new reference), or NULL
 * after reporting an error. */
static json_t *coerce_arguments(struct exec_ctx *c, const struct gql_field_def *f,
				const struct gql_selection *sel, const struct gql_path *path)
{
	json_t *args = json_object();
	for (const struct gql_input_value_def *d = f->args; d; d = d->next) {
		const struct gql_argument *given = NULL;
		for (const struct gql_argument *a = sel->args; a; a = a->next)
			if (gql_str_same(a->name, d->name))
				given = a;
		struct coerce_error err = { 0, "" };
		json_t *x = NULL;
		if (given)
			x = coerce_literal(c->schema, d->type, given->value, c->vars, &err);
		if (!x && !err.message[0] && d->default_value)
			x = coerce_literal(c->schema, d->type, d->default_value, NULL, &err);
		if (!x && err.message[0]) {
			exec_error(c, API_ERR_INVALID_INPUT, err.offset != GQL_NO_LOCATION ? err.offset : sel->offset,
				   path, NULL, "Argument \"%.*s\": %s", STR(d->name), err.message);
			json_decref(args);
			return NULL;
		}
		if (x)
			json_object_setn_new(args, d->name.ptr, d->name.len, x);
	}
	return args;
}

/* A root field of the operation and where its answer comes from. */
struct root_field {
	struct field_group *grp;
	const struct gql_field_def *def; /* NULL for __typename */
	int call;                        /* index in api.execute's calls, or -1 */
	json_t *local;                   /* __schema/__type: the value (borrowed), no call */
	const struct root_hooks *hooks;  /* the field's C steps around its call, or NULL */
	struct gql_path path;
};

/*
 * The address guard at acceptance (SPEC §9): a webhookUrl, or an input URL
 * the server will fetch, with another scheme, credentials, or a literal
 * address the guard refuses (in any spelling) is refused before anything is
 * created. Host names pass here and are checked again on the address
 * actually connected to. input is the generate/videoCreate input object.
 */
static bool urls_acceptable(struct exec_ctx *c, struct root_field *rf, json_t *input,
			    const char *const *names, size_t n)
{
	if (!json_is_object(input))
		return true;
	for (size_t i = 0; i < n; i++) {
		const char *dot = strchr(names[i], '.');
		json_t *value = dot ? json_object_get(json_object_get(input, "input"), dot + 1)
				    : json_object_get(input, names[i]);
		if (!json_is_string(value))
			continue;
		/* An inline file (input.image or input.audio as a data: URI) is
		 * not fetched: its form is checked in SQL (internal.data_uri_ok). */
		if (dot && !strncmp(json_string_value(value), "data:", 5))
			continue;
		char why[160];
		struct outbound_policy p = outbound_policy_of(c->env->allow_private_urls,
							      c->env->allow_loopback_urls);
		if (addr_url_check_lo(json_string_value(value), p.allow_http, p.allow_loopback,
				      p.allow_private, why, sizeof why) ==
		    ADDR_URL_OK)
			continue;
		json_t *extra = json_pack("{s:s}", "field", arena_printf(c->a, "input.%s", names[i]));
		arena_defer(c->a, (void (*)(void *))json_decref, extra);
		exec_error(c, API_ERR_INVALID_INPUT, rf->grp->nodes->sel->offset, &rf->path, extra,
			   "input.%s is not acceptable: %s.", names[i], why);
		return false;
	}
	return true;
}

/* generate: webhookUrl and the inputs the server will fetch. */
static bool generate_urls_acceptable(struct exec_ctx *c, struct root_field *rf, json_t *args)
{
	static const char *const names[] = { "webhookUrl", "input.image", "input.audio", "input.video" };
	return urls_acceptable(c, rf, json_object_get(args, "input"), names, ARRAY_LEN(names));
}

/* videoCreate (the seed page's shape): webhookUrl and image. */
static bool video_create_urls_acceptable(struct exec_ctx *c, struct root_field *rf, json_t *args)
{
	static const char *const names[] = { "webhookUrl", "image" };
	return urls_acceptable(c, rf, json_object_get(args, "input"), names, ARRAY_LEN(names));
}

/*
 * rotateWebhookSecret: the new secret is made and sealed here, with the
 * operator's key, and handed to SQL as args.sealedSecret (not a GraphQL
 * argument: clients cannot set it), so the database only ever holds the
 * sealed form and never sees the key (migration 000013). Without a key SQL
 * makes a plaintext one, as before.
 */
static bool seal_new_secret(struct exec_ctx *c, struct root_field *rf, json_t *args)
{
	const struct secret_key *key = c->env->webhook_key;
	if (!key || !key->set)
		return true;
	char *plain = secret_new(c->a);
	char *sealed = plain ? secret_seal(c->a, key, plain) : NULL;
	if (plain)
		OPENSSL_cleanse(plain, strlen(plain));
	if (!sealed) {
		log_msg(LOG_ERROR, "rotateWebhookSecret: could not make a sealed secret");
		exec_error(c, API_ERR_INTERNAL, rf->grp->nodes->sel->offset, &rf->path, NULL, "%s",
			   api_err_message(API_ERR_INTERNAL));
		return false;
	}
	json_object_set_new(args, "sealedSecret", json_string(sealed));
	return true;
}

/* rotateWebhookSecret answers the stored form: the owner gets it opened.
 * NULL (and the error reported) when it cannot be opened. */
static json_t *open_rotated_secret(struct exec_ctx *c, struct root_field *rf, json_t *data)
{
	const char *stored = json_string_value(data);
	char why[160];
	char *plain = stored ? secret_open(c->a, c->env->webhook_key, stored, why, sizeof why) : NULL;
	if (!plain) {
		log_msg(LOG_ERROR, "rotateWebhookSecret: %s", stored ? why : "no secret in the answer");
		exec_error(c, API_ERR_INTERNAL, rf->grp->nodes->sel->offset, &rf->path, NULL, "%s",
			   api_err_message(API_ERR_INTERNAL));
		return NULL;
	}
	json_t *out = json_string(plain);
	OPENSSL_cleanse(plain, strlen(plain));
	arena_defer(c->a, (void (*)(void *))json_decref, out);
	return out;
}

/*
 * The root fields that do something in C around their SQL call. before runs
 * on the coerced arguments: false refuses the call (it reported why), and it
 * may add arguments. after turns the call's data into the field's value:
 * NULL when it cannot (it reported why; the field is null).
 */
struct root_hooks {
	const char *field;
	bool (*before)(struct exec_ctx *c, struct root_field *rf, json_t *args);
	json_t *(*after)(struct exec_ctx *c, struct root_field *rf, json_t *data);
};

static const struct root_hooks root_hooks[] = {
	{ "generate", generate_urls_acceptable, NULL },
	{ "videoCreate", video_create_urls_acceptable, NULL },
	{ "rotateWebhookSecret", seal_new_secret, open_rotated_secret },
};

static const struct root_hooks *hooks_of(struct gql_str field)
{
	for (size_t i = 0; i < ARRAY_LEN(root_hooks); i++)
		if (gql_str_eq(field, root_hooks[i].field))
			return &root_hooks[i];
	return NULL;
}

/* The call's "select": the names of the fields selected on the object the
 * root field returns, so SQL may skip costly members nobody asked for
 * (sql/README.md "api.execute"). NULL (all) for a scalar or list field and
 * for a node without a selection set (SPEC §2 leniency: the whole object). */
static json_t *selected_names(struct exec_ctx *c, const struct gql_field_def *f,
			      const struct node_ref *nodes)
{
	const struct gql_type *type = f->type;
	if (type->kind == GQL_TYPE_NON_NULL)
		type = type->of;
	if (type->kind == GQL_TYPE_LIST)
		return NULL;
	const struct gql_definition *def = gql_schema_type(c->schema, type->name);
	if (!def || def->kind != GQL_DEF_OBJECT)
		return NULL;
	for (const struct node_ref *n = nodes; n; n = n->next)
		if (!n->sel->selection_set)
			return NULL;
	json_t *names = json_array();
	struct groups g = collect_groups(c, nodes);
	for (struct field_group *grp = g.first; grp; grp = grp->next) {
		struct gql_str name = grp->nodes->sel->name;
		bool seen = gql_str_eq(name, "__typename");
		for (struct field_group *o = g.first; o != grp && !seen; o = o->next)
			seen = gql_str_same(o->nodes->sel->name, name);
		if (!seen)
			json_array_append_new(names, json_stringn(name.ptr, name.len));
	}
	return names;
}

/* Adds the field's call {field, args, select} to calls, or reports why it
 * cannot be made (refused arguments, a field without a resolver): then call
 * is -1. */
static void plan_root(struct exec_ctx *c, const struct gql_definition *root, struct root_field *rf,
		      json_t *calls)
{
	const struct gql_selection *sel = rf->grp->nodes->sel;
	rf->call = -1;
	if (gql_str_eq(sel->name, "__typename"))
		return;
	rf->def = gql_schema_field(root, sel->name);
	json_t *args = coerce_arguments(c, rf->def, sel, &rf->path);
	if (!args)
		return;
	rf->local = introspect_root(c->schema, sel->name, args); /* answered here, not in SQL */
	if (rf->local) {
		json_decref(args);
		return;
	}
	rf->hooks = hooks_of(sel->name);
	if (rf->hooks && rf->hooks->before && !rf->hooks->before(c, rf, args)) {
		json_decref(args);
		return;
	}
	json_t *call = json_pack("{s:s#,s:o,s:o*}", "field", sel->name.ptr, (int)sel->name.len, "args", args,
				 "select", selected_names(c, rf->def, rf->grp->nodes));
	rf->call = (int)json_array_size(calls);
	json_array_append_new(calls, call);
}

/* Maps a failure of the whole api.execute call to the request's fatal error. */
static enum api_err request_failure(enum api_err rc)
{
	switch (rc) {
	case API_ERR_UNAUTHENTICATED:
	case API_ERR_RATE_LIMIT:
	case API_ERR_IDEMPOTENCY_CONFLICT:
	case API_ERR_IDEMPOTENCY_IN_FLIGHT:
	case API_ERR_UNAVAILABLE:
	case API_ERR_FORBIDDEN:
		return rc;
	case API_ERR_INVALID_INPUT: /* the request itself (e.g. the Idempotency-Key) was refused */
	case API_ERR_BAD_REQUEST:
		return API_ERR_BAD_REQUEST;
	case API_OK:
	case API_ERR_PARSE:
	case API_ERR_VALIDATION:
	case API_ERR_NOT_FOUND:
	case API_ERR_INSUFFICIENT_CREDITS:
	case API_ERR_PROVIDER_UNAVAILABLE:
	case API_ERR_GENERATION_FAILED:
	case API_ERR_BODY_TOO_LARGE:
	case API_ERR_METHOD_NOT_ALLOWED:
	case API_ERR_NOT_ACCEPTABLE:
	case API_ERR_UNSUPPORTED_MEDIA_TYPE:
	case API_ERR_INTERNAL:
	case API_ERR__COUNT:
		break;
	}
	return API_ERR_INTERNAL;
}

/*
 * The one database call of the request. On success returns the results
 * array (one element per call) and fills result->rate and replayed; on
 * failure records the error, sets c->fatal and returns NULL.
 */
static json_t *call_execute(struct exec_ctx *c, json_t *calls, bool mutation, struct gql_result *result)
{
	const struct gql_env *env = c->env;
	json_t *request = json_pack("{s:O,s:b,s:s?,s:s?}", "calls", calls, "mutation", mutation,
				    "idempotencyKey", mutation ? env->idempotency_key : NULL,
				    "fingerprint", env->fingerprint);
	if (env->persist_sha && c->src)
		json_object_set_new(request, "persist", json_pack("{s:s,s:s#}", "sha256", env->persist_sha,
								  "query", c->src, (int)c->len));
	char *text = json_dumps(request, JSON_COMPACT);
	json_decref(request);
	if (!text)
		oom_abort();
	arena_defer(c->a, free, text);
	const char *params[2] = { env->key_hash, text };
	json_t *out;
	struct db_error err;
	enum api_err rc = db_call(env->db, c->a, "api.execute", 2, params, &out, &err);
	if (rc == API_OK && json_is_array(json_object_get(out, "results")) &&
	    json_array_size(json_object_get(out, "results")) == json_array_size(calls)) {
		result->rate = json_object_get(out, "rate");
		result->replayed = json_is_true(json_object_get(out, "replayed"));
		return json_object_get(out, "results");
	}
	if (rc == API_OK) {
		log_msg(LOG_ERROR, "api.execute answered without one result per call");
		rc = API_ERR_INTERNAL;
		snprintf(err.message, sizeof err.message, "%s", api_err_message(rc));
		err.detail = NULL;
	}
	c->fatal = request_failure(rc);
	json_t *extra = err.detail;
	if (c->fatal == API_ERR_INTERNAL || c->fatal == API_ERR_UNAVAILABLE) {
		extra = json_pack("{s:s}", "requestId", env->request_id ? env->request_id : "");
		arena_defer(c->a, (void (*)(void *))json_decref, extra);
		if (c->fatal == API_ERR_INTERNAL)
			snprintf(err.message, sizeof err.message, "%s", api_err_message(c->fatal));
	}
	result->fatal_detail = err.detail;
	exec_error(c, c->fatal, GQL_NO_LOCATION, NULL, extra, "%s", err.message);
	return NULL;
}

/* The completed value of one root field from its api.execute result: the
 * value, JSON null for a nullable field that failed, or NULL when the null
 * must propagate to `data`. */
static json_t *complete_root(struct exec_ctx *c, const struct gql_definition *root, struct root_field *rf,
			     json_t *results)
{
	const struct gql_selection *sel = rf->grp->nodes->sel;
	if (!rf->def)
		return json_stringn(root->name.ptr, root->name.len); /* __typename */
	bool nullable = rf->def->type->kind != GQL_TYPE_NON_NULL;
	if (rf->local) {
		bool errored = false;
		return complete(c, rf->def->type, rf->grp->nodes, rf->local, &rf->path, &errored);
	}
	if (rf->call < 0)
		return nullable ? json_null() : NULL; /* its error is already reported */
	json_t *r = json_array_get(results, (size_t)rf->call);
	json_t *error = json_object_get(r, "error");
	if (error || !json_object_get(r, "data")) {
		const char *code = json_string_value(json_object_get(error, "code"));
		const char *message = json_string_value(json_object_get(error, "message"));
		json_t *e = gql_error_new_code(message ? message : api_err_message(API_ERR_INTERNAL),
					       code ? code : "INTERNAL_ERROR", c->src, c->len, sel->offset,
					       &rf->path, json_object_get(error, "extensions"));
		json_array_append_new(c->errors, e);
		return nullable ? json_null() : NULL;
	}
	json_t *data = json_object_get(r, "data");
	if (rf->hooks && rf->hooks->after && !(data = rf->hooks->after(c, rf, data)))
		return nullable ? json_null() : NULL;
	bool errored = false;
	return complete(c, rf->def->type, rf->grp->nodes, data, &rf->path, &errored);
}

static const struct gql_definition *choose_operation(struct exec_ctx *c, const char *name)
{
	const struct gql_definition *found = NULL;
	size_t count = 0;
	for (const struct gql_definition *d = c->doc->first; d; d = d->next) {
		if (d->kind != GQL_DEF_OPERATION)
			continue;
		count++;
		if (name && gql_str_eq(d->name, name))
			found = d;
		if (!name)
			found = d;
	}
	if (name && !found)
		exec_error(c, API_ERR_VALIDATION, GQL_NO_LOCATION, NULL, NULL, "Unknown operation named \"%.200s\".", name);
	else if (!name && count > 1) {
		exec_error(c, API_ERR_VALIDATION, GQL_NO_LOCATION, NULL, NULL,
			   "Must provide operation name if query contains multiple operations.");
		return NULL;
	} else if (!found)
		exec_error(c, API_ERR_VALIDATION, GQL_NO_LOCATION, NULL, NULL, "Must provide an operation.");
	return found;
}

static bool coerce_variables(struct exec_ctx *c, json_t *given)
{
	c->vars = json_object();
	arena_defer(c->a, (void (*)(void *))json_decref, c->vars);
	for (const struct gql_variable_def *v = c->op->variables; v; v = v->next) {
		char name[256];
		snprintf(name, sizeof name, "%.*s", STR(v->name));
		json_t *value = given ? json_object_get(given, name) : NULL;
		struct coerce_error err = { GQL_NO_LOCATION, "" };
		json_t *x = NULL;
		if (value) {
			char what[260];
			snprintf(what, sizeof what, "$%s", name);
			x = coerce_json(c->schema, v->type, value, what, &err);
		} else if (v->default_value) {
			x = coerce_literal(c->schema, v->type, v->default_value, NULL, &err);
		} else if (v->type->kind == GQL_TYPE_NON_NULL) {
			char tn[160];
			gql_type_print(v->type, tn, sizeof tn);
			snprintf(err.message, sizeof err.message,
				 "Variable \"$%.100s\" of required type \"%.100s\" was not provided.", name, tn);
		} else {
			continue;
		}
		if (!x) {
			exec_error(c, API_ERR_VALIDATION, v->offset, NULL, NULL, "%s", err.message);
			continue;
		}
		json_object_set_new(c->vars, name, x);
	}
	return json_array_size(c->errors) == 0;
}

/* Counts and authenticates a request that stops before execution, keeping
 * its own error as the answer unless the database refuses the request. */
static void touch_after_error(struct exec_ctx *c, struct gql_result *result, enum api_err own)
{
	json_t *none = json_array();
	arena_defer(c->a, (void (*)(void *))json_decref, none);
	json_t *own_errors = json_copy(c->errors);
	arena_defer(c->a, (void (*)(void *))json_decref, own_errors);
	if (!call_execute(c, none, false, result)) {
		result->fatal = c->fatal;
		/* The database's refusal replaces the document's errors. */
		json_t *last = json_array_get(c->errors, json_array_size(c->errors) - 1);
		json_incref(last);
		json_array_clear(c->errors);
		json_array_append_new(c->errors, last);
		return;
	}
	json_array_clear(c->errors);
	json_array_extend(c->errors, own_errors);
	result->fatal = own;
}

static struct exec_ctx *new_ctx(struct arena *a, const struct gql_env *env, const char *src, size_t len,
				struct gql_result *result)
{
	struct exec_ctx *c = arena_calloc(a, sizeof *c);
	c->a = a;
	c->env = env;
	c->src = src;
	c->len = len;
	c->errors = json_array();
	arena_defer(a, (void (*)(void *))json_decref, c->errors);
	memset(result, 0, sizeof *result);
	result->errors = c->errors;
	result->fatal = API_OK;
	return c;
}

void gql_touch(struct arena *a, const struct gql_env *env, struct gql_result *result)
{
	struct exec_ctx *c = new_ctx(a, env, NULL, 0, result);
	touch_after_error(c, result, API_OK);
}

void gql_execute(struct arena *a, const struct gql_env *env, const struct gql_request *req,
		 struct gql_result *result)
{
	struct exec_ctx *c = new_ctx(a, env, req->query, req->query_len, result);
	c->schema = gql_schema_get();
	if (!c->schema) {
		exec_error(c, API_ERR_INTERNAL, GQL_NO_LOCATION, NULL, NULL, "Internal error.");
		result->fatal = API_ERR_INTERNAL;
		return;
	}
	struct gql_limits limits = { GQL_MAX_TOKENS, 4 * GQL_MAX_DEPTH };
	c->doc = doc_cache_get(req->query, req->query_len);
	if (!c->doc) {
		struct gql_parse_error perr;
		if (gql_parse(a, req->query, req->query_len, &limits, &c->doc, &perr)) {
			exec_error(c, API_ERR_PARSE, perr.offset, NULL, NULL, "%s", perr.message);
			touch_after_error(c, result, API_ERR_PARSE);
			return;
		}
		if (!gql_validate(c)) {
			touch_after_error(c, result, API_ERR_VALIDATION);
			return;
		}
		doc_cache_put(req->query, req->query_len, &limits);
	}
	c->op = choose_operation(c, req->operation_name);
	if (!c->op) {
		touch_after_error(c, result, API_ERR_VALIDATION);
		return;
	}
	result->is_mutation = c->op->operation == GQL_OP_MUTATION;
	if (c->op->name.len)
		result->operation = arena_strndup(a, c->op->name.ptr, c->op->name.len);
	if (req->read_only && c->op->operation != GQL_OP_QUERY) {
		exec_error(c, API_ERR_METHOD_NOT_ALLOWED, c->op->offset, NULL, NULL,
			   "Mutations are not allowed over GET; use POST.");
		touch_after_error(c, result, API_ERR_METHOD_NOT_ALLOWED);
		return;
	}
	if (!coerce_variables(c, req->variables)) {
		touch_after_error(c, result, API_ERR_VALIDATION);
		return;
	}

	const struct gql_definition *root = gql_schema_root(c->schema, c->op->operation);
	struct node_ref top = { NULL, NULL };
	struct gql_selection holder = { 0 };
	holder.selection_set = c->op->selection_set;
	top.sel = &holder;
	struct groups g = collect_groups(c, &top);
	if (g.first)
		result->root_field = arena_strndup(a, g.first->nodes->sel->name.ptr, g.first->nodes->sel->name.len);
	if (!result->operation && g.first)
		result->operation = arena_strndup(a, g.first->nodes->sel->name.ptr, g.first->nodes->sel->name.len);

	size_t nroots = 0;
	for (struct field_group *grp = g.first; grp; grp = grp->next)
		nroots++;
	struct root_field *roots = arena_calloc(a, (nroots ? nroots : 1) * sizeof *roots);
	json_t *calls = json_array();
	arena_defer(a, (void (*)(void *))json_decref, calls);
	size_t i = 0;
	for (struct field_group *grp = g.first; grp; grp = grp->next, i++) {
		roots[i].grp = grp;
		roots[i].path = (struct gql_path){ NULL, grp->key.ptr, grp->key.len, 0 };
		plan_root(c, root, &roots[i], calls);
	}
	json_t *results = call_execute(c, calls, result->is_mutation, result);
	if (!results) {
		result->fatal = c->fatal;
		/* Field errors found while planning are moot: the request failed. */
		json_t *last = json_incref(json_array_get(c->errors, json_array_size(c->errors) - 1));
		json_array_clear(c->errors);
		json_array_append_new(c->errors, last);
		return;
	}

	json_t *data = json_object();
	arena_defer(a, (void (*)(void *))json_decref, data);
	bool data_null = false;
	for (i = 0; i < nroots; i++) {
		json_t *v = complete_root(c, root, &roots[i], results);
		if (!v) {
			data_null = true;
			continue;
		}
		json_object_setn_new(data, roots[i].grp->key.ptr, roots[i].grp->key.len, v);
	}
	result->data = data_null ? json_null() : data;
}

/*
 * ide.c - the IDE page (see ide.h). Asset URLs are relative to the endpoint,
 * so an endpoint mounted at /app/graphql loads /app/graphiql/... .
 */
#include "http/ide.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "common/digest.h"

static const char page[] =
	"<!doctype html>\n"
	"<html lang=\"en\">\n"
	"<head>\n"
	"<meta charset=\"utf-8\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	"<title>Doitong GraphQL</title>\n"
	"<link rel=\"stylesheet\" href=\"graphiql/graphiql.min.css\">\n"
	"<style>body { margin: 0; height: 100vh; } #ide { height: 100vh; }</style>\n"
	"</head>\n"
	"<body>\n"
	"<div id=\"ide\">Loading the GraphQL IDE... Its files are served from graphiql/ beside this\n"
	"endpoint (scripts/fetch-graphiql installs them).</div>\n"
	"<script src=\"graphiql/react.production.min.js\"></script>\n"
	"<script src=\"graphiql/react-dom.production.min.js\"></script>\n"
	"<script src=\"graphiql/graphiql.min.js\"></script>\n"
	"<script>\n"
	"  const fetcher = GraphiQL.createFetcher({ url: window.location.pathname });\n"
	"  const headers = '{\\n  \"Authorization\": \"Bearer dt_test_YOUR_TEST_KEY\"\\n}';\n"
	"  const query = '# Put your key in the Headers tab below, then run:\\n'\n"
	"    + '{\\n  providers(type: AUDIO) {\\n    id\\n    name\\n    pricing { creditCost estimatedTime }\\n  }\\n}\\n';\n"
	"  ReactDOM.createRoot(document.getElementById('ide')).render(\n"
	"    React.createElement(GraphiQL, { fetcher, defaultHeaders: headers, defaultQuery: query,\n"
	"                                    shouldPersistHeaders: true, isHeadersEditorEnabled: true }));\n"
	"</script>\n"
	"</body>\n"
	"</html>\n";

bool ide_wanted(const char *method, const char *accept, const char *query_string)
{
	if (!method || strcmp(method, "GET") != 0 || !accept || !strcasestr(accept, "text/html"))
		return false;
	/* Any query parameter means an API request, even from a browser. */
	for (const char *p = query_string; p && *p;) {
		if (!strncmp(p, "query=", 6))
			return false;
		p = strchr(p, '&');
		if (p)
			p++;
	}
	return true;
}

const char *ide_page(size_t *len)
{
	*len = sizeof page - 1;
	return page;
}

/* The inline script's text, as the CSP hash covers it: between the last
 * "<script>" (the one without src) and the next "</script>". */
static bool inline_script(const char **start, size_t *len)
{
	const char *open = NULL;
	for (const char *p = page; (p = strstr(p, "<script>")); p++)
		open = p;
	const char *close = open ? strstr(open, "</script>") : NULL;
	if (!close)
		return false;
	*start = open + strlen("<script>");
	*len = (size_t)(close - *start);
	return true;
}

const char *ide_csp(void)
{
	static char csp[512];
	if (csp[0])
		return csp;
	const char *script;
	size_t len;
	unsigned char sha[DIGEST_RAW_LEN];
	char b64[4 * ((DIGEST_RAW_LEN + 2) / 3) + 1] = "";
	if (inline_script(&script, &len)) {
		digest_raw(script, len, sha);
		EVP_EncodeBlock((unsigned char *)b64, sha, DIGEST_RAW_LEN);
	}
	/* GraphiQL sets inline styles and loads data: fonts and images; it needs
	 * no eval (globalThis exists) and talks only to this endpoint. */
	snprintf(csp, sizeof csp,
		 "default-src 'none'; script-src 'self' 'sha256-%s'; style-src 'self' 'unsafe-inline'; "
		 "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; "
		 "form-action 'none'; frame-ancestors 'none'", b64);
	return csp;
}

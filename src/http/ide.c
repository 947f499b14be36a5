/*
 * ide.c - the IDE page (see ide.h). Asset URLs are relative to the endpoint,
 * so an endpoint mounted at /app/graphql loads /app/graphiql/... .
 */
#include "http/ide.h"

#include <string.h>
#include <strings.h>

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

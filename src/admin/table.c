/*
 * table.c - aligned text output for doitong-admin (see table.h).
 * Widths are counted in UTF-8 code points, not bytes.
 */
#include "admin/table.h"

#include <stdlib.h>
#include <string.h>

#include "common/util.h"

static size_t display_width(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static void sanitize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

char *table_cell(json_t *v)
{
	char buf[64];
	char *out;
	switch (json_typeof(v)) {
	case JSON_STRING:
		out = xstrdup(json_string_value(v));
		break;
	case JSON_INTEGER:
		snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		out = xstrdup(buf);
		break;
	case JSON_REAL:
		snprintf(buf, sizeof buf, "%g", json_real_value(v));
		out = xstrdup(buf);
		break;
	case JSON_TRUE:
		out = xstrdup("yes");
		break;
	case JSON_FALSE:
		out = xstrdup("no");
		break;
	case JSON_NULL:
		out = xstrdup("-");
		break;
	case JSON_ARRAY: {
		size_t i, len = 0;
		json_t *e;
		out = xstrdup("");
		json_array_foreach(v, i, e) {
			char *part = json_is_object(e) || json_is_array(e)
				     ? json_dumps(e, JSON_COMPACT) : table_cell(e);
			if (!part)
				oom_abort();
			size_t plen = strlen(part);
			out = xrealloc(out, len + plen + 2);
			if (i)
				out[len++] = ',';
			memcpy(out + len, part, plen + 1);
			len += plen;
			free(part);
		}
		break;
	}
	case JSON_OBJECT:
	default:
		out = json_dumps(v, JSON_COMPACT);
		if (!out)
			oom_abort();
		break;
	}
	sanitize(out);
	return out;
}

static void upper_header(const char *key, char *out, size_t outlen)
{
	size_t n = 0;
	for (const char *k = key; *k && n + 2 < outlen; k++) {
		if (*k >= 'A' && *k <= 'Z' && k != key)
			out[n++] = '_';
		out[n++] = (char)(*k >= 'a' && *k <= 'z' ? *k - 32 : *k);
	}
	out[n] = '\0';
}

void table_print(FILE *f, json_t *rows, const struct table_column *cols, size_t ncols)
{
	/* Derive the columns from the rows when none are given. */
	struct table_column *own = NULL;
	char (*titles)[64] = NULL;
	if (!cols) {
		size_t cap = 8, i;
		json_t *row;
		own = xcalloc(cap, sizeof *own);
		ncols = 0;
		json_array_foreach(rows, i, row) {
			const char *key;
			json_t *val;
			json_object_foreach(row, key, val) {
				size_t j = 0;
				while (j < ncols && strcmp(own[j].key, key))
					j++;
				if (j < ncols)
					continue;
				if (ncols == cap)
					own = xrealloc(own, (cap *= 2) * sizeof *own);
				own[ncols++].key = key;
			}
		}
		titles = xcalloc(ncols ? ncols : 1, sizeof *titles);
		for (size_t j = 0; j < ncols; j++) {
			upper_header(own[j].key, titles[j], sizeof titles[j]);
			own[j].header = titles[j];
		}
		cols = own;
	}

	size_t nrows = json_array_size(rows);
	char **cells = xcalloc((nrows ? nrows : 1) * (ncols ? ncols : 1), sizeof *cells);
	size_t *width = xcalloc(ncols ? ncols : 1, sizeof *width);
	bool *numeric = xcalloc(ncols ? ncols : 1, sizeof *numeric);
	for (size_t c = 0; c < ncols; c++) {
		width[c] = display_width(cols[c].header);
		numeric[c] = nrows > 0;
	}
	for (size_t r = 0; r < nrows; r++)
		for (size_t c = 0; c < ncols; c++) {
			json_t *v = json_object_get(json_array_get(rows, r), cols[c].key);
			if (v && !json_is_null(v) && !json_is_number(v))
				numeric[c] = false;
			char *cell = table_cell(v ? v : json_null());
			cells[r * ncols + c] = cell;
			size_t w = display_width(cell);
			if (w > width[c])
				width[c] = w;
		}

	for (size_t r = 0; r <= nrows; r++) {
		for (size_t c = 0; c < ncols; c++) {
			const char *text = r == 0 ? cols[c].header : cells[(r - 1) * ncols + c];
			size_t pad = width[c] - display_width(text);
			bool last = c + 1 == ncols;
			if (numeric[c] && r > 0)
				fprintf(f, "%*s%s", (int)pad, "", text);
			else
				fprintf(f, "%s%*s", text, last ? 0 : (int)pad, "");
			if (!last)
				fputs("  ", f);
		}
		fputc('\n', f);
	}

	for (size_t i = 0; i < nrows * ncols; i++)
		free(cells[i]);
	free(cells);
	free(width);
	free(numeric);
	free(own);
	free(titles);
}

struct kv {
	char *key;
	char *value;
};

static void collect(json_t *obj, const char *prefix, struct kv **items, size_t *n, size_t *cap)
{
	const char *key;
	json_t *val;
	json_object_foreach(obj, key, val) {
		size_t klen = strlen(prefix) + strlen(key) + 2;
		char *full = xmalloc(klen);
		snprintf(full, klen, "%s%s%s", prefix, prefix[0] ? "." : "", key);
		if (json_is_object(val) && json_object_size(val) > 0) {
			collect(val, full, items, n, cap);
			free(full);
			continue;
		}
		if (*n == *cap)
			*items = xrealloc(*items, (*cap = *cap ? *cap * 2 : 16) * sizeof **items);
		sanitize(full);
		(*items)[*n].key = full;
		(*items)[(*n)++].value = table_cell(val);
	}
}

void table_print_object(FILE *f, json_t *obj)
{
	if (!json_is_object(obj)) {
		char *cell = table_cell(obj);
		fprintf(f, "%s\n", cell);
		free(cell);
		return;
	}
	struct kv *items = NULL;
	size_t n = 0, cap = 0, width = 0;
	collect(obj, "", &items, &n, &cap);
	for (size_t i = 0; i < n; i++)
		if (display_width(items[i].key) > width)
			width = display_width(items[i].key);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s%*s  %s\n", items[i].key,
			(int)(width - display_width(items[i].key)), "", items[i].value);
		free(items[i].key);
		free(items[i].value);
	}
	free(items);
}

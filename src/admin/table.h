/*
 * table.h - readable output of JSON results for doitong-admin: aligned
 * columns for arrays of objects, aligned "key  value" lines for objects.
 * Control characters in values are shown as spaces, so a stored name cannot
 * move the terminal's cursor.
 */
#ifndef DOITONG_ADMIN_TABLE_H
#define DOITONG_ADMIN_TABLE_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

struct table_column {
	const char *key;      /* field of each row */
	const char *header;   /* printed title */
};

/*
 * Prints rows (a JSON array of objects) as a table with the given columns;
 * with cols NULL the columns are every key met, in order of first
 * appearance, titled by the key in upper case. Numeric columns are aligned
 * right. Prints only the header for an empty array.
 */
void table_print(FILE *f, json_t *rows, const struct table_column *cols, size_t ncols);

/* Prints an object's fields as aligned "key  value" lines; nested objects
 * are flattened to dotted keys ("generations.PENDING"). Scalars print alone. */
void table_print_object(FILE *f, json_t *obj);

/* The text of a cell: strings as is, numbers, yes/no, "-" for null, arrays
 * of scalars joined with ",", other values as compact JSON. Returns a
 * malloc'd string. */
char *table_cell(json_t *v);

#endif

#include "report.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <lber.h>
#include <ldif.h>

#include "xalloc.h"

static struct {
    bool json, dry_run;
    json_t *doc;  /* the document under --json */
    json_t *ops;  /* its "operations" array */
    json_t *op;   /* the operation being reported, or NULL */
} rep;

/* jansson refuses invalid UTF-8; a directory value that is not is kept
 * visible rather than dropped. */
static json_t *jstr(const char *s)
{
    json_t *v = json_string(s != NULL ? s : "");

    if (v == NULL) {
        char *safe = xstrdup(s != NULL ? s : "");

        for (char *p = safe; *p; p++)
            if ((unsigned char)*p >= 0x80)
                *p = '?';
        v = json_string(safe);
        free(safe);
    }
    if (v == NULL)
        abort();
    return v;
}

static json_t *jstrv(char *const *v, size_t n)
{
    json_t *a = json_array();

    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, jstr(v[i]));
    return a;
}

void report_init(bool json, bool dry_run)
{
    rep.json = json;
    rep.dry_run = dry_run;
    if (json) {
        rep.doc = json_object();
        rep.ops = json_array();
        json_object_set_new(rep.doc, "dry_run", json_boolean(dry_run));
        json_object_set(rep.doc, "operations", rep.ops);
    }
}

bool report_json(void)
{
    return rep.json;
}

FILE *report_text(void)
{
    if (rep.json)
        return NULL;
    return rep.dry_run ? stderr : stdout;
}

void report_dc(const char *uri, const char *domain)
{
    if (!rep.json)
        return;
    json_object_set_new(rep.doc, "dc", jstr(uri));
    json_object_set_new(rep.doc, "domain", jstr(domain));
}

void report_op_begin(const char *verb, const char *spn, const char *account,
                     int line)
{
    if (!rep.json)
        return;
    report_op_end();
    rep.op = json_object();
    json_object_set_new(rep.op, "verb", jstr(verb));
    if (line > 0)
        json_object_set_new(rep.op, "line", json_integer(line));
    if (spn != NULL)
        json_object_set_new(rep.op, "spn", jstr(spn));
    if (account != NULL)
        json_object_set_new(rep.op, "account", jstr(account));
}

/* Operations reported before any began (a usage error) get one of their
 * own. */
static json_t *op(void)
{
    if (rep.op == NULL)
        report_op_begin("none", NULL, NULL, 0);
    return rep.op;
}

void report_op_dn(const char *dn)
{
    if (rep.json)
        json_object_set_new(op(), "dn", jstr(dn));
}

void report_op_status(const char *status)
{
    if (rep.json)
        json_object_set_new(op(), "status", jstr(status));
}

void report_op_error(const char *text)
{
    if (rep.json)
        json_object_set_new(op(), "error", jstr(text));
}

void report_op_spns(char *const *spns, size_t n)
{
    if (rep.json)
        json_object_set_new(op(), "spns", jstrv(spns, n));
}

static json_t *array_in(json_t *obj, const char *key)
{
    json_t *a = json_object_get(obj, key);

    if (a == NULL) {
        a = json_array();
        json_object_set_new(obj, key, a);
    }
    return a;
}

void report_op_holder(const char *dn, char *const *spns, size_t n)
{
    json_t *h;

    if (!rep.json)
        return;
    h = json_object();
    json_object_set_new(h, "dn", jstr(dn));
    json_object_set_new(h, "spns", jstrv(spns, n));
    json_array_append_new(array_in(op(), "holders"), h);
}

void report_op_group(const char *spn, const char *const *dns, size_t n)
{
    json_t *g;

    if (!rep.json)
        return;
    g = json_object();
    json_object_set_new(g, "spn", jstr(spn));
    json_object_set_new(g, "dns", jstrv((char *const *)dns, n));
    json_array_append_new(array_in(op(), "groups"), g);
}

void report_op_count(const char *key, size_t n)
{
    if (rep.json)
        json_object_set_new(op(), key, json_integer((json_int_t)n));
}

void report_op_ldif(bool add, const char *dn, const char *spn)
{
    char *ldn = ldif_put(LDIF_PUT_VALUE, "dn", dn, strlen(dn));
    char *lval = ldif_put(LDIF_PUT_VALUE, "servicePrincipalName", spn,
                          strlen(spn));
    char *rec;

    if (ldn == NULL || lval == NULL
        || asprintf(&rec, "%schangetype: modify\n%s: servicePrincipalName\n"
                          "%s-\n\n",
                    ldn, add ? "add" : "delete", lval) < 0)
        abort();
    if (rep.json) {
        json_t *prev = json_object_get(op(), "ldif");
        char *all;

        if (asprintf(&all, "%s%s", prev ? json_string_value(prev) : "",
                     rec) < 0)
            abort();
        json_object_set_new(op(), "ldif", jstr(all));
        free(all);
    } else {
        fputs(rec, stdout);
    }
    free(rec);
    ber_memfree(ldn);
    ber_memfree(lval);
}

void report_op_end(void)
{
    if (!rep.json || rep.op == NULL)
        return;
    json_array_append_new(rep.ops, rep.op);
    rep.op = NULL;
}

void report_error(const char *text)
{
    if (rep.json)
        json_object_set_new(rep.doc, "error", jstr(text));
}

void report_batch(size_t lines, size_t done, size_t failed, size_t not_run,
                  const int *not_run_lines)
{
    json_t *b, *nr;

    if (!rep.json)
        return;
    b = json_object();
    nr = json_array();
    for (size_t i = 0; i < not_run; i++)
        json_array_append_new(nr, json_integer(not_run_lines[i]));
    json_object_set_new(b, "lines", json_integer((json_int_t)lines));
    json_object_set_new(b, "done", json_integer((json_int_t)done));
    json_object_set_new(b, "failed", json_integer((json_int_t)failed));
    json_object_set_new(b, "not_run", nr);
    json_object_set_new(rep.doc, "batch", b);
}

bool report_finish(int exit_code)
{
    bool ok = true;

    if (!rep.json)
        return true;
    report_op_end();
    json_object_set_new(rep.doc, "exit", json_integer(exit_code));
    if (json_dumpf(rep.doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER)
            != 0
        || fputc('\n', stdout) == EOF)
        ok = false;
    json_decref(rep.ops);
    json_decref(rep.doc);
    rep.doc = rep.ops = NULL;
    return ok;
}

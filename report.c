#include "report.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <lber.h>
#include <ldif.h>

#include "entry.h"
#include "msg.h"
#include "output.h"
#include "quote.h"
#include "xalloc.h"

static struct {
    bool json, dry_run;
    json_t *doc;  /* the document under --json */
    json_t *ops;  /* its "operations" array */
    json_t *op;   /* the operation being reported, or NULL */
} rep;

/* A message (ours, or a server's): JSON strings must be UTF-8, so one
 * that is not comes with its stray bytes as \xNN, as on stderr. */
static json_t *jstr(const char *s)
{
    json_t *v = json_string(s != NULL ? s : "");

    if (v == NULL) {
        char *safe = quote_message(s);

        v = json_string(safe);
        free(safe);
    }
    if (v == NULL)
        abort();
    return v;
}


/* Directory data, exactly: a UTF-8 value is a string of all its bytes (a
 * NUL is \u0000); any other is {"escaped": its printed form, "base64":
 * its bytes} (setspn(1), JSON OUTPUT). */
static json_t *jval(const char *s, size_t len)
{
    json_t *v;
    char *b, *q;

    if (s == NULL)
        s = "";
    v = json_stringn(s, len);
    if (v != NULL)
        return v;
    b = quote_base64(s, len);
    q = quote_display(s, len);
    v = json_pack("{s:s, s:s}", "escaped", q, "base64", b);
    free(b);
    free(q);
    if (v == NULL)
        abort();
    return v;
}

static json_t *jdn(const char *dn)
{
    return jval(dn, dn != NULL ? strlen(dn) : 0);
}

static json_t *jvals(char *const *v, const size_t *lens, size_t n)
{
    json_t *a = json_array();

    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, jval(v[i], entry_len(v, lens, i)));
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

void report_begin(const char *verb, const char *spn, const char *account,
                  int line)
{
    if (!rep.json)
        return;
    report_end();
    rep.op = json_object();
    json_object_set_new(rep.op, "verb", jstr(verb));
    if (line > 0)
        json_object_set_new(rep.op, "line", json_integer(line));
    if (spn != NULL)
        json_object_set_new(rep.op, "spn", jstr(spn));
    if (account != NULL)
        json_object_set_new(rep.op, "account", jstr(account));
}

void report_end(void)
{
    if (!rep.json || rep.op == NULL)
        return;
    json_array_append_new(rep.ops, rep.op);
    rep.op = NULL;
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

static char *ldif_record(bool add, const char *dn, const char *spn,
                         size_t len)
{
    char *ldn;
    char *lval;
    char *rec;

    if (dn == NULL || spn == NULL)
        abort(); /* an LDIF event always carries both */
    ldn = ldif_put(LDIF_PUT_VALUE, "dn", dn, strlen(dn));
    lval = ldif_put(LDIF_PUT_VALUE, "servicePrincipalName", spn,
                    len > 0 ? len : strlen(spn));

    if (ldn == NULL || lval == NULL)
        abort();
    rec = xasprintf("%schangetype: modify\n%s: servicePrincipalName\n%s-\n\n",
                    ldn, add ? "add" : "delete", lval);
    ber_memfree(ldn);
    ber_memfree(lval);
    return rec;
}

static void json_render(const struct event *ev)
{
    json_t *o = rep.op, *x;

    switch (ev->kind) {
    case EV_ACCOUNT:
        json_object_set_new(o, "dn", jdn(ev->dn));
        break;
    case EV_LIST:
    case EV_CHANGE:
        json_object_set_new(o, "spns", jvals(ev->values, ev->lens,
                                             ev->nvalues));
        break;
    case EV_HOLDER:
        x = json_object();
        json_object_set_new(x, "dn", jdn(ev->dn));
        json_object_set_new(x, "spns", jvals(ev->values, ev->lens,
                                             ev->nvalues));
        json_array_append_new(array_in(o, "holders"), x);
        break;
    case EV_GROUP: {
        /* the label is the printed form: the value is what it names */
        size_t len = 0;
        char *raw = quote_unescape(ev->label, &len);

        x = json_object();
        json_object_set_new(x, "spn", raw != NULL ? jval(raw, len)
                                                  : jdn(ev->label));
        free(raw);
        json_object_set_new(x, "dns", jvals(ev->values, NULL, ev->nvalues));
        json_array_append_new(array_in(o, "groups"), x);
        break;
    }
    case EV_SCAN_DONE:
        json_object_set_new(o, "entries", json_integer((json_int_t)ev->entries));
        break;
    case EV_NO_ACCOUNT:
        json_object_set_new(o, "error", jstr(ev->text));
        break;
    case EV_FAILURE:
        json_object_set_new(o != NULL ? o : rep.doc, "error", jstr(ev->text));
        if (ev->value != NULL && o != NULL) /* the value refused */
            json_object_set_new(o, "value", jval(ev->value, strlen(ev->value)));
        break;
    case EV_OUTCOME:
        json_object_set_new(o, "status", jstr(status_name(ev->status)));
        break;
    case EV_LDIF: {
        json_t *prev = json_object_get(o, "ldif");
        char *rec = ldif_record(ev->add, ev->dn, ev->value, ev->value_len);
        char *all = xasprintf("%s%s", prev ? json_string_value(prev) : "",
                              rec);

        json_object_set_new(o, "ldif", jstr(all));
        free(all);
        free(rec);
        break;
    }
    case EV_DC:
        json_object_set_new(rep.doc, "dc", jstr(ev->label));
        json_object_set_new(rep.doc, "domain", jdn(ev->dn));
        /* Found by the locator: the client's site and the DC's own. */
        json_object_set_new(rep.doc, "site", ev->text ? jstr(ev->text) : json_null());
        json_object_set_new(rep.doc, "dc_site", ev->value ? jstr(ev->value) : json_null());
        break;
    case EV_BATCH:
        x = json_object();
        json_object_set_new(x, "lines", json_integer((json_int_t)ev->count));
        json_object_set_new(x, "done", json_integer((json_int_t)ev->done));
        json_object_set_new(x, "failed", json_integer((json_int_t)ev->failed));
        json_object_set_new(x, "failed_lines", json_array());
        for (size_t i = 0; ev->failed_lines != NULL && i < ev->failed; i++)
            json_array_append_new(json_object_get(x, "failed_lines"),
                                  json_integer(ev->failed_lines[i]));
        json_object_set_new(x, "not_run", json_array());
        for (size_t i = 0; i < ev->nlines; i++)
            json_array_append_new(json_object_get(x, "not_run"),
                                  json_integer(ev->lines[i]));
        json_object_set_new(rep.doc, "batch", x);
        break;
    case EV_CHECK: {
        static const char *const results[] = { "ok", "warn", "fail" };

        x = json_object();
        json_object_set_new(x, "check", jstr(ev->label));
        json_object_set_new(x, "result", jstr(results[ev->result]));
        json_object_set_new(x, "detail", jstr(ev->text));
        json_object_set_new(x, "fix", jvals(ev->values, NULL, ev->nvalues));
        json_array_append_new(array_in(o, "checks"), x);
        break;
    }
    case EV_KEYTAB:
        json_object_set_new(o, "keytab", jstr(ev->label));
        json_object_set_new(o, "dn", jdn(ev->dn));
        json_object_set_new(o, "entries", json_array());
        break;
    case EV_KEY:
        x = json_object();
        json_object_set_new(x, "principal", jstr(ev->label));
        json_object_set_new(x, "kvno", json_integer((json_int_t)ev->count));
        json_object_set_new(x, "enctype", jstr(ev->value));
        json_array_append_new(array_in(o, "entries"), x);
        break;
    case EV_KEYTAB_DONE:
        json_object_set_new(o, "changed", json_boolean(ev->add));
        json_object_set_new(o, "written", json_integer((json_int_t)ev->count));
        json_object_set_new(o, "kept", json_integer((json_int_t)ev->done));
        json_object_set_new(o, "removed", json_integer((json_int_t)ev->failed));
        break;
    default:
        break; /* text only */
    }
}

/* Events that belong to an operation open one if none is (a usage error
 * reported before any began). */
static bool in_operation(enum event_kind k)
{
    return k != EV_DC && k != EV_BATCH && k != EV_FAILURE && k != EV_NOTE;
}

void report(const struct event *ev)
{
    /* Both renderers: a failure is always said on stderr too. */
    if (ev->kind == EV_FAILURE)
        warn("%s", ev->text);
    if (rep.json) {
        if (rep.op == NULL && in_operation(ev->kind))
            report_begin("none", NULL, NULL, 0);
        json_render(ev);
        return;
    }
    switch (ev->kind) {
    case EV_NOTE:
        warn("%s", ev->text);
        break;
    case EV_LDIF: {
        char *rec = ldif_record(ev->add, ev->dn, ev->value, ev->value_len);

        fputs(rec, stdout);
        free(rec);
        break;
    }
    case EV_UPDATED:
        if (!rep.dry_run) /* nothing was updated */
            text_render(stdout, ev);
        break;
    case EV_KEYTAB:
    case EV_KEY: /* a dry run's answer: the entries it would write */
        text_render(stdout, ev);
        break;
    default:
        /* In a dry run stdout carries LDIF alone. */
        text_render(rep.dry_run ? stderr : stdout, ev);
        break;
    }
}

static void report_text(enum event_kind kind, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void report_text(enum event_kind kind, const char *fmt, va_list ap)
{
    char *text = xvasprintf(fmt, ap);

    report(&(struct event){ .kind = kind, .text = text });
    free(text);
}

void report_failure(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report_text(EV_FAILURE, fmt, ap);
    va_end(ap);
}

void report_note(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report_text(EV_NOTE, fmt, ap);
    va_end(ap);
}

void report_outcome(enum status status)
{
    report(&(struct event){ .kind = EV_OUTCOME, .status = status });
}

void report_line(enum event_kind kind)
{
    report(&(struct event){ .kind = kind });
}

char *report_snapshot(const char *error, int exit_code)
{
    json_t *doc, *ops;
    char *text, *out;

    if (!rep.json)
        return NULL;
    doc = json_deep_copy(rep.doc);
    ops = json_object_get(doc, "operations");
    if (rep.op != NULL) {
        json_t *op = json_deep_copy(rep.op);

        json_object_set_new(op, "error", jstr(error));
        json_object_set_new(op, "status", json_string("error"));
        json_array_append_new(ops, op);
    } else {
        json_object_set_new(doc, "error", jstr(error));
    }
    json_object_set_new(doc, "exit", json_integer(exit_code));
    text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    if (text == NULL)
        abort();
    out = xasprintf("%s\n", text);
    free(text);
    return out;
}

bool report_finish(int exit_code)
{
    bool ok = true;

    if (!rep.json)
        return true;
    report_end();
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

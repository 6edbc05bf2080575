/*
 * report: events into the --json document, or into Setspn.exe's text on
 * the right stream (stdout; stderr in a dry run, where stdout carries the
 * LDIF).
 */
#include "unit.h"

#include <stdlib.h>

#include <unistd.h>

#include <jansson.h>

#include "report.h"

/* ------------------------------------------------------------------ */
/* helpers                                                             */

struct finish_call {
    int code;
    bool ok;
};

static void finish(void *ctx)
{
    struct finish_call *f = ctx;

    f->ok = report_finish(f->code);
}

json_t *unit_finish_json(int code)
{
    struct finish_call f = { code, false };
    char *out = unit_capture(STDOUT_FILENO, finish, &f);
    json_error_t err;
    json_t *doc;

    assert_true(f.ok);
    assert_true(strlen(out) > 2);
    /* one document, then a newline */
    assert_int_equal(out[strlen(out) - 1], '\n');
    doc = json_loads(out, 0, &err);
    if (doc == NULL)
        print_error("not JSON (%s, line %d):\n%s\n", err.text, err.line, out);
    free(out);
    assert_non_null(doc);
    assert_true(json_is_object(doc));
    return doc;
}

/* Runs fn with stderr captured (the failures are said there as well);
 * returns what it wrote there. */
static char *run_quietly(void (*fn)(void *ctx), void *ctx)
{
    return unit_capture(STDERR_FILENO, fn, ctx);
}

static void assert_jstr(json_t *obj, const char *key, const char *want)
{
    json_t *v = json_object_get(obj, key);

    if (v == NULL)
        fail_msg("no \"%s\"", key);
    if (!json_is_string(v))
        fail_msg("\"%s\" is not a string", key);
    assert_string_equal(json_string_value(v), want);
}

static void assert_jint(json_t *obj, const char *key, long long want)
{
    json_t *v = json_object_get(obj, key);

    if (v == NULL)
        fail_msg("no \"%s\"", key);
    if (!json_is_integer(v))
        fail_msg("\"%s\" is not an integer", key);
    assert_int_equal(json_integer_value(v), want);
}

static json_t *jget(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);

    if (v == NULL)
        fail_msg("no \"%s\"", key);
    return v;
}

/* The first operation of doc. */
static json_t *first_op(json_t *doc)
{
    json_t *op = json_array_get(jget(doc, "operations"), 0);

    assert_non_null(op);
    return op;
}

static void assert_jstrs(json_t *arr, const char *const *want, size_t n)
{
    assert_true(json_is_array(arr));
    assert_int_equal(json_array_size(arr), n);
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(arr, i);

        assert_true(json_is_string(v));
        assert_string_equal(json_string_value(v), want[i]);
    }
}

static const char dn_svc[] = "CN=svc,CN=Users,DC=spn,DC=test";
static const char dn_w1[] = "CN=WEB01,CN=Computers,DC=spn,DC=test";

/* ------------------------------------------------------------------ */
/* the JSON document                                                   */

static const char *const spns1[] = { "HTTP/a", "HTTP/b" };
static const char *const spns2[] = { "HTTP/a" };
static const char *const dns1[] = { "CN=x,DC=spn,DC=test",
                                    "CN=y,DC=spn,DC=test" };
static const int not_run[] = { 5, 7 };

static void document_events(void *ctx)
{
    (void)ctx;
    report(&(struct event){ .kind = EV_DC, .label = "ldap://dc1.spn.test",
                            .dn = "spn.test" });

    report_begin("add", "HTTP/web01", "svc", 0);
    report(&(struct event){ .kind = EV_ACCOUNT, .dn = dn_svc });
    report_outcome(ST_ADDED);
    report_end();

    report_begin("query", "HTTP/*", NULL, 3);
    report(&(struct event){ .kind = EV_HOLDER, .dn = dn_w1,
                            .values = V(spns1), .nvalues = 2 });
    report(&(struct event){ .kind = EV_HOLDER, .dn = dn_svc,
                            .values = V(spns2), .nvalues = 1 });
    report(&(struct event){ .kind = EV_QUERY_DONE, .count = 2 });
    report_outcome(ST_OK);
    report_end();

    report_begin("scan", NULL, NULL, 0);
    report(&(struct event){ .kind = EV_GROUP, .label = "HTTP/a",
                            .values = V(dns1), .nvalues = 2 });
    report(&(struct event){ .kind = EV_GROUP, .label = "HTTP/b",
                            .values = V(dns1), .nvalues = 1 });
    report(&(struct event){ .kind = EV_SCAN_DONE, .count = 2,
                            .entries = 40 });
    report_outcome(ST_DUPLICATE);
    report_end();

    /* no report_end: the next begin ends it */
    report_begin("delete", "HTTP/x", "svc", 4);
    report(&(struct event){ .kind = EV_LDIF, .dn = dn_svc,
                            .value = "HTTP/x" });
    report(&(struct event){ .kind = EV_LDIF, .add = true, .dn = dn_svc,
                            .value = "HTTP/y" });
    report_failure("boom");
    report(&(struct event){ .kind = EV_CHANGE, .dn = dn_svc,
                            .values = V(spns1), .nvalues = 2 });
    /* text-only events leave no trace in the document */
    report_note("a note");
    report_line(EV_UPDATED);
    report_line(EV_CHECKED);
    report(&(struct event){ .kind = EV_CHECKING, .label = "DC=spn,DC=test" });

    /* and report_finish ends the last one */
    report_begin("list", NULL, "web01", 5);
    report(&(struct event){ .kind = EV_NO_ACCOUNT, .label = "web01",
                            .text = "no such account" });
    report_outcome(ST_NOT_FOUND);

    report(&(struct event){ .kind = EV_BATCH, .count = 5, .done = 3,
                            .failed = 1, .lines = not_run, .nlines = 2 });
}

static void report_json_document(void **state)
{
    json_t *doc, *ops, *op, *a, *h;
    char *err;

    (void)state;
    report_init(true, false);
    assert_true(report_json());
    err = run_quietly(document_events, NULL);
    /* a failure is said on stderr too; a note is not, under --json */
    assert_string_equal(err, "setspn: boom\n");
    free(err);
    doc = unit_finish_json(1);

    assert_jstr(doc, "dc", "ldap://dc1.spn.test");
    assert_jstr(doc, "domain", "spn.test");
    /* -H named the DC: no site was learnt */
    assert_true(json_is_null(jget(doc, "site")));
    assert_true(json_is_null(jget(doc, "dc_site")));
    assert_true(json_is_false(jget(doc, "dry_run")));
    assert_jint(doc, "exit", 1);
    assert_null(json_object_get(doc, "error"));

    ops = jget(doc, "operations");
    assert_true(json_is_array(ops));
    assert_int_equal(json_array_size(ops), 5);

    op = json_array_get(ops, 0);
    assert_int_equal(json_object_size(op), 5);
    assert_jstr(op, "verb", "add");
    assert_jstr(op, "spn", "HTTP/web01");
    assert_jstr(op, "account", "svc");
    assert_jstr(op, "dn", dn_svc);
    assert_jstr(op, "status", "added");
    assert_null(json_object_get(op, "line")); /* not a batch line */

    op = json_array_get(ops, 1);
    assert_int_equal(json_object_size(op), 5);
    assert_jstr(op, "verb", "query");
    assert_jint(op, "line", 3);
    assert_jstr(op, "spn", "HTTP/*");
    assert_null(json_object_get(op, "account"));
    assert_jstr(op, "status", "ok");
    a = jget(op, "holders");
    assert_true(json_is_array(a));
    assert_int_equal(json_array_size(a), 2);
    h = json_array_get(a, 0);
    assert_jstr(h, "dn", dn_w1);
    assert_jstrs(jget(h, "spns"), spns1, 2);
    h = json_array_get(a, 1);
    assert_jstr(h, "dn", dn_svc);
    assert_jstrs(jget(h, "spns"), spns2, 1);

    op = json_array_get(ops, 2);
    assert_int_equal(json_object_size(op), 4);
    assert_jstr(op, "verb", "scan");
    assert_null(json_object_get(op, "spn"));
    assert_null(json_object_get(op, "account"));
    assert_jstr(op, "status", "conflict");
    assert_jint(op, "entries", 40);
    a = jget(op, "groups");
    assert_true(json_is_array(a));
    assert_int_equal(json_array_size(a), 2);
    assert_jstr(json_array_get(a, 0), "spn", "HTTP/a");
    assert_jstrs(jget(json_array_get(a, 0), "dns"), dns1, 2);
    assert_jstr(json_array_get(a, 1), "spn", "HTTP/b");
    assert_jstrs(jget(json_array_get(a, 1), "dns"), dns1, 1);

    op = json_array_get(ops, 3);
    assert_int_equal(json_object_size(op), 7);
    assert_jstr(op, "verb", "delete");
    assert_jint(op, "line", 4);
    assert_jstr(op, "error", "boom");
    assert_jstrs(jget(op, "spns"), spns1, 2);
    assert_null(json_object_get(op, "status"));
    assert_jstr(op, "ldif",
                "dn: CN=svc,CN=Users,DC=spn,DC=test\n"
                "changetype: modify\n"
                "delete: servicePrincipalName\n"
                "servicePrincipalName: HTTP/x\n"
                "-\n"
                "\n"
                "dn: CN=svc,CN=Users,DC=spn,DC=test\n"
                "changetype: modify\n"
                "add: servicePrincipalName\n"
                "servicePrincipalName: HTTP/y\n"
                "-\n"
                "\n");

    op = json_array_get(ops, 4);
    assert_jstr(op, "verb", "list");
    assert_jint(op, "line", 5);
    assert_jstr(op, "account", "web01");
    assert_jstr(op, "error", "no such account");
    assert_jstr(op, "status", "not-found");

    a = jget(doc, "batch");
    assert_jint(a, "lines", 5);
    assert_jint(a, "done", 3);
    assert_jint(a, "failed", 1);
    a = jget(a, "not_run");
    assert_true(json_is_array(a));
    assert_int_equal(json_array_size(a), 2);
    assert_int_equal(json_integer_value(json_array_get(a, 0)), 5);
    assert_int_equal(json_integer_value(json_array_get(a, 1)), 7);
    json_decref(doc);
}

/* -X's groups in the order reported, each with its DNs. */
static void report_json_groups(void **state)
{
    static const char *const dns2[] = { "CN=z,DC=spn,DC=test" };
    json_t *doc, *op, *g;

    (void)state;
    report_init(true, false);
    report_begin("scan", NULL, NULL, 0);
    report(&(struct event){ .kind = EV_GROUP, .label = "HTTP/a",
                            .values = V(dns1), .nvalues = 2 });
    report(&(struct event){ .kind = EV_GROUP, .label = "HTTP/b",
                            .values = V(dns2), .nvalues = 1 });
    report_outcome(ST_DUPLICATE);
    report_end();
    doc = unit_finish_json(3);

    op = first_op(doc);
    assert_jstr(op, "verb", "scan");
    assert_jstr(op, "status", "conflict");
    g = jget(op, "groups");
    assert_true(json_is_array(g));
    assert_int_equal(json_array_size(g), 2);
    assert_jstr(json_array_get(g, 0), "spn", "HTTP/a");
    assert_jstrs(jget(json_array_get(g, 0), "dns"), dns1, 2);
    assert_jstr(json_array_get(g, 1), "spn", "HTTP/b");
    assert_jstrs(jget(json_array_get(g, 1), "dns"), dns2, 1);
    assert_jint(doc, "exit", 3);
    json_decref(doc);
}

/* --verify: one {check, result, detail, fix} per EV_CHECK, in order; the
 * outcome "fail". */
static void report_json_checks(void **state)
{
    static const char *const fixes[] = { "setspn -S HTTP/x A" };
    json_t *doc, *op, *c;

    (void)state;
    report_init(true, false);
    report_begin("verify", "HTTP/x", "A", 0);
    report(&(struct event){ .kind = EV_ACCOUNT, .dn = dn_w1 });
    report(&(struct event){ .kind = EV_CHECK, .label = "holders",
                            .result = CHECK_FAIL, .text = "none",
                            .values = V(fixes), .nvalues = 1 });
    report(&(struct event){ .kind = EV_CHECK, .label = "dns",
                            .result = CHECK_WARN, .text = "no address" });
    report(&(struct event){ .kind = EV_CHECK, .label = "ticket",
                            .result = CHECK_OK, .text = "issued" });
    report_outcome(ST_FAILED);
    report_end();
    doc = unit_finish_json(1);

    op = first_op(doc);
    assert_jstr(op, "verb", "verify");
    assert_jstr(op, "status", "fail");
    assert_jstr(op, "dn", dn_w1);
    c = jget(op, "checks");
    assert_true(json_is_array(c));
    assert_int_equal(json_array_size(c), 3);
    assert_jstr(json_array_get(c, 0), "check", "holders");
    assert_jstr(json_array_get(c, 0), "result", "fail");
    assert_jstr(json_array_get(c, 0), "detail", "none");
    assert_jstrs(jget(json_array_get(c, 0), "fix"), fixes, 1);
    assert_jstr(json_array_get(c, 1), "result", "warn");
    assert_jstrs(jget(json_array_get(c, 1), "fix"), NULL, 0);
    assert_jstr(json_array_get(c, 2), "check", "ticket");
    assert_jstr(json_array_get(c, 2), "result", "ok");
    json_decref(doc);
}

static void failure_outside(void *ctx)
{
    (void)ctx;
    report_failure("cannot reach the %s", "DC");
}

static void failure_before_begin(void *ctx)
{
    (void)ctx;
    report_outcome(ST_INVALID);
    report_failure("bad SPN");
}

static void report_json_minimal(void **state)
{
    json_t *doc, *ops;
    char *err;

    (void)state;
    /* no DC, no operation, no batch: a document all the same */
    report_init(true, true);
    doc = unit_finish_json(0);
    assert_true(json_is_true(jget(doc, "dry_run")));
    assert_jint(doc, "exit", 0);
    ops = jget(doc, "operations");
    assert_true(json_is_array(ops));
    assert_int_equal(json_array_size(ops), 0);
    assert_null(json_object_get(doc, "batch"));
    assert_null(json_object_get(doc, "dc"));
    json_decref(doc);

    /* a failure outside any operation */
    report_init(true, false);
    err = run_quietly(failure_outside, NULL);
    assert_string_equal(err, "setspn: cannot reach the DC\n");
    free(err);
    doc = unit_finish_json(2);
    assert_jstr(doc, "error", "cannot reach the DC");
    assert_int_equal(json_array_size(jget(doc, "operations")), 0);
    assert_jint(doc, "exit", 2);
    json_decref(doc);

    /* what is reported before any operation began gets one of its own */
    report_init(true, false);
    err = run_quietly(failure_before_begin, NULL);
    free(err);
    doc = unit_finish_json(1);
    ops = jget(doc, "operations");
    assert_int_equal(json_array_size(ops), 1);
    assert_jstr(json_array_get(ops, 0), "verb", "none");
    assert_jstr(json_array_get(ops, 0), "status", "invalid");
    assert_jstr(json_array_get(ops, 0), "error", "bad SPN");
    assert_null(json_object_get(doc, "error"));
    json_decref(doc);

    /* an empty batch */
    report_init(true, false);
    report(&(struct event){ .kind = EV_BATCH });
    doc = unit_finish_json(0);
    ops = jget(doc, "batch");
    assert_jint(ops, "lines", 0);
    assert_jint(ops, "done", 0);
    assert_jint(ops, "failed", 0);
    assert_int_equal(json_array_size(jget(ops, "not_run")), 0);
    json_decref(doc);
}

static void odd_strings(void *ctx)
{
    (void)ctx;
    report_begin("list", NULL, "b\xc3\xbc" "cher", 0);
    report(&(struct event){ .kind = EV_ACCOUNT,
                            .dn = "CN=a\xff" "b,DC=spn,DC=test" });
    report_failure("quote \" backslash \\ tab \t newline \n");
}

/* A value that is not UTF-8 keeps its exact bytes (base64) beside its
 * printed form, and the document stays valid; UTF-8 passes through. */
static void report_json_strings(void **state)
{
    json_t *doc, *op;
    char *err;

    (void)state;
    report_init(true, false);
    err = run_quietly(odd_strings, NULL);
    free(err);
    doc = unit_finish_json(1);
    op = first_op(doc);
    assert_jstr(op, "account", "b\xc3\xbc" "cher");
    assert_true(json_is_object(jget(op, "dn")));
    assert_jstr(jget(op, "dn"), "escaped", "CN=a\\xffb,DC=spn,DC=test");
    assert_jstr(jget(op, "dn"), "base64", "Q049Yf9iLERDPXNwbixEQz10ZXN0");
    assert_jstr(op, "error", "quote \" backslash \\ tab \t newline \n");
    json_decref(doc);
}

/* ------------------------------------------------------------------ */
/* text mode                                                           */

static const char *const spn_x[] = { "HTTP/x" };

static void text_events(void *ctx)
{
    (void)ctx;
    /* the JSON-only calls do nothing in text mode */
    report(&(struct event){ .kind = EV_DC, .label = "ldap://dc1",
                            .dn = "spn.test" });
    report_begin("add", "HTTP/x", "svc", 0);
    report(&(struct event){ .kind = EV_ACCOUNT, .dn = dn_svc });
    report(&(struct event){ .kind = EV_CHECKING, .label = "DC=spn,DC=test" });
    report_line(EV_CHECKED);
    report(&(struct event){ .kind = EV_CHANGE, .add = true, .dn = dn_svc,
                            .values = V(spn_x), .nvalues = 1 });
    report(&(struct event){ .kind = EV_LDIF, .add = true, .dn = dn_svc,
                            .value = "HTTP/x" });
    report_line(EV_UPDATED);
    report_note("a %s", "note");
    report_failure("a %s", "failure");
    report_outcome(ST_ADDED);
    report_end();
    report(&(struct event){ .kind = EV_BATCH, .count = 1, .done = 1 });
}

static const char text_lines[] =
    "Checking domain DC=spn,DC=test\n"
    "\n"
    "Registering ServicePrincipalNames for CN=svc,CN=Users,DC=spn,DC=test\n"
    "\tHTTP/x\n";

static const char ldif_add_x[] =
    "dn: CN=svc,CN=Users,DC=spn,DC=test\n"
    "changetype: modify\n"
    "add: servicePrincipalName\n"
    "servicePrincipalName: HTTP/x\n"
    "-\n"
    "\n";

static void report_text_mode(void **state)
{
    struct finish_call f = { 0, false };
    char *out, *err, *want;

    (void)state;
    /* Setspn.exe's text on stdout; notes and failures on stderr */
    report_init(false, false);
    assert_false(report_json());
    unit_capture_both(text_events, NULL, &out, &err);
    want = NULL;
    assert_true(asprintf(&want, "%s%s%s", text_lines, ldif_add_x,
                         "Updated object\n"
                         "Batch: 1 command, 1 done, 0 failed, 0 not run\n")
                > 0);
    unit_same("stdout", out, want);
    unit_same("stderr", err, "setspn: a note\nsetspn: a failure\n");
    free(want);
    free(out);
    free(err);
    /* nothing at the end */
    out = unit_capture(STDOUT_FILENO, finish, &f);
    assert_true(f.ok);
    assert_string_equal(out, "");
    free(out);

    /* a dry run keeps stdout for the LDIF, and updates nothing */
    report_init(false, true);
    assert_false(report_json());
    unit_capture_both(text_events, NULL, &out, &err);
    unit_same("dry-run stdout", out, ldif_add_x);
    assert_true(asprintf(&want, "%s%s%s", text_lines,
                         "setspn: a note\nsetspn: a failure\n",
                         "Batch: 1 command, 1 done, 0 failed, 0 not run\n")
                > 0);
    unit_same("dry-run stderr", err, want);
    free(want);
    free(out);
    free(err);
    f.ok = false;
    out = unit_capture(STDOUT_FILENO, finish, &f);
    assert_true(f.ok);
    assert_string_equal(out, "");
    free(out);

    report_init(true, true);
    assert_true(report_json());
    json_decref(unit_finish_json(0));
}

struct ldif_call {
    bool add;
    const char *dn, *spn;
};

static void ldif(void *ctx)
{
    const struct ldif_call *c = ctx;

    report(&(struct event){ .kind = EV_LDIF, .add = c->add, .dn = c->dn,
                            .value = c->spn });
}

static char *ldif_captured(bool add, const char *dn, const char *spn)
{
    struct ldif_call c = { add, dn, spn };

    return unit_capture(STDOUT_FILENO, ldif, &c);
}

static void report_text_ldif(void **state)
{
    char *out;

    (void)state;
    report_init(false, true);
    out = ldif_captured(true, dn_svc, "HTTP/web01.spn.test");
    assert_string_equal(out, "dn: CN=svc,CN=Users,DC=spn,DC=test\n"
                             "changetype: modify\n"
                             "add: servicePrincipalName\n"
                             "servicePrincipalName: HTTP/web01.spn.test\n"
                             "-\n"
                             "\n");
    free(out);

    out = ldif_captured(false, dn_svc, "HTTP/web01");
    assert_string_equal(out, "dn: CN=svc,CN=Users,DC=spn,DC=test\n"
                             "changetype: modify\n"
                             "delete: servicePrincipalName\n"
                             "servicePrincipalName: HTTP/web01\n"
                             "-\n"
                             "\n");
    free(out);

    /* a DN or value beyond ASCII is base64 (RFC 2849) */
    out = ldif_captured(true, "CN=b\xc3\xbc" "cher,DC=spn,DC=test",
                        "HTTP/b\xc3\xbc" "cher.spn.test");
    assert_string_equal(out,
                        "dn:: Q049YsO8Y2hlcixEQz1zcG4sREM9dGVzdA==\n"
                        "changetype: modify\n"
                        "add: servicePrincipalName\n"
                        "servicePrincipalName:: "
                        "SFRUUC9iw7xjaGVyLnNwbi50ZXN0\n"
                        "-\n"
                        "\n");
    free(out);
    assert_int_equal(report_finish(0), true);
}

int unit_report(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(report_json_document),
        cmocka_unit_test(report_json_groups),
        cmocka_unit_test(report_json_checks),
        cmocka_unit_test(report_json_minimal),
        cmocka_unit_test(report_json_strings),
        cmocka_unit_test(report_text_mode),
        cmocka_unit_test(report_text_ldif),
    };

    return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}

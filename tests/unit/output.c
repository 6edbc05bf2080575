/*
 * output: Setspn.exe's text for each event (text_render), as scripts
 * parse it.
 */
#include "unit.h"

#include <stdlib.h>

#include "output.h"
#include "report.h"

struct render_case {
    const char *what;
    struct event ev;
    const char *want;
};

static void check_renders(const struct render_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct unit_mem m;
        char *text;
        bool same;

        unit_mem_open(&m);
        text_render(m.f, &c[i].ev);
        text = unit_mem_text(&m);
        same = strcmp(text, c[i].want) == 0;
        if (!same)
            print_error("%s:\ngot\n\"%s\"\nexpected\n\"%s\"\n", c[i].what,
                        text, c[i].want);
        free(text);
        if (!same)
            fail_msg("%s: wrong text", c[i].what);
    }
}

static const char dn_web01[] = "CN=WEB01,CN=Computers,DC=contoso,DC=com";

static void output_list(void **state)
{
    static const char *const spns[] = { "HOST/WEB01",
                                        "HOST/web01.contoso.com",
                                        "HTTP/web01.contoso.com:8080" };
    static const struct render_case cases[] = {
        { "three SPNs",
          { .kind = EV_LIST, .dn = dn_web01, .values = V(spns),
            .nvalues = 3 },
          "Registered ServicePrincipalNames for "
          "CN=WEB01,CN=Computers,DC=contoso,DC=com:\n"
          "\tHOST/WEB01\n"
          "\tHOST/web01.contoso.com\n"
          "\tHTTP/web01.contoso.com:8080\n" },
        { "no SPN",
          { .kind = EV_LIST, .dn = dn_web01 },
          "Registered ServicePrincipalNames for "
          "CN=WEB01,CN=Computers,DC=contoso,DC=com:\n" },
    };

    (void)state;
    check_renders(cases, NCASES(cases));
}

static void output_checking(void **state)
{
    static const struct render_case cases[] = {
        { "domain",
          { .kind = EV_CHECKING, .label = "DC=contoso,DC=com" },
          "Checking domain DC=contoso,DC=com\n" },
        { "forest",
          { .kind = EV_CHECKING, .label = "DC=contoso,DC=com",
            .forest = true },
          "Operation will be performed forestwide, it might take a "
          "while.\nChecking forest DC=contoso,DC=com\n" },
        { "end of a check", { .kind = EV_CHECKED }, "\n" },
    };

    (void)state;
    check_renders(cases, NCASES(cases));
}

static void output_holder(void **state)
{
    static const char *const spns[] = { "HOST/WEB01",
                                        "http/web01.contoso.com",
                                        "HTTP/Web01.Contoso.com:80",
                                        "HTTP/web01.contoso.com" };
    static const char *const one[] = { "HTTP/WEB01.CONTOSO.COM" };
    static const char *const none[] = { "HTTP/nothing" };
    static const char *const two[] = { "host/web01",
                                       "HTTP/WEB01.CONTOSO.COM:80" };
    static const struct render_case cases[] = {
        { "all values",
          { .kind = EV_HOLDER, .dn = dn_web01, .values = V(spns),
            .nvalues = 4 },
          "CN=WEB01,CN=Computers,DC=contoso,DC=com\n"
          "\tHOST/WEB01\n"
          "\thttp/web01.contoso.com\n"
          "\tHTTP/Web01.Contoso.com:80\n"
          "\tHTTP/web01.contoso.com\n" },
        /* only: the values equal to it, case-insensitively, as stored */
        { "only one value",
          { .kind = EV_HOLDER, .dn = dn_web01, .values = V(spns),
            .nvalues = 4, .only = V(one), .nonly = 1 },
          "CN=WEB01,CN=Computers,DC=contoso,DC=com\n"
          "\thttp/web01.contoso.com\n"
          "\tHTTP/web01.contoso.com\n" },
        { "only a value it does not hold",
          { .kind = EV_HOLDER, .dn = dn_web01, .values = V(spns),
            .nvalues = 4, .only = V(none), .nonly = 1 },
          "CN=WEB01,CN=Computers,DC=contoso,DC=com\n" },
        /* several: any of them, in the stored order */
        { "only two values",
          { .kind = EV_HOLDER, .dn = dn_web01, .values = V(spns),
            .nvalues = 4, .only = V(two), .nonly = 2 },
          "CN=WEB01,CN=Computers,DC=contoso,DC=com\n"
          "\tHOST/WEB01\n"
          "\tHTTP/Web01.Contoso.com:80\n" },
        { "no values",
          { .kind = EV_HOLDER, .dn = dn_web01 },
          "CN=WEB01,CN=Computers,DC=contoso,DC=com\n" },
    };

    (void)state;
    check_renders(cases, NCASES(cases));
}

static void output_change(void **state)
{
    static const char *const spn[] = { "SMTPSVC/mail.contoso.com" };
    static const char *const two[] = { "HOST/web01", "HOST/web01.x" };
    static const struct render_case cases[] = {
        { "add",
          { .kind = EV_CHANGE, .add = true, .dn = dn_web01, .values = V(spn),
            .nvalues = 1 },
          "Registering ServicePrincipalNames for "
          "CN=WEB01,CN=Computers,DC=contoso,DC=com\n"
          "\tSMTPSVC/mail.contoso.com\n" },
        { "delete",
          { .kind = EV_CHANGE, .dn = dn_web01, .values = V(spn),
            .nvalues = 1 },
          "Unregistering ServicePrincipalNames for "
          "CN=WEB01,CN=Computers,DC=contoso,DC=com\n"
          "\tSMTPSVC/mail.contoso.com\n" },
        { "add two (-R)",
          { .kind = EV_CHANGE, .add = true, .dn = dn_web01, .values = V(two),
            .nvalues = 2 },
          "Registering ServicePrincipalNames for "
          "CN=WEB01,CN=Computers,DC=contoso,DC=com\n"
          "\tHOST/web01\n"
          "\tHOST/web01.x\n" },
    };

    (void)state;
    check_renders(cases, NCASES(cases));
}

static void output_lines(void **state)
{
    static const struct render_case cases[] = {
        { "no account",
          { .kind = EV_NO_ACCOUNT, .label = "nosuch$", .text = "ignored" },
          "Could not find account nosuch$\n" },
        { "no account DOMAIN\\NAME",
          { .kind = EV_NO_ACCOUNT, .label = "SPN\\svc-web" },
          "Could not find account SPN\\svc-web\n" },
        { "updated", { .kind = EV_UPDATED }, "Updated object\n" },
        { "duplicate", { .kind = EV_DUPLICATE },
          "Duplicate SPN found, aborting operation!\n" },
        { "query found", { .kind = EV_QUERY_DONE, .count = 1 },
          "Existing SPN found!\n" },
        { "query found several", { .kind = EV_QUERY_DONE, .count = 7 },
          "Existing SPN found!\n" },
        { "query found none", { .kind = EV_QUERY_DONE },
          "No such SPN found.\n" },
    };

    (void)state;
    check_renders(cases, NCASES(cases));
}

static void output_scan(void **state)
{
    static const char *const dns[] = { "CN=a,DC=spn,DC=test",
                                       "CN=b,DC=spn,DC=test" };
    static const struct render_case cases[] = {
        { "group",
          { .kind = EV_GROUP, .label = "HTTP/web01", .values = V(dns),
            .nvalues = 2 },
          "HTTP/web01 is registered on these accounts:\n"
          "\tCN=a,DC=spn,DC=test\n"
          "\tCN=b,DC=spn,DC=test\n"
          "\n" },
        /* sic: Setspn.exe's wording, whatever the count */
        { "scan total", { .kind = EV_SCAN_DONE, .count = 2, .entries = 40 },
          "found 2 group of duplicate SPNs.\n" },
        { "scan total none", { .kind = EV_SCAN_DONE },
          "found 0 group of duplicate SPNs.\n" },
    };

    (void)state;
    check_renders(cases, NCASES(cases));
}

static void output_batch(void **state)
{
    static const int not_run[] = { 5, 7, 12 };
    static const struct render_case cases[] = {
        { "all done",
          { .kind = EV_BATCH, .count = 3, .done = 3 },
          "Batch: 3 commands, 3 done, 0 failed, 0 not run\n" },
        { "one command",
          { .kind = EV_BATCH, .count = 1, .failed = 1 },
          "Batch: 1 command, 0 done, 1 failed, 0 not run\n" },
        { "lines not run",
          { .kind = EV_BATCH, .count = 6, .done = 2, .failed = 1,
            .lines = not_run, .nlines = 3 },
          "Batch: 6 commands, 2 done, 1 failed, 3 not run\n"
          "Not run: lines 5, 7, 12\n" },
        { "one line not run",
          { .kind = EV_BATCH, .count = 2, .done = 1, .lines = not_run,
            .nlines = 1 },
          "Batch: 2 commands, 1 done, 0 failed, 1 not run\n"
          "Not run: lines 5\n" },
    };

    (void)state;
    check_renders(cases, NCASES(cases));
}

/* Events with no text of their own write nothing. */
static void output_silent(void **state)
{
    static const struct render_case cases[] = {
        { "account", { .kind = EV_ACCOUNT, .dn = dn_web01 }, "" },
        { "ldif",
          { .kind = EV_LDIF, .add = true, .dn = dn_web01, .value = "a/b" },
          "" },
        { "note", { .kind = EV_NOTE, .text = "a note" }, "" },
        { "failure", { .kind = EV_FAILURE, .text = "boom" }, "" },
        { "outcome", { .kind = EV_OUTCOME, .status = ST_DUPLICATE }, "" },
        { "dc", { .kind = EV_DC, .label = "ldap://dc1", .dn = "spn.test" },
          "" },
    };

    (void)state;
    check_renders(cases, NCASES(cases));
}

/* --verify's checks: result, name and finding in columns, then each fix;
 * a stray byte in either is escaped, a backslash left as it is. */
static void output_check(void **state)
{
    static const char *const fixes[] = {
        "setspn -D HTTP/x CN=B,DC=x", "setspn -S HTTP/x A",
    };
    static const char *const bad_fix[] = { "setspn -S a/\x1b\x1b b" };
    static const struct render_case cases[] = {
        { "ok",
          { .kind = EV_CHECK, .label = "ticket", .result = CHECK_OK,
            .text = "the KDC issued a ticket" },
          "ok   ticket  the KDC issued a ticket\n" },
        { "warn",
          { .kind = EV_CHECK, .label = "dns", .result = CHECK_WARN,
            .text = "x does not resolve" },
          "warn dns     x does not resolve\n" },
        { "fail with fixes",
          { .kind = EV_CHECK, .label = "holders", .result = CHECK_FAIL,
            .text = "2 accounts hold HTTP/x", .values = V(fixes),
            .nvalues = 2 },
          "FAIL holders 2 accounts hold HTTP/x\n"
          "fix: setspn -D HTTP/x CN=B,DC=x\nfix: setspn -S HTTP/x A\n" },
        { "stray bytes",
          { .kind = EV_CHECK, .label = "account", .result = CHECK_FAIL,
            .text = "CN=a\x1b[2J\nb", .values = V(bad_fix), .nvalues = 1 },
          "FAIL account CN=a\\x1b[2J\\x0ab\n"
          "fix: setspn -S a/\\x1b\\x1b b\n" },
    };

    (void)state;
    check_renders(cases, NCASES(cases));
}

int unit_output(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(output_list),
        cmocka_unit_test(output_checking),
        cmocka_unit_test(output_holder),
        cmocka_unit_test(output_change),
        cmocka_unit_test(output_lines),
        cmocka_unit_test(output_scan),
        cmocka_unit_test(output_batch),
        cmocka_unit_test(output_silent),
        cmocka_unit_test(output_check),
    };

    return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}

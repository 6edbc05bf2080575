#include "output.h"

#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "quote.h"
#include "spn.h"

/* Directory data (values, DNs, names) in its printed form (quote.h): no
 * byte of the directory draws on the terminal or makes a line. */
static void put(FILE *f, const char *pre, const char *s, size_t len,
                const char *post)
{
    char *q = quote_display(s != NULL ? s : "", s != NULL ? len : 0);

    fprintf(f, "%s%s%s", pre, q, post);
    free(q);
}

static void puts_q(FILE *f, const char *pre, const char *s, const char *post)
{
    put(f, pre, s, s != NULL ? strlen(s) : 0, post);
}

static void values(FILE *f, const struct event *ev)
{
    for (size_t i = 0; i < ev->nvalues; i++)
        put(f, "\t", ev->values[i], entry_len(ev->values, ev->lens, i),
            "\n");
}

static bool wanted(const struct event *ev, const char *value)
{
    if (ev->nonly == 0)
        return true;
    for (size_t k = 0; k < ev->nonly; k++)
        if (spn_equal(value, ev->only[k]))
            return true;
    return false;
}

void text_render(FILE *f, const struct event *ev)
{
    switch (ev->kind) {
    case EV_CHECKING:
        if (ev->forest)
            fputs("Operation will be performed forestwide, it might take a "
                  "while.\n", f);
        fprintf(f, "Checking %s ", ev->forest ? "forest" : "domain");
        puts_q(f, "", ev->label, "\n");
        break;
    case EV_LIST:
        puts_q(f, "Registered ServicePrincipalNames for ", ev->dn, ":\n");
        values(f, ev);
        break;
    case EV_HOLDER:
        puts_q(f, "", ev->dn, "\n");
        for (size_t i = 0; i < ev->nvalues; i++)
            if (wanted(ev, ev->values[i]))
                put(f, "\t", ev->values[i],
                    entry_len(ev->values, ev->lens, i), "\n");
        break;
    case EV_CHECKED:
        fputc('\n', f);
        break;
    case EV_CHANGE:
        fprintf(f, "%s ServicePrincipalNames for ",
                ev->add ? "Registering" : "Unregistering");
        puts_q(f, "", ev->dn, "\n");
        values(f, ev);
        break;
    case EV_UPDATED:
        fputs("Updated object\n", f);
        break;
    case EV_DUPLICATE:
        fputs("Duplicate SPN found, aborting operation!\n", f);
        break;
    case EV_QUERY_DONE:
        fputs(ev->count > 0 ? "Existing SPN found!\n" : "No such SPN found.\n",
              f);
        break;
    case EV_NO_ACCOUNT:
        puts_q(f, "Could not find account ", ev->label, "\n");
        break;
    case EV_GROUP:
        /* the label is in its printed form already */
        fprintf(f, "%s is registered on these accounts:\n", ev->label);
        values(f, ev);
        fputc('\n', f);
        break;
    case EV_SCAN_DONE:
        /* sic: Setspn.exe's wording */
        fprintf(f, "found %zu group of duplicate SPNs.\n", ev->count);
        break;
    case EV_BATCH:
        fprintf(f, "Batch: %zu command%s, %zu done, %zu failed, %zu not run\n",
                ev->count, ev->count == 1 ? "" : "s", ev->done, ev->failed,
                ev->nlines);
        if (ev->failed > 0 && ev->failed_lines != NULL) {
            fputs("Failed: line", f);
            fputs(ev->failed == 1 ? "" : "s", f);
            for (size_t k = 0; k < ev->failed; k++)
                fprintf(f, "%s %d", k == 0 ? "" : ",", ev->failed_lines[k]);
            fputc('\n', f);
        }
        if (ev->nlines > 0) {
            fputs("Not run: lines", f);
            for (size_t k = 0; k < ev->nlines; k++)
                fprintf(f, "%s %d", k == 0 ? "" : ",", ev->lines[k]);
            fputc('\n', f);
        }
        break;
    case EV_CHECK: {
        /* The finding holds directory data in its printed form already;
         * quote_message leaves that as it is and escapes any stray byte. */
        static const char *const results[] = { "ok", "warn", "FAIL" };
        char *q = quote_message(ev->text != NULL ? ev->text : "");

        fprintf(f, "%-4s %-7s %s\n", results[ev->result],
                ev->label != NULL ? ev->label : "", q);
        free(q);
        for (size_t i = 0; i < ev->nvalues; i++) {
            /* shell words (fixcmd.h): printable, or $'...' escaped */
            q = quote_message(ev->values[i]);
            fprintf(f, "fix: %s\n", q);
            free(q);
        }
        break;
    }
    case EV_KEYTAB:
        puts_q(f, "Keys of ", ev->dn, " for ");
        puts_q(f, "", ev->label, ":\n");
        break;
    case EV_KEY:
        puts_q(f, "\t", ev->label, "");
        fprintf(f, " kvno %zu %s\n", ev->count, ev->value);
        break;
    case EV_KEYTAB_DONE:
        puts_q(f, ev->add ? "Updated keytab " : "Keytab ", ev->label,
               ev->add ? ": " : " unchanged: ");
        fprintf(f, "%zu entr%s written, %zu kept, %zu removed\n", ev->count,
                ev->count == 1 ? "y" : "ies", ev->done, ev->failed);
        break;
    case EV_ACCOUNT:
    case EV_LDIF:
    case EV_NOTE:
    case EV_FAILURE:
    case EV_OUTCOME:
    case EV_DC:
        break;
    }
}

#include "output.h"

#include "spn.h"

static void values(FILE *f, char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "\t%s\n", v[i]);
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
        fprintf(f, "Checking %s %s\n", ev->forest ? "forest" : "domain",
                ev->label);
        break;
    case EV_LIST:
        fprintf(f, "Registered ServicePrincipalNames for %s:\n", ev->dn);
        values(f, ev->values, ev->nvalues);
        break;
    case EV_HOLDER:
        fprintf(f, "%s\n", ev->dn);
        for (size_t i = 0; i < ev->nvalues; i++)
            if (wanted(ev, ev->values[i]))
                fprintf(f, "\t%s\n", ev->values[i]);
        break;
    case EV_CHECKED:
        fputc('\n', f);
        break;
    case EV_CHANGE:
        fprintf(f, "%s ServicePrincipalNames for %s\n",
                ev->add ? "Registering" : "Unregistering", ev->dn);
        values(f, ev->values, ev->nvalues);
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
        fprintf(f, "Could not find account %s\n", ev->label);
        break;
    case EV_GROUP:
        fprintf(f, "%s is registered on these accounts:\n", ev->label);
        values(f, ev->values, ev->nvalues);
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
        if (ev->nlines > 0) {
            fputs("Not run: lines", f);
            for (size_t k = 0; k < ev->nlines; k++)
                fprintf(f, "%s %d", k == 0 ? "" : ",", ev->lines[k]);
            fputc('\n', f);
        }
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

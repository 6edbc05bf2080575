#include "output.h"

#include "spn.h"

void out_list(FILE *f, const char *dn, char *const *spns, size_t n)
{
    if (f == NULL)
        return;
    fprintf(f, "Registered ServicePrincipalNames for %s:\n", dn);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "\t%s\n", spns[i]);
}

void out_checking(FILE *f, const char *dn, bool forest)
{
    if (f == NULL)
        return;
    if (forest)
        fprintf(f, "Operation will be performed forestwide, it might take a "
                   "while.\nChecking forest %s\n", dn);
    else
        fprintf(f, "Checking domain %s\n", dn);
}

void out_holder(FILE *f, const char *dn, char *const *spns, size_t n,
                const char *only)
{
    if (f == NULL)
        return;
    fprintf(f, "%s\n", dn);
    for (size_t i = 0; i < n; i++)
        if (only == NULL || spn_equal(spns[i], only))
            fprintf(f, "\t%s\n", spns[i]);
}

void out_holder_any(FILE *f, const char *dn, char *const *spns, size_t n,
                    char *const *want, size_t nwant)
{
    if (f == NULL)
        return;
    fprintf(f, "%s\n", dn);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < nwant; k++)
            if (spn_equal(spns[i], want[k])) {
                fprintf(f, "\t%s\n", spns[i]);
                break;
            }
}

void out_change(FILE *f, bool add, const char *dn, const char *spn)
{
    if (f == NULL)
        return;
    fprintf(f, "%s ServicePrincipalNames for %s\n\t%s\n",
            add ? "Registering" : "Unregistering", dn, spn);
}

void out_line(FILE *f, const char *text)
{
    if (f == NULL)
        return;
    fprintf(f, "%s\n", text);
}

void out_no_account(FILE *f, const char *name)
{
    if (f == NULL)
        return;
    fprintf(f, "Could not find account %s\n", name);
}

void out_group(FILE *f, const char *spn, const char *const *dns, size_t n)
{
    if (f == NULL)
        return;
    fprintf(f, "%s is registered on these accounts:\n", spn);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "\t%s\n", dns[i]);
    fputc('\n', f);
}

void out_scan_total(FILE *f, size_t groups)
{
    if (f != NULL)
        fprintf(f, "found %zu group of duplicate SPNs.\n", groups);
}

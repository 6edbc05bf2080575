/*
 * libFuzzer target: account_parse and account_ref_free (spn.h).  Besides
 * the sanitizers (leak detection included: every path must free what it
 * allocated), it checks the parse's promises and aborts when one breaks:
 *
 *   - failure: a non-empty static message, and nothing left allocated;
 *   - success: a name; a domain only for DOMAIN\NAME; dollar exactly when
 *     a plain name ends in '$'; a UPN has text on both sides of its last
 *     '@'; and every part is taken from the input, unchanged.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "fuzz.h"
#include "spn.h"


static void check(const char *arg)
{
    struct account_ref ref;
    const char *why;

    memset(&ref, 0x5a, sizeof(ref)); /* the parse must set every field */
    why = account_parse(arg, &ref);
    if (why != NULL) {
        CHECK(*why != '\0');
        CHECK(ref.name == NULL && ref.domain == NULL);
        account_ref_free(&ref);
        return;
    }
    CHECK(ref.name != NULL && *ref.name != '\0');
    CHECK(spn_check_lookup(arg) == NULL); /* the common checks came first */
    switch (ref.form) {
    case ACCOUNT_DN:
        CHECK(ref.domain == NULL && !ref.dollar);
        CHECK(strcmp(ref.name, arg) == 0);
        CHECK(strchr(arg, '=') != NULL);
        break;
    case ACCOUNT_UPN: {
        const char *at = strrchr(ref.name, '@');

        CHECK(ref.domain == NULL && !ref.dollar);
        CHECK(strcmp(ref.name, arg) == 0);
        CHECK(at != NULL && at != ref.name && at[1] != '\0');
        break;
    }
    case ACCOUNT_NAME: {
        size_t len = strlen(ref.name);

        CHECK(ref.dollar == (ref.name[len - 1] == '$'));
        CHECK(strcmp(ref.name, "$") != 0);
        if (ref.domain != NULL) {
            size_t dlen = strlen(ref.domain);

            CHECK(dlen > 0 && strncmp(arg, ref.domain, dlen) == 0);
            CHECK(arg[dlen] == '\\' && strcmp(arg + dlen + 1, ref.name) == 0);
            CHECK(strchr(ref.name, '\\') == NULL);
        } else {
            CHECK(strcmp(ref.name, arg) == 0);
            CHECK(strchr(arg, '\\') == NULL);
        }
        break;
    }
    default:
        CHECK(!"account_parse returned an unknown form");
    }
    account_ref_free(&ref);
    CHECK(ref.name == NULL && ref.domain == NULL);
    account_ref_free(&ref); /* twice is harmless */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);

    if (buf == NULL)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    check(buf);
    free(buf);
    return 0;
}

/*
 * A GSS-API service for the keytab tests: takes a ticket for SPN from the
 * caller's cache (KRB5CCNAME) as a client would, and accepts it with
 * KEYTAB as a service that names no principal would (GSS_C_NO_NAME, what
 * most services do: any key of the keytab).  Exit 0 and "accepted CLIENT"
 * when the service accepts; 1 and the GSS-API error when not.
 *
 *   tests/gssaccept KEYTAB SPN
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_krb5.h>

static void show(const char *what, OM_uint32 major, OM_uint32 minor)
{
    OM_uint32 ctx = 0, min;
    gss_buffer_desc b;

    fprintf(stderr, "gssaccept: %s:", what);
    do {
        gss_display_status(&min, major, GSS_C_GSS_CODE, GSS_C_NO_OID, &ctx,
                           &b);
        fprintf(stderr, " %.*s", (int)b.length, (char *)b.value);
        gss_release_buffer(&min, &b);
    } while (ctx != 0);
    ctx = 0;
    do {
        gss_display_status(&min, minor, GSS_C_MECH_CODE, (gss_OID)gss_mech_krb5, &ctx,
                           &b);
        fprintf(stderr, "; %.*s", (int)b.length, (char *)b.value);
        gss_release_buffer(&min, &b);
    } while (ctx != 0);
    fputc('\n', stderr);
}

int main(int argc, char *argv[])
{
    OM_uint32 major, minor;
    gss_name_t target = GSS_C_NO_NAME, client = GSS_C_NO_NAME;
    gss_ctx_id_t ini = GSS_C_NO_CONTEXT, acc = GSS_C_NO_CONTEXT;
    gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
    gss_buffer_desc name, in = GSS_C_EMPTY_BUFFER, out = GSS_C_EMPTY_BUFFER;
    int rc = 1;

    if (argc != 3) {
        fprintf(stderr, "usage: gssaccept KEYTAB SPN\n");
        return 2;
    }
    name.value = argv[2];
    name.length = strlen(argv[2]);
    major = gss_import_name(&minor, &name, GSS_KRB5_NT_PRINCIPAL_NAME,
                            &target);
    if (major != GSS_S_COMPLETE) {
        show("import_name", major, minor);
        return 1;
    }
    major = gsskrb5_register_acceptor_identity(argv[1]);
    if (major == GSS_S_COMPLETE)
        major = gss_acquire_cred(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE,
                                 GSS_C_NO_OID_SET, GSS_C_ACCEPT, &cred, NULL,
                                 NULL);
    if (major != GSS_S_COMPLETE) {
        show("acquire_cred (acceptor)", major, minor);
        goto done;
    }
    major = gss_init_sec_context(&minor, GSS_C_NO_CREDENTIAL, &ini, target,
                                 GSS_C_NO_OID, 0, 0, NULL, GSS_C_NO_BUFFER,
                                 NULL, &out, NULL, NULL);
    if (GSS_ERROR(major)) {
        show("init_sec_context (client)", major, minor);
        goto done;
    }
    in = out;
    out.length = 0;
    out.value = NULL;
    major = gss_accept_sec_context(&minor, &acc, cred, &in, NULL, &client,
                                   NULL, &out, NULL, NULL, NULL);
    gss_release_buffer(&minor, &in);
    gss_release_buffer(&minor, &out);
    if (major != GSS_S_COMPLETE) {
        show("accept_sec_context (service)", major, minor);
        goto done;
    }
    if (gss_display_name(&minor, client, &name, NULL) == GSS_S_COMPLETE) {
        printf("accepted %.*s\n", (int)name.length, (char *)name.value);
        gss_release_buffer(&minor, &name);
    }
    rc = 0;
done:
    gss_delete_sec_context(&minor, &ini, GSS_C_NO_BUFFER);
    gss_delete_sec_context(&minor, &acc, GSS_C_NO_BUFFER);
    gss_release_cred(&minor, &cred);
    gss_release_name(&minor, &target);
    gss_release_name(&minor, &client);
    return rc;
}

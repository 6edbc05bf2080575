/* gss_accept: ground truth for --verify's tests.  With the caller's
 * credential cache (a private copy of it, so that service tickets cached
 * by earlier runs, perhaps of an older kvno, never answer for the KDC),
 * initiates a GSS-API Kerberos context to a service name, and, given a
 * keytab, accepts it in the same process as a service would:
 *
 *   gss_accept [--hostbased] [--name PRINC] SPN [KEYTAB]
 *
 *   SPN          a Kerberos principal name (HTTP/web.spn.test[@REALM]), or
 *                with --hostbased a host-based name (HTTP@web.spn.test)
 *   KEYTAB       the service's keytab; without it only the ticket is asked for
 *   --name PRINC the acceptor names its principal (strict services); by
 *                default it names none (GSS_C_NO_NAME: every key of the
 *                keytab is tried, as most services do)
 *
 * Exit: 0 accepted (or, without KEYTAB, ticket issued); 1 the initiator got
 * no ticket (the KDC's answer on stderr); 2 the acceptor rejected it;
 * 3 usage or another error.  Once the ticket is issued, its first line
 * on stdout is "ticket ENCTYPE kvno N" (the ticket's own encryption).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_krb5.h>
#include <krb5.h>

static void status_text(const char *what, OM_uint32 major, OM_uint32 minor)
{
	OM_uint32 min, ctx = 0;
	gss_buffer_desc b;

	fprintf(stderr, "gss_accept: %s:", what);
	do {
		if (gss_display_status(&min, major, GSS_C_GSS_CODE, GSS_C_NO_OID,
				       &ctx, &b) != GSS_S_COMPLETE)
			break;
		fprintf(stderr, " %.*s;", (int)b.length, (char *)b.value);
		gss_release_buffer(&min, &b);
	} while (ctx != 0);
	ctx = 0;
	do {
		if (gss_display_status(&min, minor, GSS_C_MECH_CODE,
				       (gss_OID)gss_mech_krb5, &ctx,
				       &b) != GSS_S_COMPLETE)
			break;
		fprintf(stderr, " %.*s", (int)b.length, (char *)b.value);
		gss_release_buffer(&min, &b);
	} while (ctx != 0);
	fputc('\n', stderr);
}

/* Copies the FILE: cache named by KRB5CCNAME into a new temporary file
 * and points KRB5CCNAME at it.  Returns the copy's path (to unlink). */
static char *private_ccache(void)
{
	const char *cc = getenv("KRB5CCNAME");
	static char tmpl[] = "/tmp/gss_accept.cc.XXXXXX";
	static char env[sizeof(tmpl) + 5];
	char buf[8192];
	ssize_t n;
	int in, out;

	if (cc == NULL) {
		fprintf(stderr, "gss_accept: KRB5CCNAME is not set\n");
		return NULL;
	}
	if (strncmp(cc, "FILE:", 5) == 0)
		cc += 5;
	else if (strchr(cc, ':') != NULL) {
		fprintf(stderr, "gss_accept: KRB5CCNAME must be a FILE cache\n");
		return NULL;
	}
	in = open(cc, O_RDONLY);
	if (in < 0) {
		fprintf(stderr, "gss_accept: %s: %s\n", cc, strerror(errno));
		return NULL;
	}
	out = mkstemp(tmpl);
	if (out < 0) {
		fprintf(stderr, "gss_accept: mkstemp: %s\n", strerror(errno));
		close(in);
		return NULL;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	close(in);
	if (close(out) != 0 || n < 0) {
		fprintf(stderr, "gss_accept: copying %s failed\n", cc);
		unlink(tmpl);
		return NULL;
	}
	snprintf(env, sizeof(env), "FILE:%s", tmpl);
	setenv("KRB5CCNAME", env, 1);
	return tmpl;
}

/* Prints the encryption type and kvno of the last service ticket in the
 * (private) cache: the one the initiator just got. */
static void print_ticket(void)
{
	krb5_context k;
	krb5_ccache cc;
	krb5_cc_cursor cur;
	krb5_creds c;
	krb5_ticket *t;
	char ename[64] = "?";
	krb5_enctype et = 0;
	krb5_kvno kv = 0;
	int found = 0;

	if (krb5_init_context(&k) != 0)
		return;
	if (krb5_cc_default(k, &cc) == 0) {
		if (krb5_cc_start_seq_get(k, cc, &cur) == 0) {
			while (krb5_cc_next_cred(k, cc, &cur, &c) == 0) {
				if (!krb5_is_config_principal(k, c.server) &&
				    !(c.server->length == 2 &&
				      c.server->data[0].length == 6 &&
				      memcmp(c.server->data[0].data, "krbtgt", 6) == 0) &&
				    krb5_decode_ticket(&c.ticket, &t) == 0) {
					et = t->enc_part.enctype;
					kv = t->enc_part.kvno;
					found = 1;
					krb5_free_ticket(k, t);
				}
				krb5_free_cred_contents(k, &c);
			}
			krb5_cc_end_seq_get(k, cc, &cur);
		}
		krb5_cc_close(k, cc);
	}
	if (found) {
		if (krb5_enctype_to_name(et, TRUE, ename, sizeof(ename)) != 0)
			snprintf(ename, sizeof(ename), "%d", (int)et);
		printf("ticket %s kvno %u\n", ename, (unsigned)kv);
	}
	krb5_free_context(k);
}

static void usage(void)
{
	fprintf(stderr, "usage: gss_accept [--hostbased] [--name PRINC] SPN [KEYTAB]\n");
	exit(3);
}

static int run(const char *spn, int hostbased, const char *keytab,
	       const char *accname)
{
	OM_uint32 maj, min, amin, ret_flags;
	gss_buffer_desc nb, out = GSS_C_EMPTY_BUFFER, acc_out = GSS_C_EMPTY_BUFFER;
	gss_name_t target = GSS_C_NO_NAME, src = GSS_C_NO_NAME;
	gss_ctx_id_t ictx = GSS_C_NO_CONTEXT, actx = GSS_C_NO_CONTEXT;
	gss_cred_id_t acred = GSS_C_NO_CREDENTIAL;
	krb5_context kctx = NULL;
	krb5_keytab kt = NULL;
	krb5_principal princ = NULL;
	krb5_error_code kerr;
	int rc = 3;

	nb.value = (void *)spn;
	nb.length = strlen(spn);
	maj = gss_import_name(&min, &nb,
			      hostbased ? GSS_C_NT_HOSTBASED_SERVICE
					: (gss_OID)GSS_KRB5_NT_PRINCIPAL_NAME,
			      &target);
	if (GSS_ERROR(maj)) {
		status_text("cannot parse the service name", maj, min);
		return 3;
	}
	maj = gss_init_sec_context(&min, GSS_C_NO_CREDENTIAL, &ictx, target,
				   (gss_OID)gss_mech_krb5, 0, 0,
				   GSS_C_NO_CHANNEL_BINDINGS, GSS_C_NO_BUFFER,
				   NULL, &out, &ret_flags, NULL);
	if (GSS_ERROR(maj)) {
		status_text("no ticket", maj, min);
		rc = 1;
		goto done;
	}
	print_ticket();
	if (keytab == NULL) {
		printf("ticket issued for %s\n", spn);
		rc = 0;
		goto done;
	}

	kerr = krb5_init_context(&kctx);
	if (kerr == 0)
		kerr = krb5_kt_resolve(kctx, keytab, &kt);
	if (kerr == 0 && accname != NULL)
		kerr = krb5_parse_name(kctx, accname, &princ);
	if (kerr != 0) {
		fprintf(stderr, "gss_accept: %s: %s\n", accname ? accname : keytab,
			kctx ? krb5_get_error_message(kctx, kerr) : "krb5_init_context failed");
		goto done;
	}
	maj = gss_krb5_import_cred(&min, NULL, princ, kt, &acred);
	if (GSS_ERROR(maj)) {
		status_text("no acceptor credential", maj, min);
		rc = 2;
		goto done;
	}
	maj = gss_accept_sec_context(&amin, &actx, acred, &out,
				     GSS_C_NO_CHANNEL_BINDINGS, &src, NULL,
				     &acc_out, NULL, NULL, NULL);
	if (GSS_ERROR(maj)) {
		status_text("the acceptor rejected the ticket", maj, amin);
		rc = 2;
		goto done;
	}
	printf("accepted: %s\n", spn);
	rc = 0;
done:
	gss_release_buffer(&min, &out);
	gss_release_buffer(&min, &acc_out);
	gss_release_name(&min, &target);
	gss_release_name(&min, &src);
	gss_release_cred(&min, &acred);
	if (ictx != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&min, &ictx, GSS_C_NO_BUFFER);
	if (actx != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&min, &actx, GSS_C_NO_BUFFER);
	if (kctx != NULL) {
		if (princ != NULL)
			krb5_free_principal(kctx, princ);
		if (kt != NULL)
			krb5_kt_close(kctx, kt);
		krb5_free_context(kctx);
	}
	return rc;
}

int main(int argc, char **argv)
{
	const char *accname = NULL, *spn, *keytab = NULL;
	int hostbased = 0, i = 1, rc;
	char *cc;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--hostbased") == 0)
			hostbased = 1;
		else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			accname = argv[++i];
		else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else
			usage();
	}
	if (argc - i < 1 || argc - i > 2)
		usage();
	spn = argv[i];
	if (argc - i == 2)
		keytab = argv[i + 1];
	if (accname != NULL && keytab == NULL)
		usage();
	/* No replay cache files: each run is a fresh, single exchange. */
	setenv("KRB5RCACHETYPE", "none", 0);
	cc = private_ccache();
	if (cc == NULL)
		return 3;
	rc = run(spn, hostbased, keytab, accname);
	unlink(cc);
	return rc;
}

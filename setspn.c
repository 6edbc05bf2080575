/*
 * setspn: read and change the servicePrincipalName attribute of Active
 * Directory accounts, as Setspn.exe does, from Unix.
 *
 * The front end: parse and check every command, connect once, hand each
 * command to its verb, exit with the most severe outcome.  Where things
 * live: verbs.c (the Setspn verbs), verify.c (--verify), plan.c (who
 * conflicts), session.c (connections, scopes, deadline, accounts),
 * ldap_ops.c and conn.c (the directory), report.c and output.c (records,
 * as JSON or Setspn.exe text).
 */
#include <stdbool.h>
#include <stdio.h>
#include <signal.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ahead.h"
#include "args.h"
#include "batch.h"
#include "conn.h"
#include "creds.h"
#include "msg.h"
#include "report.h"
#include "session.h"
#include "verbs.h"
#include "writekt.h"
#include "xalloc.h"

#ifndef SETSPN_VERSION
#define SETSPN_VERSION "unknown"
#endif

static void usage(FILE *f)
{
    fputs(
"Usage: setspn [modifiers] switch [arguments]\n"
"Reads and changes the service principal names (SPNs) of Active Directory\n"
"accounts over LDAP, bound with Kerberos (SASL GSSAPI).\n"
"\n"
"Switches (one; letters are case-insensitive; /Q = -Q):\n"
"  -R ACCOUNT       reset: register HOST/NAME and HOST/dNSHostName\n"
"  -S SPN ACCOUNT   add SPN after checking no account holds it\n"
"  -A SPN ACCOUNT   add SPN (with the same check)\n"
"  -D SPN ACCOUNT   delete SPN from ACCOUNT\n"
"  -L ACCOUNT       list the SPNs of ACCOUNT (also: setspn ACCOUNT)\n"
"  -Q SPN           find the accounts holding SPN ('*' is a wildcard)\n"
"  -X               find SPNs held by more than one account\n"
"  --verify SPN [ACCOUNT]  why Kerberos to SPN fails, and the fix (reads\n"
"                   only);  --service-keytab FILE  the service's keytab\n"
"  --write-keytab FILE ACCOUNT  write ACCOUNT's keys into FILE (merged),\n"
"                   then check them as --verify does.  With it:\n"
"    --account-password-file FILE  the account's password (else a prompt)\n"
"    --spn SPN      only this SPN (repeatable; default: all of them)\n"
"    --enctypes LIST  aes256,aes128,rc4 (default: what the KDC uses)\n"
"    --kvno next|N  the kvno to write (default: the account's)\n"
"    --keep-kvnos N  older kvnos kept in FILE (default 2)\n"
"    --rotate       set a new random password after writing its keys;\n"
"                   --force  also on a computer account\n"
"Modifiers:\n"
"  -F               forest-wide, through the Global Catalog (-S -A -Q -X\n"
"                   --verify)\n"
"  -T DOMAIN        only that domain (repeatable; \"\" or * = current);\n"
"                   with -F, the forest of that domain\n"
"  -C / -U          ACCOUNT is a computer / a user\n"
"  -P               no progress output\n"
"Options:\n"
"  -H, --uri URI    the DC to use (default: URI from ldap.conf)\n"
"  --timeout SECS   give up on a DC or KDC that does not answer (default 10;\n"
"                   0: wait forever)\n"
"  --max-time SECS  end the whole run after SECS seconds (default: none)\n"
"  --page-size N    entries per page of every search (default 1000)\n"
"  --value-range N  ask for SPN values N at a time (;range=; default: whole)\n"
"  -v, --verbose    report the DC, mechanism, security and pages on stderr\n"
"  --json           one JSON document on stdout instead of Setspn.exe's text\n"
"  -n, --dry-run    check everything, write nothing, print the change as LDIF\n"
"  --idempotent     an SPN already there (-S/-A) or already gone (-D) exits 0\n"
"  --batch FILE     run one command a line from FILE (- for stdin) over one\n"
"                   connection;  --stop-on-error  stop at the first failure\n"
"Connection and credentials:\n"
"  --domain DOMAIN  find a DC of DOMAIN through DNS SRV (when neither -H nor\n"
"                   ldap.conf gives a URI; default: the Kerberos realm):\n"
"                   LDAP pings, the client's site, a writable DC to write\n"
"  --site SITE      prefer the DCs of SITE (default: the client's site,\n"
"                   as the DCs' answers name it)\n"
"  -Z, --starttls   StartTLS (ldaps:// URIs use TLS anyway); the certificate\n"
"                   is always verified;  --cacert FILE  the CA to trust\n"
"  --min-ssf N      minimum security strength (default 56)\n"
"  --keytab FILE [--principal P]   a ticket from a keytab, in a private cache\n"
"  --principal P    a ticket for P with a password (prompt, or --password-file)\n"
"  --simple --bind-dn DN   simple bind over TLS only (password as above)\n"
"  -h, -?, --help   this help;  --version  the version\n"
"\n"
"ACCOUNT is NAME, NAME$, DOMAIN\\NAME, a user principal name or a DN.\n"
"Exit status: 0 done or found, 1 negative answer (not found, duplicate,\n"
"a failed --verify check), 2 usage or invalid input, 3 authentication or\n"
"access, 4 connection or directory failure.  See setspn(1).\n",
          f);
}

/* The exit code of a command's outcome; -R is idempotent by nature. */
static int job_exit(const struct job *j, enum status st)
{
    return status_exit(st, j->q.idempotent || j->q.verb == VERB_RESET);
}

/* Runs every command; the exit status is the most severe of them.  A
 * SIGINT or SIGTERM lets the command under way finish and be reported,
 * then stops: the rest are reported as not run. */
/* Lines of a batch whose first searches are sent ahead at a time. */
#define PREFETCH 128

static int run_jobs(struct verbs *v, const struct job *jobs, size_t n,
                    bool batch)
{
    size_t done = 0, failed = 0, i, ahead = 0;
    int worst = EXIT_DONE;
    int *failed_lines = xcalloc(n + 1, sizeof(*failed_lines));

    for (i = 0; i < n; i++) {
        enum status st;
        int rc;

        if (session_stop_signal() != 0)
            break;
        /* A batch sends the first searches of the next PREFETCH lines
         * before waiting for any answer, then runs them one at a time
         * (the writes are not pipelined: a DC applies them in turn). */
        if (batch && n > 1 && i == ahead && session_alive(v->s)) {
            ahead = i + PREFETCH < n ? i + PREFETCH : n;
            verbs_prefetch(v, jobs, i, ahead);
        }
        if (batch)
            verbs_line(v, (long)i + 1);
        if (batch && v->progress)
            fprintf(stderr, "Processing line %d (%zu of %zu)\n",
                    jobs[i].line, i + 1, n);
        /* A signal waits until this command's outcome is known. */
        session_hold_signals(true);
        st = verbs_run(v, &jobs[i]);
        session_hold_signals(false);
        rc = job_exit(&jobs[i], st);
        if (rc > worst)
            worst = rc;
        if (rc == EXIT_DONE)
            done++;
        else if (batch)
            failed_lines[failed++] = jobs[i].line;
        else
            failed++;
        /* A lost DC ends the batch; --stop-on-error ends it at any
         * failure. */
        if (i + 1 < n && session_over_time(v->s)) {
            report_failure("the run took longer than --max-time %d seconds: "
                           "stopped", v->s->o->max_time);
            if (worst < EXIT_DIRECTORY)
                worst = EXIT_DIRECTORY;
            i++;
            break;
        }
        if ((st == ST_CONNECT && !session_alive(v->s))
            || (rc != EXIT_DONE && v->s->o->stop_on_error)) {
            i++;
            break;
        }
    }
    if (batch && v->s->conn != NULL) {
        size_t lines, used, sent = ahead_counts(v->s->conn, &lines, &used);

        verbs_line(v, LONG_MAX); /* what was not used */
        size_t again = ahead_resent(v->s->conn);

        if (v->s->o->verbose && again > 0)
            warn("batch: %zu search(es) sent ahead for %zu line search(es), "
                 "%zu answered from them; %zu duplicate check(s) older than "
                 "%d ms asked again", sent, lines, used, again,
                 AHEAD_FRESH_MS);
        else if (v->s->o->verbose)
            warn("batch: %zu search(es) sent ahead for %zu line search(es), "
                 "%zu answered from them", sent, lines, used);
    }
    if (session_stop_signal() != 0)
        report_failure("stopped by SIG%s%s", sigabbrev_np(session_stop_signal()),
                       i < n ? ": the commands after it were not run" : "");
    if (batch) {
        int *not_run = xcalloc(n - i + 1, sizeof(*not_run));

        for (size_t k = i; k < n; k++)
            not_run[k - i] = jobs[k].line;
        report(&(struct event){ .kind = EV_BATCH, .count = n, .done = done,
                                .failed = failed, .lines = not_run,
                                .nlines = n - i,
                                .failed_lines = failed_lines });
        free(not_run);
    }
    free(failed_lines);
    return worst;
}

static int finish(int rc)
{
    if (!report_finish(rc) || fflush(stdout) != 0 || ferror(stdout)) {
        warn("cannot write to standard output");
        if (rc == EXIT_DONE)
            rc = EXIT_DIRECTORY;
    }
    return rc;
}

/* A usage error: a script that asked for JSON still gets a document. */
static int usage_error(int argc, char *argv[], char *err)
{
    bool json = false;

    for (int i = 1; i < argc; i++)
        json = json || strcmp(argv[i], "--json") == 0;
    report_init(json, false);
    report_failure("%s (try 'setspn -h')", err);
    free(err);
    return finish(EXIT_USAGE);
}

/* The commands: the batch file's, or the command line's one. */
static enum status read_jobs(const struct options *o, struct job **jobs,
                             size_t *njobs)
{
    char *err;

    if (o->batch != NULL)
        return batch_read(o->batch, o->req.idempotent, jobs, njobs);
    *jobs = xcalloc(1, sizeof(**jobs));
    (*jobs)[0].q = o->req;
    *njobs = 1;
    err = batch_check_job(&(*jobs)[0]);
    if (err == NULL)
        return ST_OK;
    report_begin(args_verb_name(o->req.verb), o->req.spn, o->req.account, 0);
    report_failure("%s", err);
    report_outcome(ST_INVALID);
    free(err);
    return ST_INVALID;
}

/* Whether a command writes: the DC must then be a writable one. */
static bool jobs_write(const struct job *jobs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        switch (jobs[i].q.verb) {
        case VERB_ADD_CHECK:
        case VERB_ADD:
        case VERB_DELETE:
        case VERB_RESET:
            return true;
        default:
            break;
        }
    return false;
}

int main(int argc, char *argv[])
{
    struct options o;
    struct session s = { 0 };
    struct verbs v = { .s = &s };
    struct job *jobs = NULL;
    size_t njobs = 0;
    char *password = NULL, *err = args_parse(argc, argv, &o);
    enum status st;
    int rc;

    if (err != NULL)
        return usage_error(argc, argv, err);
    if (o.help || o.empty) {
        usage(o.empty ? stderr : stdout);
        return o.empty ? EXIT_USAGE : EXIT_DONE;
    }
    if (o.version) {
        char *libs = conn_library_versions();

        printf("setspn %s\n%s\n", SETSPN_VERSION, libs);
        free(libs);
        return EXIT_DONE;
    }
    report_init(o.json, o.dry_run);
    session_signals_init();
    /* Line by line, so a deadline's _exit() loses nothing already said. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    v.progress = !o.req.no_progress && isatty(STDERR_FILENO);

    /* Opening and reading the input (a FIFO, a pipe) may wait for ever. */
    session_stop_at_once(true);
    st = read_jobs(&o, &jobs, &njobs);
    session_stop_at_once(false);
    if (o.simple || o.principal != NULL || o.keytab != NULL)
        creds_no_core(); /* a password or key will be in memory */
    if (st == ST_OK && o.keytab != NULL) {
        st = creds_check_secret_file(o.keytab, "keytab", &err);
        if (st != ST_OK) {
            report_failure("%s", err);
            free(err);
        }
    }
    /* a keytab that cannot be written fails before any password is asked */
    if (st == ST_OK && o.req.verb == VERB_KEYTAB)
        st = writekt_precheck(&o);
    if (st == ST_OK && (o.simple || (o.principal != NULL && o.keytab == NULL))) {
        st = creds_read_password(o.password_file,
                                 o.simple ? o.bind_dn : o.principal,
                                 &password, &err);
        if (st != ST_OK) {
            report_failure("%s", err);
            free(err);
        }
    }
    if (st != ST_OK) {
        rc = status_exit(st, false);
        goto done;
    }
    st = session_open(&s, &o, password, jobs_write(jobs, njobs));
    if (st != ST_OK) {
        rc = status_exit(st, false);
        goto done;
    }
    rc = run_jobs(&v, jobs, njobs, o.batch != NULL);
    if (o.dry_run)
        report_note("dry run: nothing was written");
done:
    if (session_stop_signal() != 0) {
        if (st != ST_OK)
            report_failure("stopped by SIG%s",
                           sigabbrev_np(session_stop_signal()));
        rc = EXIT_SIGNAL_BASE + session_stop_signal();
    }
    /* The report first: tearing the connections down may block or fail. */
    rc = finish(rc);
    verbs_free(&v);
    batch_jobs_free(jobs, njobs);
    session_close(&s);
    return rc;
}

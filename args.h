/*
 * The command line: Setspn.exe's switches (case-insensitive letters) and
 * the Unix options (case-sensitive), parsed into one request.  Pure, so
 * every rule is unit-tested.
 */
#ifndef SETSPN_ARGS_H
#define SETSPN_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "account.h"
#include "ktopts.h"

enum verb {
    VERB_NONE,
    VERB_LIST,       /* -L */
    VERB_ADD_CHECK,  /* -S */
    VERB_ADD,        /* -A */
    VERB_DELETE,     /* -D */
    VERB_QUERY,      /* -Q */
    VERB_RESET,      /* -R */
    VERB_SCAN,       /* -X */
    VERB_VERIFY,     /* --verify */
    VERB_KEYTAB      /* --write-keytab FILE */
};

#define MAX_DOMAINS 16

struct request {
    enum verb verb;
    const char *spn;     /* points into argv */
    const char *account; /* points into argv */
    enum account_kind kind;
    bool forest;         /* -F */
    const char *domains[MAX_DOMAINS]; /* -T, in order given */
    size_t ndomains;
    bool no_progress;    /* -P */
    bool idempotent;     /* --idempotent */
    const char *service_keytab; /* --service-keytab FILE (--verify) */
};

struct options {
    struct request req;
    const char *uri;   /* -H, --uri */
    int timeout;       /* --timeout, seconds; 0: none */
    int max_time;      /* --max-time: the whole run, seconds; 0: none */
    int page_size;     /* --page-size */
    int value_range;   /* --value-range: SPN values asked for at a time;
                        * 0: as the server sends them */
    bool verbose;      /* -v */
    bool help;         /* -h, -?, /?, --help */
    bool version;      /* --version */
    bool empty;        /* no arguments at all */
    bool json;         /* --json */
    bool dry_run;      /* -n, --dry-run */
    const char *batch; /* --batch FILE ("-": stdin) */
    bool stop_on_error; /* --stop-on-error */
    const char *domain;   /* --domain: find its DCs through DNS SRV */
    const char *site;     /* --site: prefer that site's DCs */
    bool starttls;        /* -Z, --starttls */
    const char *cacert;   /* --cacert FILE */
    int min_ssf;          /* --min-ssf N */
    bool simple;          /* --simple */
    const char *bind_dn;  /* --bind-dn DN */
    const char *keytab;   /* --keytab FILE */
    const char *principal; /* --principal P */
    const char *password_file; /* --password-file FILE */
    struct keytab_opts kt; /* --write-keytab and its options (ktopts.h) */
};

#define DEFAULT_TIMEOUT 10
#define DEFAULT_MAX_TIME 3600
#define DEFAULT_PAGE_SIZE 1000
#define DEFAULT_MIN_SSF 56

/* Parses argv[1..argc).  Returns NULL on success, else a malloc'd one-line
 * message naming the bad argument (caller frees).  Strings in o point into
 * argv. */
char *args_parse(int argc, char *const argv[], struct options *o);

/* Parses the words of one --batch line into q: verbs, their modifiers and
 * --idempotent only (connection and output options come from the command
 * line).  Returns NULL or a malloc'd message. */
char *args_parse_line(int argc, char *const argv[], struct request *q);

/* The switch of a verb, for messages ("-S", "--verify"). */
const char *args_verb_switch(enum verb v);
/* Its name in the JSON document ("add"). */
const char *args_verb_name(enum verb v);

/* Every long option ("--name") and whether it takes a value; ends with
 * a NULL name. */
struct args_long_option {
    const char *name;
    bool value;
};
extern const struct args_long_option args_long_options[];

#endif

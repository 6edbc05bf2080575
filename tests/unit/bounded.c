/*
 * bounded: a call run in a child process, its answer read back within a
 * time, and the fields the answer is made of.
 */
#include "unit.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bounded.h"
#include "stop.h"

static double now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void answers(void *arg, struct bounded_out *out)
{
    bounded_put_int(out, 42);
    bounded_put_str(out, arg);
    bounded_put_str(out, NULL);
    bounded_put(out, "a\0b", 3);
}

static void sleeps(void *arg, struct bounded_out *out)
{
    (void)arg;
    bounded_put_int(out, 1); /* half an answer, then silence */
    sleep(30);
}

static void dies(void *arg, struct bounded_out *out)
{
    (void)arg;
    bounded_put_int(out, 1);
    _exit(3); /* half an answer and a failing exit */
}

static void bounded_fields(void **state)
{
    char *answer = NULL, *s = NULL, *t = (char *)"x";
    const char *cur, *end, *p;
    size_t len = 0, n = 0;
    int v = 0;

    (void)state;
    assert_int_equal(bounded_run(5, answers, (void *)"h\xc3\xa9llo", &answer,
                                 &len),
                     BOUNDED_OK);
    cur = answer;
    end = answer + len;
    assert_true(bounded_get_int(&cur, end, &v));
    assert_int_equal(v, 42);
    assert_true(bounded_get_str(&cur, end, &s));
    assert_string_equal(s, "h\xc3\xa9llo");
    assert_true(bounded_get_str(&cur, end, &t));
    assert_null(t);
    /* a string field holding a NUL is refused; the raw field is whole */
    p = cur;
    assert_false(bounded_get_str(&p, end, &t));
    assert_true(bounded_get(&cur, end, &p, &n));
    assert_int_equal(n, 3);
    assert_memory_equal(p, "a\0b", 3);
    assert_ptr_equal(cur, end);
    assert_false(bounded_get(&cur, end, &p, &n));
    /* a field cut short is no field */
    cur = answer;
    assert_false(bounded_get_int(&cur, answer + 6, &v));
    free(s);
    free(answer);
}

static void bounded_gives_up(void **state)
{
    char *answer = (char *)"x";
    size_t len = 7;
    double t0 = now();

    (void)state;
    assert_int_equal(bounded_run(1, sleeps, NULL, &answer, &len),
                     BOUNDED_TIMEOUT);
    assert_null(answer);
    assert_int_equal(len, 0);
    assert_true(now() - t0 < 5); /* not the child's 30 s */
    assert_int_equal(bounded_run(5, dies, NULL, &answer, &len),
                     BOUNDED_FAILED);
    assert_null(answer);
}

static void floods(void *arg, struct bounded_out *out)
{
    static char chunk[65536];

    (void)arg;
    while (!out->failed)
        bounded_put(out, chunk, sizeof(chunk));
}

struct flood_call {
    enum bounded_result r;
    char *answer;
    size_t len;
};

static void run_flood(void *ctx)
{
    struct flood_call *f = ctx;

    f->r = bounded_run(30, floods, NULL, &f->answer, &f->len);
}

/* A child that sends without end is cut at BOUNDED_MAX_ANSWER, and says
 * so. */
static void bounded_caps_answer(void **state)
{
    struct flood_call f = { BOUNDED_OK, (char *)"x", 7 };
    double t0 = now();
    char *err;

    (void)state;
    err = unit_capture(STDERR_FILENO, run_flood, &f);
    assert_int_equal(f.r, BOUNDED_FAILED);
    assert_null(f.answer);
    assert_true(now() - t0 < 10);
    assert_non_null(strstr(err, "passed 1 MiB"));
    free(err);
}

/* In a child of the test (the stop is for good): a SIGTERM, held back
 * (pending) or sent while waiting, ends the wait; 0 if it did, in time. */
static int stopped_wait(bool held)
{
    pid_t pid = fork();
    int status = 0;

    if (pid == 0) {
        char *answer = NULL;
        size_t len = 0;
        double t0;

        stop_init();
        if (held) {
            stop_hold(true);
            raise(SIGTERM);
        } else if (fork() == 0) {
            nanosleep(&(struct timespec){ 0, 300000000 }, NULL);
            kill(getppid(), SIGTERM);
            _exit(0);
        }
        t0 = now();
        _exit(bounded_run(30, sleeps, NULL, &answer, &len) == BOUNDED_FAILED
                      && answer == NULL && stop_signal() == SIGTERM
                      && now() - t0 < 5
                  ? 0
                  : 1);
    }
    while (waitpid(pid, &status, 0) < 0)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
}

static void bounded_stops(void **state)
{
    (void)state;
    assert_int_equal(stopped_wait(true), 0);
    assert_int_equal(stopped_wait(false), 0);
}

int unit_bounded(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(bounded_fields),
        cmocka_unit_test(bounded_gives_up),
        cmocka_unit_test(bounded_caps_answer),
        cmocka_unit_test(bounded_stops),
    };

    return cmocka_run_group_tests_name("bounded", tests, NULL, NULL);
}

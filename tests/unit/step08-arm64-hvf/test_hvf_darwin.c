/*
 * test_hvf_darwin.c - unit tests of the two things the macOS build of the
 * arm64 VMM adds because macOS lacks them (backends/hvf_darwin/): the
 * POSIX barrier its vCPU threads meet at, and the parent-death signal
 * each VM's process sets.  Both are plain POSIX, so they are tested here
 * on Linux, with real threads and real processes; the macOS build that
 * uses them has not been compiled (no Mac).
 *
 * Runs: on the Linux host (Check).
 * Spec: POSIX.1-2017 "pthread_barrier_wait"; Linux prctl(2)
 * "PR_SET_PDEATHSIG", "PR_SET_CHILD_SUBREAPER"; getppid(2), waitpid(2).
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run_suite.h"

#include "backends/hvf_darwin/hvf_darwin.c"

#define THREADS 3
#define ROUNDS	50

static struct hvf_barrier barrier;
static int serial[ROUNDS]; /* how many threads were the serial one */
static int reached[ROUNDS];
static int early; /* a thread that left a round before all came */

static void *meet(void *arg)
{
	(void)arg;
	for (int r = 0; r < ROUNDS; r++) {
		__atomic_fetch_add(&reached[r], 1, __ATOMIC_SEQ_CST);
		if (hvf_barrier_wait(&barrier) == HVF_BARRIER_SERIAL_THREAD)
			__atomic_fetch_add(&serial[r], 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&reached[r], __ATOMIC_SEQ_CST) != THREADS)
			__atomic_fetch_add(&early, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

START_TEST(the_barrier_holds_every_thread_until_all_came_round_after_round)
{
	pthread_t t[THREADS];

	ck_assert_int_eq(hvf_barrier_init(&barrier, NULL, THREADS), 0);
	for (int i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, meet, NULL), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	ck_assert_int_eq(early, 0);
	for (int r = 0; r < ROUNDS; r++) {
		ck_assert_int_eq(reached[r], THREADS);
		ck_assert_int_eq(serial[r], 1); /* exactly one per round */
	}
	ck_assert_uint_eq(barrier.generation, ROUNDS);
	ck_assert_int_eq(hvf_barrier_destroy(&barrier), 0);
}
END_TEST

START_TEST(a_barrier_of_one_is_passed_at_once_and_of_none_refused)
{
	struct hvf_barrier b;

	ck_assert_int_eq(hvf_barrier_init(&b, NULL, 0), EINVAL);
	ck_assert_int_eq(hvf_barrier_init(&b, NULL, 1), 0);
	ck_assert_int_eq(hvf_barrier_wait(&b), HVF_BARRIER_SERIAL_THREAD);
	ck_assert_int_eq(hvf_barrier_wait(&b), HVF_BARRIER_SERIAL_THREAD);
	hvf_barrier_destroy(&b);
}
END_TEST

/*
 * A VM's process (the grandchild) asks for SIGKILL when its parent goes,
 * and says so; the parent (the child) then exits.  This test process is
 * a subreaper, so the orphan becomes its child: it must die of SIGKILL,
 * by itself.
 */
static _Noreturn void vm_parent(int to_test)
{
	int ready[2];
	pid_t vm;
	char ok;

	if (pipe(ready) < 0)
		_exit(2);
	vm = fork();
	if (vm == 0) {
		if (hvf_pdeathsig(SIGKILL) || write(ready[1], "y", 1) != 1)
			_exit(3);
		for (;;)
			pause(); /* only the signal ends it */
	}
	if (vm < 0 || read(ready[0], &ok, 1) != 1 ||
	    write(to_test, &vm, sizeof(vm)) != sizeof(vm))
		_exit(4);
	_exit(0);
}

START_TEST(the_vm_process_dies_of_its_signal_when_its_parent_exits)
{
	int pipefd[2], status = 0;
	pid_t child, vm = 0;

	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	ck_assert_int_eq(pipe(pipefd), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0)
		vm_parent(pipefd[1]);
	close(pipefd[1]);
	ck_assert_int_eq(read(pipefd[0], &vm, sizeof(vm)), sizeof(vm));
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(waitpid(vm, &status, 0), vm);
	ck_assert(WIFSIGNALED(status));
	ck_assert_int_eq(WTERMSIG(status), SIGKILL);
}
END_TEST

START_TEST(a_signal_that_does_not_exist_is_refused)
{
	ck_assert_int_eq(hvf_pdeathsig(0), EINVAL);
	ck_assert_int_eq(hvf_pdeathsig(NSIG), EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hvf_darwin");
	TCase *tc = tcase_create("core");

	tcase_add_test(
		tc,
		the_barrier_holds_every_thread_until_all_came_round_after_round);
	tcase_add_test(tc,
		       a_barrier_of_one_is_passed_at_once_and_of_none_refused);
	tcase_add_test(tc,
		       the_vm_process_dies_of_its_signal_when_its_parent_exits);
	tcase_add_test(tc, a_signal_that_does_not_exist_is_refused);
	suite_add_tcase(s, tc);
	return run_suite(s);
}

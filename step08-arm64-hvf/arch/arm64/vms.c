/*
 * vms.c (arm64) - several flat VMs at once, each in a process of its own,
 * as step06 runs them on x86 (vms.c there; this one takes a function to
 * run a VM instead of x86's struct vm).  The parent forks one child per
 * VM, relays each child's console line by line with a "[VM k] " prefix,
 * collects each child's report through a pipe of its own, and writes
 * them, each key prefixed "vmK.", with the totals, into --report.
 * (Hypervisor.framework allows one VM per process: this is also the only
 * way to run two there.)
 *
 * Runs: userspace (the arm64 VMM): the parent and one child per VM.
 * Spec: fork(2), pipe(2), poll(2), waitpid(2), prctl(2) (PR_SET_PDEATHSIG).
 */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arch/arm64/vms.h"
#include "console.h"

#define VMS_MAX	       8
#define LINE_MAX_RELAY 1024
#define REPORT_MAX     4096

struct child {
	pid_t pid;
	int out, report; /* its console; its report */
	size_t len;
	char line[LINE_MAX_RELAY];
	char text[REPORT_MAX];
	size_t text_len;
};

/* Should the parent have died before prctl() took effect, the child has a
 * new parent already: it stops, as on x86 (vms.c). */
static _Noreturn void child_main(unsigned int index, arm64_vm_run_fn run,
				 pid_t parent, int out[2], int report[2])
{
	FILE *f;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		die_perror("prctl PR_SET_PDEATHSIG");
	if (getppid() != parent)
		exit(EXIT_GUEST_FAILED);
	close(out[0]);
	close(report[0]);
	if (dup2(out[1], STDOUT_FILENO) < 0 || dup2(out[1], STDERR_FILENO) < 0)
		die_perror("dup2");
	close(out[1]);
	f = fdopen(report[1], "w");
	if (!f)
		die_perror("fdopen report pipe");
	exit(run(index, f));
}

/* Relay what child k wrote, whole lines at a time, "[VM k] " first. */
static bool relay(struct child *c, unsigned int k)
{
	ssize_t n = read(c->out, c->line + c->len, sizeof(c->line) - c->len);
	size_t start = 0;

	if (n <= 0)
		return false;
	c->len += (size_t)n;
	for (size_t i = 0; i < c->len; i++)
		if (c->line[i] == '\n' || i - start + 1 == sizeof(c->line)) {
			printf("[VM %u] %.*s\n", k, (int)(i - start),
			       c->line + start);
			start = i + 1;
		}
	memmove(c->line, c->line + start, c->len - start);
	c->len -= start;
	fflush(stdout);
	return true;
}

/* The child's report, every line "vmK.key=value"; its hypercall counts. */
static void collect(struct child *c, unsigned int k, FILE *report,
		    unsigned long long *calls, unsigned long long *rejected)
{
	ssize_t n;
	char *line, *save = NULL;

	while (c->text_len < sizeof(c->text) - 1 &&
	       (n = read(c->report, c->text + c->text_len,
			 sizeof(c->text) - 1 - c->text_len)) > 0)
		c->text_len += (size_t)n;
	c->text[c->text_len] = '\0';
	close(c->report);
	for (line = strtok_r(c->text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (report)
			fprintf(report, "vm%u.%s\n", k, line);
		if (!strncmp(line, "hypercalls=", 11))
			*calls += strtoull(line + 11, NULL, 10);
		if (!strncmp(line, "rejected=", 9))
			*rejected += strtoull(line + 9, NULL, 10);
	}
}

static void spawn(struct child *c, unsigned int index, arm64_vm_run_fn run)
{
	int out[2], report[2];
	pid_t parent;

	if (pipe(out) < 0 || pipe(report) < 0)
		die_perror("pipe");
	fflush(stdout);
	parent = getpid();
	c->pid = fork();
	if (c->pid < 0)
		die_perror("fork");
	if (c->pid == 0)
		child_main(index, run, parent, out, report);
	close(out[1]);
	close(report[1]);
	c->out = out[0];
	c->report = report[0];
}

/* book:begin arm64_vms */
int arm64_vms_run(unsigned int n, arm64_vm_run_fn run, FILE *report)
{
	static struct child kids[VMS_MAX];
	struct pollfd fds[VMS_MAX];
	unsigned long long calls = 0, rejected = 0;
	unsigned int open = n;
	int status = 0, st;

	if (n > VMS_MAX)
		bad_input("--vms: at most %u", VMS_MAX);
	for (unsigned int i = 0; i < n; i++)
		spawn(&kids[i], i + 1, run);
	while (open) {
		for (unsigned int i = 0; i < n; i++)
			fds[i] = (struct pollfd){ .fd = kids[i].out,
						  .events = POLLIN };
		if (poll(fds, n, -1) < 0)
			die_perror("poll");
		for (unsigned int i = 0; i < n; i++)
			if (fds[i].revents && kids[i].out >= 0 &&
			    !relay(&kids[i], i + 1)) {
				close(kids[i].out);
				kids[i].out = -1;
				open--;
			}
	}
	for (unsigned int i = 0; i < n; i++) {
		collect(&kids[i], i + 1, report, &calls, &rejected);
		if (waitpid(kids[i].pid, &st, 0) < 0)
			die_perror("waitpid");
		st = WIFEXITED(st) ? WEXITSTATUS(st) : EXIT_GUEST_FAILED;
		vmm_say("VM %u exited with status %d", i + 1, st);
		if (!status)
			status = st;
	}
	vmm_say("all VMs: hypercalls: %llu, rejected: %llu", calls, rejected);
	if (report)
		fprintf(report,
			"vms=%u\nstatus=%d\nhypercalls=%llu\nrejected=%llu\n",
			n, status, calls, rejected);
	return status;
}
/* book:end arm64_vms */

/*
 * vms.c - several VMs at once, each in a process of its own.  The parent
 * forks one child per VM, relays each child's console line by line with a
 * "[VM k]" prefix, collects each child's report through a pipe of its own,
 * and reports how each ended and what they did together.
 *
 * Runs: userspace (the VMM): the parent and one child per VM.
 * Spec: fork(2), pipe(2), poll(2), waitpid(2), prctl(2) (PR_SET_PDEATHSIG).
 * A process per VM is what real VMMs do too (QEMU, Firecracker): one VM
 * crashing its VMM cannot take the others down, and each VM's memory
 * belongs to its own process.
 *
 * What reaches the parent's stdout can be trusted line by line: a line
 * that starts "vmm: " is the parent's own; every line of a child's starts
 * "[VM k] ", and after that either "vmm: " (the child's VMM) or "guest: "
 * (console.c writes that before every line of the guest's and keeps them
 * short, so the relay never has to cut one).  The numbers a program needs
 * travel apart from all console text: each child writes its report (see
 * report.c) into a pipe only it holds, and the parent writes them, with
 * the totals, into the --report file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "console.h"
#include "vms.h"

#define LINE_MAX_RELAY 1024 /* the longest line the parent relays */
#define REPORT_MAX     4096 /* the most a child's report may hold */

/* book:begin vms */
/* A VM's process as the parent sees it. */
struct child {
	pid_t pid;
	unsigned int index; /* VM k: 1..vm_count */
	int fd;		    /* its stdout and stderr, relayed */
	int report_fd;	    /* its report (report.c), collected at the end */
	size_t len;	    /* bytes in line[] */
	bool cut;	    /* line[] overflowed: drop up to the newline */
	char line[LINE_MAX_RELAY];
};

/*
 * The child's side: die with the parent; stdout and stderr into one pipe,
 * the report into another; run the VM; exit with its status.  A VM must
 * not outlive the vmm that runs it: killed (SIGTERM, SIGHUP, SIGKILL), the
 * parent takes its VMs along, through the death signal the kernel sends
 * each child when its parent exits.  Should the parent have died before
 * prctl() took effect, the child has a new parent already: it stops.
 */
static _Noreturn void vm_child(struct vm *vm, unsigned int index, pid_t parent,
			       int out[2], int report[2])
{
	FILE *report_file;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		die_perror("prctl PR_SET_PDEATHSIG");
	if (getppid() != parent)
		exit(EXIT_GUEST_FAILED);
	close(out[0]);
	close(report[0]);
	if (dup2(out[1], STDOUT_FILENO) < 0 || dup2(out[1], STDERR_FILENO) < 0)
		die_perror("dup2");
	close(out[1]); /* console.c flushes each write: the relay is live */
	report_file = fdopen(report[1], "w");
	if (!report_file)
		die_perror("fdopen report pipe");
	vm->index = index;
	exit(vm_run(vm, report_file)); /* the guest memory: a private copy */
}

/* Fork a process for VM number index. */
static void vm_spawn(struct vm *vm, struct child *c, unsigned int index)
{
	int out[2], report[2];
	pid_t parent = getpid(), pid;

	if (pipe(out) < 0 || pipe(report) < 0)
		die_perror("pipe");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die_perror("fork");
	if (pid == 0)
		vm_child(vm, index, parent, out, report);
	close(out[1]);
	close(report[1]);
	*c = (struct child){
		.pid = pid, .index = index, .fd = out[0], .report_fd = report[0]
	};
}

/* Print c's line, prefixed with its VM, in one write. */
static void relay_line(struct child *c)
{
	bool newline = c->len && c->line[c->len - 1] == '\n';

	printf("[VM %u] %.*s%s", c->index, (int)c->len, c->line,
	       newline ? "" : "\n");
	fflush(stdout);
	c->len = 0;
}

/*
 * Take one byte of c's output.  A line that does not fit is relayed as
 * far as it goes and the rest of it dropped: what follows the cut must not
 * start a line of its own, where it could pass for a line of the VMM's.
 */
static void relay_byte(struct child *c, char byte)
{
	if (c->cut) {
		c->cut = byte != '\n';
		return;
	}
	c->line[c->len++] = byte;
	if (byte == '\n') {
		relay_line(c);
	} else if (c->len == sizeof(c->line)) {
		relay_line(c);
		c->cut = true;
	}
}

/* Read what c wrote; relay whole lines.  Returns false at end of file. */
static bool relay(struct child *c)
{
	char buf[LINE_MAX_RELAY];
	ssize_t n = read(c->fd, buf, sizeof(buf));

	if (n < 0 && errno == EINTR)
		return true;
	if (n <= 0) {
		if (c->len)
			relay_line(c);
		return false;
	}
	for (ssize_t i = 0; i < n; i++)
		relay_byte(c, buf[i]);
	return true;
}
/* book:end vms */

/* book:begin vms_report */
/* What the VMs did together: the totals of their reports. */
struct totals {
	uint64_t hypercalls, rejected;
};

/*
 * Collect c's report, once c has ended (wait status st): copy it into the
 * --report file with each key prefixed "vmK.", and add its counts to the
 * totals.  A child that wrote none was killed by a signal, or its VMM
 * failed (die()) before the guest stopped: the parent says which.
 */
static void collect_report(const struct vm *vm, struct child *c, int st,
			   struct totals *t)
{
	FILE *f = vm->opts->report;
	char text[REPORT_MAX + 1], *line, *next;
	unsigned long long n;
	ssize_t len = 0, got;

	while ((got = read(c->report_fd, text + len, REPORT_MAX - len)) > 0)
		len += got;
	close(c->report_fd);
	text[len] = '\0';
	if (len == 0 && f && WIFSIGNALED(st))
		fprintf(f, "vm%u.end=killed\nvm%u.signal=%d\n", c->index,
			c->index, WTERMSIG(st));
	else if (len == 0 && f)
		fprintf(f, "vm%u.end=vmm-failed\nvm%u.status=%d\n", c->index,
			c->index, WEXITSTATUS(st));
	for (line = text; *line; line = next) {
		next = strchrnul(line, '\n');
		if (*next)
			*next++ = '\0';
		if (f)
			fprintf(f, "vm%u.%s\n", c->index, line);
		if (sscanf(line, "hypercalls=%llu", &n) == 1)
			t->hypercalls += n;
		if (sscanf(line, "rejected=%llu", &n) == 1)
			t->rejected += n;
	}
}

/* Wait for c's process and say how it ended; returns its exit status. */
static int vm_reap(const struct vm *vm, struct child *c, struct totals *t)
{
	int st;

	if (waitpid(c->pid, &st, 0) < 0)
		die_perror("waitpid");
	collect_report(vm, c, st, t);
	if (WIFEXITED(st)) {
		vmm_say("VM %u exited with status %d", c->index,
			WEXITSTATUS(st));
		return WEXITSTATUS(st);
	}
	vmm_say("VM %u was killed by signal %d (%s)", c->index, WTERMSIG(st),
		strsignal(WTERMSIG(st)));
	return EXIT_GUEST_FAILED;
}

/* The parent's own summary, on the console and in the report file. */
static void report_totals(const struct vm *vm, int status,
			  const struct totals *t)
{
	FILE *f = vm->opts->report;

	vmm_say("all VMs: hypercalls: %llu, rejected: %llu",
		(unsigned long long)t->hypercalls,
		(unsigned long long)t->rejected);
	if (!f)
		return;
	fprintf(f, "vms=%u\nstatus=%d\nhypercalls=%llu\nrejected=%llu\n",
		vm->opts->vm_count, status, (unsigned long long)t->hypercalls,
		(unsigned long long)t->rejected);
	if (fflush(f) != 0)
		die("--report: %s", strerror(errno));
}
/* book:end vms_report */

/* book:begin vms_run */
/* Run vm_count VMs in parallel; relay their output until all are done. */
int vms_run(struct vm *vm)
{
	struct child kids[VMS_MAX];
	struct pollfd pfd[VMS_MAX];
	unsigned int n = vm->opts->vm_count, open = n;
	struct totals totals = { 0 };
	int status = EXIT_SUCCESS;

	for (unsigned int i = 0; i < n; i++)
		vm_spawn(vm, &kids[i], i + 1);
	while (open) {
		for (unsigned int i = 0; i < n; i++)
			pfd[i] = (struct pollfd){ .fd = kids[i].fd,
						  .events = POLLIN };
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			die_perror("poll");
		}
		for (unsigned int i = 0; i < n; i++) {
			if (pfd[i].revents && !relay(&kids[i])) {
				close(kids[i].fd);
				kids[i].fd = -1; /* poll() skips it */
				open--;
			}
		}
	}
	for (unsigned int i = 0; i < n; i++) {
		int st = vm_reap(vm, &kids[i], &totals);

		if (status == EXIT_SUCCESS)
			status = st;
	}
	report_totals(vm, status, &totals);
	return status;
}
/* book:end vms_run */

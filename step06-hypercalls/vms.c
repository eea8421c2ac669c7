/*
 * vms.c - several VMs at once, each in a process of its own: the parent
 * forks one child per VM, relays each child's output line by line with a
 * "[VM k]" prefix, and reports how each ended.
 *
 * Runs: userspace (the VMM): the parent and one child per VM.
 * Spec: fork(2), pipe(2), poll(2), waitpid(2).  A process per VM is what
 * real VMMs do too (QEMU, Firecracker): one VM crashing its VMM cannot
 * take the others down, and each VM's memory belongs to its own process.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "console.h"
#include "vms.h"

#define LINE_MAX_RELAY 1024 /* the parent relays output in lines */

/* book:begin vms */
/* A VM's process as the parent sees it: its pid and its output pipe. */
struct child {
	pid_t pid;
	int fd;
	unsigned int index;
	size_t len;
	char line[LINE_MAX_RELAY];
};

/* Fork a process for VM number index; its stdout and stderr are a pipe. */
static void vm_spawn(struct vm *vm, struct child *c, unsigned int index)
{
	int fds[2];

	if (pipe(fds) < 0)
		die_perror("pipe");
	fflush(stdout);
	c->pid = fork();
	if (c->pid < 0)
		die_perror("fork");
	if (c->pid == 0) {
		close(fds[0]);
		if (dup2(fds[1], STDOUT_FILENO) < 0 ||
		    dup2(fds[1], STDERR_FILENO) < 0)
			die_perror("dup2");
		close(fds[1]);
		setvbuf(stdout, NULL, _IOLBF, 0); /* a line at a time, live */
		vm->index = index;
		exit(vm_run(vm)); /* the guest memory is ours: a private copy */
	}
	close(fds[1]);
	c->fd = fds[0];
	c->index = index;
	c->len = 0;
}

/* Print c's complete line, prefixed with its VM, in one write. */
static void relay_line(struct child *c)
{
	bool newline = c->len && c->line[c->len - 1] == '\n';

	printf("[VM %u] %.*s%s", c->index, (int)c->len, c->line,
	       newline ? "" : "\n");
	fflush(stdout);
	c->len = 0;
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
	for (ssize_t i = 0; i < n; i++) {
		c->line[c->len++] = buf[i];
		if (buf[i] == '\n' || c->len == sizeof(c->line))
			relay_line(c);
	}
	return true;
}

/* Wait for c's process and say how it ended; returns its exit status. */
static int vm_reap(struct child *c)
{
	int st;

	if (waitpid(c->pid, &st, 0) < 0)
		die_perror("waitpid");
	if (WIFEXITED(st)) {
		vmm_say("VM %u exited with status %d", c->index,
			WEXITSTATUS(st));
		return WEXITSTATUS(st);
	}
	vmm_say("VM %u was killed by signal %d (%s)", c->index, WTERMSIG(st),
		strsignal(WTERMSIG(st)));
	return EXIT_GUEST_FAILED;
}

/* Run vm_count VMs in parallel; relay their output until all are done. */
int vms_run(struct vm *vm)
{
	struct child kids[VMS_MAX];
	struct pollfd pfd[VMS_MAX];
	unsigned int n = vm->opts->vm_count, open = n;
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
		int st = vm_reap(&kids[i]);

		if (status == EXIT_SUCCESS)
			status = st;
	}
	return status;
}
/* book:end vms */

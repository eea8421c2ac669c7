/*
 * stopwatch.c - start a VMM, time what its guest prints from outside it,
 * and weigh the VMM process while the guest runs.
 *
 * Runs: userspace, in the lab VM (or on a host with accelerated KVM), as
 * the parent of the VMM under test; linked statically (the lab VM is a
 * busybox initramfs without a C library).  The same program, with the
 * same definitions, measures our VMM and QEMU: make bench's table is
 * only fair because nothing here knows which one it runs.
 * Spec: proc(5) ("/proc/pid/smaps", "/proc/pid/smaps_rollup"); KVM's
 * per-VM statistics, which debugfs shows as one file per counter in
 * /sys/kernel/debug/kvm/PID-FD/ (the counters of KVM_GET_STATS_FD,
 * Documentation/virt/kvm/api.rst, "KVM_GET_STATS_FD").
 *
 *   stopwatch --name NAME --ram BYTES --log FILE [--timeout SECS]
 *             -- VMM [ARG]...
 *
 * The VMM's stdout (the guest's serial console) comes back through a
 * pipe, its stderr goes to FILE with it, its stdin is a pipe of ours.
 * Times are CLOCK_MONOTONIC, from just before fork() to the moment seen:
 *   vm                       KVM's debugfs shows the VM (KVM_CREATE_VM)
 *   first_exit               ... and its first exit: a vCPU has run
 *   first_byte               the guest's first console output
 *   "@@bench:init@@"         the guest's /init runs (its first command)
 *   "@@bench:sample@@"       weigh the VMM now (smaps, KVM statistics),
 *                            then a newline on its stdin lets the guest
 *                            go on
 *   "@@bench:done@@"         the guest is done
 *   "@@bench:NAME@@"         any other: kept as at_NAME_us
 *   "@@bench:KEY=VALUE@@"    a value the guest measured, passed on; for
 *                            a KEY clock_*, at_KEY_us too (its arrival)
 * A console marker is timed by the read() that brought its last byte;
 * debugfs is looked at every millisecond until the first exit.  The KVM
 * statistics are read at the init marker (the boot) and at the sample
 * (the whole run).  Output: one line on stdout,
 *   bench: vmm=NAME exit=N vm_us=... init_us=... rss_kb=... KEY=VALUE...
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MARK_PREFIX  "@@bench:"
#define MARK_SUFFIX  "@@"
#define LINE_MAX_LEN 4096 /* a longer console line is cut: markers are short */
#define VALUES_MAX   64	  /* KEY=VALUE markers kept from one run */
#define VALUE_LEN    160
/* What a guest's KEY=VALUE may hold: nothing a shell or awk would trip on. */
#define VALUE_CHARS   "abcdefghijklmnopqrstuvwxyz0123456789_.=-:,/"
#define PATHS_MAX     256 /* files the VMM maps executable */
#define KVM_DEBUGFS   "/sys/kernel/debug/kvm"
#define EXIT_GRACE_MS 5000 /* after the guest is done, until SIGKILL */
#define PROBE_MS      1	   /* how often debugfs is looked at, early on */
#define NS_PER_US     1000ULL
#define NS_PER_MS     1000000ULL
#define NS_PER_S      1000000000ULL
#define KIB	      1024ULL

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("stopwatch: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

/*
 * The moments of a run, in the order a boot reaches them: the first two
 * seen in KVM's debugfs (its directory for the VM appears at
 * KVM_CREATE_VM; its exit counter moves once a vCPU has run), the others
 * on the console.
 */
enum moment { VM_CREATED, FIRST_EXIT, FIRST_BYTE, INIT, SAMPLE, DONE, MOMENTS };

static const struct {
	const char *key;  /* in the output: KEY_us */
	const char *text; /* what the console shows; NULL: see above */
} moments[MOMENTS] = {
	[VM_CREATED] = { "vm", NULL },
	[FIRST_EXIT] = { "first_exit", NULL },
	[FIRST_BYTE] = { "first_byte", NULL },
	[INIT] = { "init", MARK_PREFIX "init" MARK_SUFFIX },
	[SAMPLE] = { "sample", MARK_PREFIX "sample" MARK_SUFFIX },
	[DONE] = { "done", MARK_PREFIX "done" MARK_SUFFIX },
};

/*
 * The KVM statistics worth a line in the chapter (debugfs file names):
 * x86's, then arm64's own (an architecture shows only its own files;
 * exits, signal_exits and halt_wakeup are in both).
 */
static const char *const kvm_stats[] = {
	"exits",	 "io_exits",	   "mmio_exits",       "halt_exits",
	"irq_exits",	 "irq_injections", "insn_emulation",   "signal_exits",
	"halt_wakeup",	 "pf_taken",	   "pf_fixed",	       "pages_4k",
	"pages_2m",	 "mmio_exit_user", "mmio_exit_kernel", "wfi_exit_stat",
	"hvc_exit_stat",
};
#define KVM_STATS (sizeof(kvm_stats) / sizeof(kvm_stats[0]))

struct run {
	const char *name;
	uint64_t ram;	  /* guest RAM in bytes, as the VMM was told */
	unsigned timeout; /* seconds */
	pid_t pid;
	int out_fd, in_fd, log_fd;
	uint64_t start;
	uint64_t at[MOMENTS]; /* ns after start; 0: not seen */
	char line[LINE_MAX_LEN + 1];
	size_t len;
	char values[VALUES_MAX][VALUE_LEN]; /* KEY=VALUE from the guest */
	unsigned nvalues;
	char weight[1024]; /* the sample's results, KEY=VALUE ... */
	char boot_stats[512], run_stats[512];
	bool probing; /* watching debugfs for the first two moments */
	bool timed_out;
};

/* Append "KEY=VALUE" to the space-separated list buf (size n). */
static void add_kv(char *buf, size_t n, const char *key, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= n)
		return;
	used += (size_t)snprintf(buf + used, n - used, "%s%s=", used ? " " : "",
				 key);
	if (used >= n)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, n - used, fmt, ap);
	va_end(ap);
}

/* ---- the VMM's weight ------------------------------------------------- */

/* One mapping of /proc/PID/smaps, as far as the weighing needs it. */
struct vma {
	uint64_t size_kb, rss_kb, thp_kb;
	bool anonymous, executable;
	char path[512];
};

struct weight {
	uint64_t ram_vma_kb, ram_rss_kb; /* the mapping that is guest RAM */
	uint64_t ram_thp_kb;		 /* ... in transparent huge pages */
	uint64_t code_bytes;		 /* files mapped executable */
	unsigned code_files;
	char paths[PATHS_MAX][512];
};

/*
 * A mapping ends: is it the guest's RAM, or code?  Guest RAM is the
 * anonymous mapping at least as large as the RAM the VMM was given, the
 * smallest such (both VMMs map it in one piece; the kernel may merge it
 * with a neighbour of the same flags, which ram_vma_kb then shows).
 */
static void vma_done(const struct vma *v, uint64_t ram_kb, struct weight *w)
{
	struct stat st;

	if (v->anonymous && v->size_kb >= ram_kb &&
	    (!w->ram_vma_kb || v->size_kb < w->ram_vma_kb)) {
		w->ram_vma_kb = v->size_kb;
		w->ram_rss_kb = v->rss_kb;
		w->ram_thp_kb = v->thp_kb;
	}
	if (!v->executable || v->path[0] != '/')
		return;
	for (unsigned i = 0; i < w->code_files; i++)
		if (!strncmp(w->paths[i], v->path, sizeof(w->paths[i]) - 1))
			return;
	if (w->code_files == PATHS_MAX || stat(v->path, &st) < 0)
		return;
	snprintf(w->paths[w->code_files++], sizeof(w->paths[0]), "%s", v->path);
	w->code_bytes += (uint64_t)st.st_size;
}

/* Read /proc/PID/smaps mapping by mapping (see proc(5) for the format). */
static bool read_smaps(pid_t pid, uint64_t ram_kb, struct weight *w)
{
	char path[64], line[1024], perms[8];
	unsigned long long lo, hi, off, inode, kb;
	struct vma v = { 0 };
	bool open_vma = false;
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx-%llx %7s %llx %*x:%*x %llu %n", &lo, &hi,
			   perms, &off, &inode, &n) == 5) {
			if (open_vma)
				vma_done(&v, ram_kb, w);
			v = (struct vma){ .size_kb = (hi - lo) / KIB };
			snprintf(v.path, sizeof(v.path), "%s", line + n);
			v.path[strcspn(v.path, "\n")] = '\0';
			v.anonymous = inode == 0 && v.path[0] == '\0';
			v.executable = perms[2] == 'x';
			open_vma = true;
		} else if (sscanf(line, "Rss: %llu kB", &kb) == 1) {
			v.rss_kb = kb;
		} else if (sscanf(line, "AnonHugePages: %llu kB", &kb) == 1) {
			v.thp_kb = kb;
		}
	}
	if (open_vma)
		vma_done(&v, ram_kb, w);
	fclose(f);
	return true;
}

/* A "Name: N kB" line of /proc/PID/smaps_rollup, or -1. */
static long long rollup_kb(const char *text, const char *name)
{
	const char *p = strstr(text, name);
	long long kb;

	if (!p || sscanf(p + strlen(name), ": %lld kB", &kb) != 1)
		return -1;
	return kb;
}

/*
 * Weigh the VMM: its resident set (smaps_rollup), the part of it that is
 * guest RAM (smaps), and the files it runs code from.  The overhead is
 * Rss minus the guest RAM's Rss: what the VMM itself costs the host, its
 * code and libraries included, at this moment.
 */
static void weigh(struct run *r)
{
	char path[64], text[4096];
	struct weight *w = calloc(1, sizeof(*w));
	long long rss, anon, pss;
	ssize_t got;
	int fd;

	if (!w)
		die("out of memory");
	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)r->pid);
	fd = open(path, O_RDONLY);
	got = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);
	if (fd >= 0)
		close(fd);
	if (got <= 0 || !read_smaps(r->pid, r->ram / KIB, w)) {
		add_kv(r->weight, sizeof(r->weight), "weigh", "failed");
		free(w);
		return;
	}
	text[got] = '\0';
	rss = rollup_kb(text, "\nRss");
	pss = rollup_kb(text, "\nPss");
	anon = rollup_kb(text, "\nAnonymous");
	add_kv(r->weight, sizeof(r->weight), "rss_kb", "%lld", rss);
	add_kv(r->weight, sizeof(r->weight), "pss_kb", "%lld", pss);
	add_kv(r->weight, sizeof(r->weight), "anon_kb", "%lld", anon);
	add_kv(r->weight, sizeof(r->weight), "ram_vma_kb", "%" PRIu64,
	       w->ram_vma_kb);
	add_kv(r->weight, sizeof(r->weight), "ram_rss_kb", "%" PRIu64,
	       w->ram_rss_kb);
	add_kv(r->weight, sizeof(r->weight), "ram_thp_kb", "%" PRIu64,
	       w->ram_thp_kb);
	add_kv(r->weight, sizeof(r->weight), "overhead_kb", "%lld",
	       rss - (long long)w->ram_rss_kb);
	add_kv(r->weight, sizeof(r->weight), "code_bytes", "%" PRIu64,
	       w->code_bytes);
	add_kv(r->weight, sizeof(r->weight), "code_files", "%u", w->code_files);
	free(w);
}

/*
 * The VMM's CPU time so far (all its threads, user and system: proc(5)'s
 * utime and stime of /proc/PID/stat), its threads, and how often they
 * went to sleep (voluntary context switches, from each thread's status):
 * what a VMM that hands work between threads pays in wake-ups.
 */
static void weigh_threads(struct run *r)
{
	char path[300], line[512], *paren;
	unsigned long long utime, stime, n, switches = 0;
	long threads;
	struct dirent *e;
	FILE *f;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)r->pid);
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(line, sizeof(line), f) && (paren = strrchr(line, ')')) &&
	    sscanf(paren + 2,
		   "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu "
		   "%*d %*d %*d %*d %ld",
		   &utime, &stime, &threads) == 3) {
		add_kv(r->weight, sizeof(r->weight), "cpu_ms", "%llu",
		       (utime + stime) * 1000 /
			       (unsigned long long)sysconf(_SC_CLK_TCK));
		add_kv(r->weight, sizeof(r->weight), "threads", "%ld", threads);
	}
	fclose(f);
	snprintf(path, sizeof(path), "/proc/%d/task", (int)r->pid);
	d = opendir(path);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/status",
			 (int)r->pid, e->d_name);
		f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "voluntary_ctxt_switches: %llu", &n) ==
			    1)
				switches += n;
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	add_kv(r->weight, sizeof(r->weight), "sleeps", "%llu", switches);
}

/* The directory of the VMM's VM in KVM's debugfs: KVM_DEBUGFS/PID-FD. */
static bool kvm_dir(pid_t pid, char *dir, size_t n)
{
	char prefix[32];
	struct dirent *e;
	bool found = false;
	DIR *d = opendir(KVM_DEBUGFS);

	if (!d)
		return false;
	snprintf(prefix, sizeof(prefix), "%d-", (int)pid);
	while (!found && (e = readdir(d)))
		if (!strncmp(e->d_name, prefix, strlen(prefix))) {
			snprintf(dir, n, "%s/%s", KVM_DEBUGFS, e->d_name);
			found = true;
		}
	closedir(d);
	return found;
}

/* KVM's counters for the VMM's VM, as "PREFIX_NAME=N ..." into out. */
static void read_kvm_stats(pid_t pid, const char *prefix, char *out, size_t n)
{
	char dir[300], path[400], key[64];
	unsigned long long v;

	out[0] = '\0';
	if (!kvm_dir(pid, dir, sizeof(dir)))
		return;
	for (size_t i = 0; i < KVM_STATS; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", dir, kvm_stats[i]);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "%llu", &v) == 1) {
			snprintf(key, sizeof(key), "%s_%s", prefix,
				 kvm_stats[i]);
			add_kv(out, n, key, "%llu", v);
		}
		fclose(f);
	}
}

/* ---- the console ------------------------------------------------------ */

static void reached(struct run *r, enum moment m, uint64_t t)
{
	if (r->at[m])
		return;
	r->at[m] = t;
	if (m == INIT)
		read_kvm_stats(r->pid, "kvm_boot", r->boot_stats,
			       sizeof(r->boot_stats));
	if (m == SAMPLE) {
		weigh(r);
		weigh_threads(r);
		read_kvm_stats(r->pid, "kvm_run", r->run_stats,
			       sizeof(r->run_stats));
		/* The guest waits for a line before it goes on. */
		if (write(r->in_fd, "\n", 1) != 1)
			add_kv(r->weight, sizeof(r->weight), "release",
			       "failed");
	}
}

/*
 * A whole line "...@@bench:KEY=VALUE@@...": keep KEY=VALUE; a line
 * "@@bench:NAME@@" that is no moment: keep at_NAME_us, when it arrived.
 */
static void line_done(struct run *r, uint64_t t)
{
	char *p = strstr(r->line, MARK_PREFIX), *end;

	if (!p)
		return;
	p += strlen(MARK_PREFIX);
	end = strstr(p, MARK_SUFFIX);
	if (!end || r->nvalues == VALUES_MAX)
		return;
	*end = '\0';
	if (strspn(p, VALUE_CHARS) != strlen(p))
		return;
	if (strchr(p, '=')) {
		snprintf(r->values[r->nvalues++], VALUE_LEN, "%s", p);
		if (!strncmp(p, "clock_", strlen("clock_")) &&
		    r->nvalues < VALUES_MAX)
			snprintf(r->values[r->nvalues++], VALUE_LEN,
				 "at_%.*s_us=%" PRIu64, (int)strcspn(p, "="), p,
				 (uint64_t)(t / NS_PER_US));
	} else if (strcmp(p, "init") && strcmp(p, "sample") &&
		   strcmp(p, "done"))
		snprintf(r->values[r->nvalues++], VALUE_LEN,
			 "at_%s_us=%" PRIu64, p, (uint64_t)(t / NS_PER_US));
}

/* Does the line so far end with text? */
static bool ends_with(const struct run *r, const char *text)
{
	size_t n = strlen(text);

	return r->len >= n && !memcmp(r->line + r->len - n, text, n);
}

/*
 * Bytes from the console, read at time t: the moments the line so far
 * shows are reached now.  The line is checked as it grows, so that a
 * marker is timed when its last byte arrives, not at the line's end.
 */
static void console_bytes(struct run *r, const char *buf, size_t n, uint64_t t)
{
	reached(r, FIRST_BYTE, t);
	for (size_t i = 0; i < n; i++) {
		char c = buf[i];

		if (c == '\r')
			continue;
		if (c != '\n' && r->len < LINE_MAX_LEN) {
			r->line[r->len++] = c;
			r->line[r->len] = '\0';
			for (int m = INIT; m < MOMENTS; m++)
				if (!r->at[m] && ends_with(r, moments[m].text))
					reached(r, (enum moment)m, t);
		}
		if (c == '\n' || r->len == LINE_MAX_LEN) {
			line_done(r, t);
			r->len = 0;
			r->line[0] = '\0';
		}
	}
}

/* ---- the run ---------------------------------------------------------- */

/*
 * Start the VMM with its stdout on a pipe of ours (its stderr into the
 * log) and its stdin on another; the clock starts just before fork().
 */
static void spawn(struct run *r, char **argv)
{
	int out[2], in[2];

	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(in, O_CLOEXEC) < 0)
		die("pipe: %s", strerror(errno));
	r->start = now_ns();
	r->pid = fork();
	if (r->pid < 0)
		die("fork: %s", strerror(errno));
	if (r->pid == 0) {
		if (dup2(in[0], STDIN_FILENO) < 0 ||
		    dup2(out[1], STDOUT_FILENO) < 0 ||
		    dup2(r->log_fd, STDERR_FILENO) < 0)
			_exit(127);
		execvp(argv[0], argv);
		dprintf(r->log_fd, "stopwatch: %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	close(out[1]);
	close(in[0]);
	r->out_fd = out[0];
	r->in_fd = in[1];
}

/*
 * Early in the run, look at KVM's debugfs: has the VMM created its VM,
 * has a vCPU exited yet?  Stops looking once both are seen, or at the
 * init marker (a machine without debugfs never shows them).
 */
static void probe_kvm(struct run *r)
{
	char dir[300], path[400];
	unsigned long long exits = 0;
	FILE *f;

	if (r->at[INIT] || !kvm_dir(r->pid, dir, sizeof(dir))) {
		r->probing = !r->at[INIT];
		return;
	}
	reached(r, VM_CREATED, now_ns() - r->start);
	snprintf(path, sizeof(path), "%s/exits", dir);
	f = fopen(path, "r");
	if (f && fscanf(f, "%llu", &exits) == 1 && exits > 0) {
		reached(r, FIRST_EXIT, now_ns() - r->start);
		r->probing = false;
	}
	if (f)
		fclose(f);
}

/* Milliseconds left until deadline (at least 0). */
static int ms_left(uint64_t deadline)
{
	uint64_t t = now_ns();

	return t >= deadline ? 0 : (int)((deadline - t) / NS_PER_MS) + 1;
}

/*
 * Read the console until the VMM closes it (it exited) or the time is
 * up; everything read goes to the log as well.
 */
static void watch(struct run *r)
{
	uint64_t deadline = r->start + (uint64_t)r->timeout * NS_PER_S;
	char buf[4096];

	r->probing = !access(KVM_DEBUGFS, R_OK);
	for (;;) {
		struct pollfd p = { .fd = r->out_fd, .events = POLLIN };
		int left = ms_left(deadline), ready;
		ssize_t n;

		if (r->probing)
			probe_kvm(r);
		ready = poll(&p, 1,
			     r->probing && left > PROBE_MS ? PROBE_MS : left);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready == 0 && r->probing && left > 0)
			continue;
		if (ready <= 0) {
			r->timed_out = true;
			return;
		}
		n = read(r->out_fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		console_bytes(r, buf, (size_t)n, now_ns() - r->start);
		if (write(r->log_fd, buf, (size_t)n) != n)
			die("writing the log: %s", strerror(errno));
	}
}

/* Reap the VMM: its exit status, or -SIGNAL; killed if it lingers. */
static int reap(struct run *r)
{
	uint64_t deadline = now_ns() + EXIT_GRACE_MS * NS_PER_MS;
	int status;

	if (r->timed_out)
		kill(r->pid, SIGKILL);
	while (waitpid(r->pid, &status, WNOHANG) == 0) {
		if (now_ns() >= deadline) {
			kill(r->pid, SIGKILL);
			deadline = UINT64_MAX;
		}
		usleep(10000);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

static void report(const struct run *r, int status)
{
	printf("bench: vmm=%s exit=%d", r->name, status);
	if (r->timed_out)
		printf(" timed_out=1");
	for (int m = 0; m < MOMENTS; m++)
		if (r->at[m])
			printf(" %s_us=%" PRIu64, moments[m].key,
			       (uint64_t)(r->at[m] / NS_PER_US));
	if (r->weight[0])
		printf(" %s", r->weight);
	if (r->boot_stats[0])
		printf(" %s", r->boot_stats);
	if (r->run_stats[0])
		printf(" %s", r->run_stats);
	for (unsigned i = 0; i < r->nvalues; i++)
		printf(" %s", r->values[i]);
	printf("\n");
}

static void usage(void)
{
	fprintf(stderr, "usage: stopwatch --name NAME --ram BYTES --log FILE "
			"[--timeout SECS] -- VMM [ARG]...\n");
	exit(2);
}

static unsigned long long number(const char *option, const char *arg)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || v == 0)
		die("%s: not a positive decimal number: '%s'", option, arg);
	return v;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "ram", required_argument, NULL, 'r' },
		{ "log", required_argument, NULL, 'l' },
		{ "timeout", required_argument, NULL, 't' },
		{ 0 },
	};
	struct run *r = calloc(1, sizeof(*r));
	const char *log = NULL;
	int c;

	if (!r)
		die("out of memory");
	r->timeout = 300;
	while ((c = getopt_long(argc, argv, "+", options, NULL)) != -1) {
		switch (c) {
		case 'n':
			r->name = optarg;
			break;
		case 'r':
			r->ram = number("--ram", optarg);
			break;
		case 'l':
			log = optarg;
			break;
		case 't':
			r->timeout = (unsigned)number("--timeout", optarg);
			break;
		default:
			usage();
		}
	}
	if (!r->name || !r->ram || !log || optind >= argc)
		usage();
	r->log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (r->log_fd < 0)
		die("%s: %s", log, strerror(errno));
	signal(SIGPIPE, SIG_IGN); /* a VMM gone before it reads our line */
	spawn(r, argv + optind);
	watch(r);
	report(r, reap(r));
	return 0;
}

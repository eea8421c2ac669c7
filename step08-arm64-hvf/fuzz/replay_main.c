/*
 * replay_main.c - a main() for the virtio fuzz target where there is no
 * libFuzzer (gcc; the arm64 build): it runs LLVMFuzzerTestOneInput once
 * on each input, as libFuzzer does when it is handed files to run rather
 * than time to fuzz, and says how many it ran.
 *
 *	fuzz_replay FILE-OR-DIR...	(a DIR: each of its files, by name)
 *	fuzz_replay: inputs=N bytes=B
 *
 * A bug is what it is for the fuzzer: a sanitizer's report or trap, or a
 * trap of the target's own invariants.  Each ends the process (the
 * sanitizers are built not to recover), so there is no line then, and
 * this names the input it was running.
 *
 * Runs: on the host (gcc, ASan + UBSan: fuzz.mk's fuzz-replay) and as
 * arm64 code under qemu-aarch64-static (aarch64-linux-gnu-gcc -static,
 * UBSan in trap mode: fuzz-replay-arm64).
 * Spec: libFuzzer's interface, LLVMFuzzerInitialize and
 * LLVMFuzzerTestOneInput (LLVM's "libFuzzer - a library for
 * coverage-guided fuzz testing").
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *current = "(none yet)"; /* the input being run */
static unsigned long inputs, bytes;

#ifdef __SANITIZE_ADDRESS__
/* The host build: ASan and UBSan end with abort() after their report,
 * so that the report is followed by the input's name (crashed()). */
const char *__asan_default_options(void)
{
	return "abort_on_error=1";
}

const char *__ubsan_default_options(void)
{
	return "abort_on_error=1:print_stacktrace=1";
}
#endif

/* To stderr with what a signal handler may call. */
static void say(const char *s)
{
	if (write(STDERR_FILENO, s, strlen(s)) < 0)
		return; /* nothing more to be done about it there */
}

/* A trap (UBSan's, the target's), a bad access, an abort (a sanitizer's
 * report): say which input, then die of that signal as if nobody had
 * caught it. */
static void crashed(int sig)
{
	say("fuzz_replay: crashed on input ");
	say(current);
	say("\n");
	signal(sig, SIG_DFL);
	raise(sig);
}

static void catch_crashes(void)
{
	static const int sigs[] = { SIGILL, SIGTRAP, SIGSEGV,
				    SIGBUS, SIGFPE,  SIGABRT };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], crashed);
}

static void die_errno(const char *path)
{
	fprintf(stderr, "fuzz_replay: %s: %s\n", path, strerror(errno));
	exit(2);
}

/* One input, in a buffer of exactly its size (ASan sees a byte past). */
static void run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *data;

	if (!f || fstat(fileno(f), &st))
		die_errno(path);
	data = malloc(st.st_size ? st.st_size : 1);
	if (!data)
		die_errno(path);
	if (fread(data, 1, st.st_size, f) != (size_t)st.st_size)
		die_errno(path);
	fclose(f);
	current = path;
	LLVMFuzzerTestOneInput(data, st.st_size);
	free(data);
	inputs++;
	bytes += st.st_size;
}

/* Each regular file of dir, in name order: every run the same. */
static void run_dir(const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	char path[PATH_MAX];
	struct stat st;

	if (n < 0)
		die_errno(dir);
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (stat(path, &st))
			die_errno(path);
		if (S_ISREG(st.st_mode))
			run_file(path);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	struct stat st;

	if (argc < 2) {
		fprintf(stderr, "usage: fuzz_replay FILE-OR-DIR...\n");
		return 2;
	}
	catch_crashes();
	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		if (stat(argv[i], &st))
			die_errno(argv[i]);
		if (S_ISDIR(st.st_mode))
			run_dir(argv[i]);
		else
			run_file(argv[i]);
	}
	printf("fuzz_replay: inputs=%lu bytes=%lu\n", inputs, bytes);
	return 0;
}

/*
 * tcpbench.c - TCP throughput from the guest to the lab VM: one program,
 * a sender in the guest and a receiver at the host end of the tap.
 *
 * Runs: userspace, linked statically; the receiver in the lab VM (or on
 * the host, engine host-kvm), the sender in the guest, under our VMM and
 * under QEMU alike.
 * Spec: socket(7), tcp(7); clock_gettime(2).
 *
 *   tcpbench recv PORT        accept one connection, read until EOF,
 *                             answer with the nanoseconds it took
 *   tcpbench send ADDR PORT BYTES
 *
 * The receiver's clock is the one that counts: it runs from the first
 * byte to the end of the stream, on the lab VM's clock, and travels back
 * to the sender as 8 bytes, so that the guest can print it with its own
 * view next to it:
 *   @@bench:net_bytes=N@@ @@bench:net_rx_ns=NS@@ @@bench:net_tx_ns=NS@@
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK	 (64 * 1024) /* bytes per write() and read() */
#define NS_PER_S 1000000000ULL

static char buf[CHUNK];

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

static void fail(const char *what)
{
	fprintf(stderr, "tcpbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static struct sockaddr_in address(const char *addr, const char *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };

	sa.sin_port = htons((uint16_t)strtoul(port, NULL, 10));
	if (addr && inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		errno = EINVAL;
		fail(addr);
	}
	return sa;
}

/* Accept one connection on PORT, read it to its end, answer the time. */
static int receive(const char *port)
{
	struct sockaddr_in sa = address(NULL, port);
	int one = 1, s = socket(AF_INET, SOCK_STREAM, 0), c;
	uint64_t bytes = 0, t0 = 0, ns;
	ssize_t n;

	if (s < 0 ||
	    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(s, (struct sockaddr *)&sa, sizeof(sa)) || listen(s, 1))
		fail("listen");
	c = accept(s, NULL, NULL);
	if (c < 0)
		fail("accept");
	while ((n = read(c, buf, sizeof(buf))) > 0) {
		if (!t0)
			t0 = now_ns();
		bytes += (uint64_t)n;
	}
	if (n < 0)
		fail("read");
	ns = t0 ? now_ns() - t0 : 0;
	if (write(c, &ns, sizeof(ns)) != sizeof(ns))
		fail("write");
	close(c);
	printf("tcpbench: received %" PRIu64 " bytes in %" PRIu64 " ns\n",
	       bytes, ns);
	return 0;
}

/* Send BYTES to ADDR:PORT, then report both ends' times. */
static int send_bytes(const char *addr, const char *port, uint64_t bytes)
{
	struct sockaddr_in sa = address(addr, port);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	uint64_t left = bytes, t0, tx_ns, rx_ns = 0;

	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)))
		fail("connect");
	t0 = now_ns();
	while (left) {
		ssize_t n = write(s, buf, left < CHUNK ? left : CHUNK);

		if (n < 0)
			fail("write");
		left -= (uint64_t)n;
	}
	shutdown(s, SHUT_WR);
	if (read(s, &rx_ns, sizeof(rx_ns)) != sizeof(rx_ns))
		fail("reading the receiver's time");
	tx_ns = now_ns() - t0;
	printf("@@bench:net_bytes=%" PRIu64 "@@\n@@bench:net_rx_ns=%" PRIu64
	       "@@\n@@bench:net_tx_ns=%" PRIu64 "@@\n",
	       bytes, rx_ns, tx_ns);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "recv"))
		return receive(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "send"))
		return send_bytes(argv[2], argv[3],
				  strtoull(argv[4], NULL, 10));
	fprintf(stderr, "usage: tcpbench recv PORT | send ADDR PORT BYTES\n");
	return 2;
}

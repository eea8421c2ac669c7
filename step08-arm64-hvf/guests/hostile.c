/*
 * hostile.c - a guest that attacks the hypercall ABI and checks each
 * answer: bad pointers, lengths that overflow, unknown numbers, arguments
 * out of range, a flood of such calls, the doorbell rung the wrong way
 * (string OUTs included),
 * escape sequences for the host's terminal, accesses to memory that is not
 * there, lines that imitate the VMM's, and a flood of output.
 *
 * Runs: inside the VM, freestanding C in 64-bit long mode on the runtime in
 * common/guest.
 * Spec: the hypercall ABI in common/include/hypercall.h (results are
 * -errno: Linux's errno numbers, <asm-generic/errno-base.h>).
 *
 * Exits with 0 when every bad call was rejected with the right error and
 * every other attack was answered as the ABI says, 1 otherwise.  The VMM
 * must still be running to hear it.
 */
#include <stdbool.h>

#include "layout.h"
#include "runtime.h"

/* errno values of the ABI (Linux's; <errno.h> is not ours to include) */
#define EINVAL 22
#define EFAULT 14
#define E2BIG  7
#define ENOSPC 28
#define ENOSYS 38

#define FLOOD	      10000
#define MMIO_FLOOD    100
#define U64_MAX	      0xffffffffffffffffULL
#define LOW_RAM	      0x1000 /* a guest-physical address in RAM, below the image */
#define XORSHIFT_SEED 0x9e3779b97f4a7c15ULL /* any nonzero 64-bit state */
#define NEAR_END_MASK 0x3f /* ... and up to 63 bytes below 2^64 */
#define FLOOD_LINE    64   /* bytes per line of the output flood */
/* Longer than the line the parent relays at once (vms.c). */
#define LONG_LINE 1024

static int rejected, wrong;

/* One attack: the call must fail with -want. */
static void expect(const char *what, int64_t got, int64_t want)
{
	if (got == -want) {
		rejected++;
		return;
	}
	wrong++;
	printf("hostile: %s: got %ld, want %ld\n", what, got, -want);
}

/* An attack that is not a call: the answer must be exactly want. */
static bool expect_value(const char *what, uint64_t got, uint64_t want)
{
	if (got == want)
		return true;
	wrong++;
	printf("hostile: %s: got %lx, want %lx\n", what, got, want);
	return false;
}

/* The doorbell rung the wrong ways: RAX holds a valid call each time. */
static int64_t ring_outw(uint64_t nr)
{
	__asm__ volatile("outw %%ax, %%dx"
			 : "+a"(nr)
			 : "d"(HC_PORT)
			 : "memory");
	return (int64_t)nr;
}

static int64_t ring_outl(uint64_t nr)
{
	__asm__ volatile("outl %%eax, %%dx"
			 : "+a"(nr)
			 : "d"(HC_PORT)
			 : "memory");
	return (int64_t)nr;
}

static uint64_t ring_inb(uint64_t rax)
{
	__asm__ volatile("inb %[port], %%al" : "+a"(rax) : [port] "i"(HC_PORT));
	return rax;
}

static uint64_t ring_inl(uint64_t rax)
{
	__asm__ volatile("inl %%dx, %%eax" : "+a"(rax) : "d"(HC_PORT));
	return rax;
}

/* book:begin attacks */
static void attack_pointers(uint64_t mem)
{
	struct hc_vminfo *info = (struct hc_vminfo *)LOW_RAM;

	expect("PUTS at the end of RAM", hypercall(HC_PUTS, mem, 1, 0, 0),
	       EFAULT);
	expect("PUTS straddling the end of RAM",
	       hypercall(HC_PUTS, mem - 1, 2, 0, 0), EFAULT);
	expect("PUTS whose gpa + len wraps to 1",
	       hypercall(HC_PUTS, U64_MAX, 2, 0, 0), EFAULT);
	expect("PUTS of 4 KiB ending one byte past RAM",
	       hypercall(HC_PUTS, mem - HC_PUTS_MAX + 1, HC_PUTS_MAX, 0, 0),
	       EFAULT);
	expect("PUTS with len = 2^64 - 1",
	       hypercall(HC_PUTS, LOW_RAM, U64_MAX, 0, 0), E2BIG);
	expect("PUTS longer than HC_PUTS_MAX",
	       hypercall(HC_PUTS, LOW_RAM, HC_PUTS_MAX + 1, 0, 0), E2BIG);
	expect("VMINFO into the last 8 bytes of RAM",
	       hypercall(HC_VMINFO, mem - 8, sizeof(*info), 0, 0), EFAULT);
	expect("VMINFO at gpa 2^64 - 8",
	       hypercall(HC_VMINFO, U64_MAX - 7, sizeof(*info), 0, 0), EFAULT);
	expect("VMINFO with a 1-byte buffer",
	       hypercall(HC_VMINFO, (uintptr_t)info, 1, 0, 0), EINVAL);
}

static void attack_numbers(void)
{
	expect("number HC_COUNT", hypercall(HC_COUNT, 0, 0, 0, 0), ENOSYS);
	expect("number 2^32 + HC_PUTS",
	       hypercall((1ULL << 32) + HC_PUTS, 0, 0, 0, 0), ENOSYS);
	expect("number 2^63 (negative as int64)",
	       hypercall(1ULL << 63, 0, 0, 0, 0), ENOSYS);
	expect("number 2^64 - 1", hypercall(U64_MAX, 0, 0, 0, 0), ENOSYS);
	expect("PUTCHAR(256)", hypercall(HC_PUTCHAR, 256, 0, 0, 0), EINVAL);
	expect("EXIT(256)", hypercall(HC_EXIT, 256, 0, 0, 0), EINVAL);
	expect("EXIT(-1)", hypercall(HC_EXIT, U64_MAX, 0, 0, 0), EINVAL);
}

/* FLOOD calls, cycling through three kinds of garbage. */
static void attack_flood(uint64_t mem)
{
	uint64_t x = XORSHIFT_SEED; /* xorshift64 (Marsaglia), 13 7 17 */

	for (int i = 0; i < FLOOD; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		switch (i % 3) {
		case 0: /* an unknown number */
			expect("flood: unknown number",
			       hypercall(HC_COUNT + (x >> 1), x, x, x, x),
			       ENOSYS);
			break;
		case 1: /* a gpa beyond RAM */
			expect("flood: PUTS beyond RAM",
			       hypercall(HC_PUTS, mem + (x >> 1), 1, 0, 0),
			       EFAULT);
			break;
		default: /* a length that wraps */
			expect("flood: VMINFO wrapping",
			       hypercall(HC_VMINFO,
					 U64_MAX - (x & NEAR_END_MASK),
					 sizeof(struct hc_vminfo), 0, 0),
			       EFAULT);
			break;
		}
	}
}

/*
 * The doorbell is "OUT HC_PORT, AL" and nothing else: a wider OUT is
 * refused with -EINVAL (the call in RAX is not made), an IN reads all ones.
 */
static void attack_doorbell(void)
{
	expect("2-byte OUT to the doorbell", ring_outw(HC_GETTIME), EINVAL);
	expect("4-byte OUT to the doorbell", ring_outl(HC_GETTIME), EINVAL);
	/* an 8-bit IN writes AL only; a 32-bit one zero-extends into RAX */
	if (expect_value("IN AL from the doorbell", ring_inb(0x1234567800ULL),
			 0x12345678ffULL))
		rejected++;
	if (expect_value("IN EAX from the doorbell", ring_inl(U64_MAX - 1),
			 0xffffffffULL))
		rejected++;
}

/*
 * String OUTs at the doorbell, with a valid call in RAX: PUTCHAR('Z').
 * KVM hands each byte of an OUTSB over as a one-byte OUT, exactly like the
 * doorbell's; none of them is a call.  Each exit is refused with -EINVAL
 * in RAX, so a REP OUTSB cannot chain calls (the first call's result
 * becoming the next one's number), and nothing is printed.
 */
static int64_t ring_rep_outsb(uint64_t nr, uint64_t count)
{
	const char *p = "ZZZ";

	__asm__ volatile("rep outsb"
			 : "+a"(nr), "+S"(p), "+c"(count)
			 : "b"((uint64_t)'Z'), "d"(HC_PORT)
			 : "memory");
	return (int64_t)nr;
}

static int64_t ring_outsb(uint64_t nr)
{
	const char *p = "Z";

	__asm__ volatile("outsb"
			 : "+a"(nr), "+S"(p)
			 : "b"((uint64_t)'Z'), "d"(HC_PORT)
			 : "memory");
	return (int64_t)nr;
}

/*
 * An OUTSB and, right after it, the doorbell itself.  KVM emulates the
 * OUTSB and leaves RIP past it, on the OUT, before it exits to the VMM:
 * only the OUT is a call, and it finds -EINVAL in RAX, no such number.
 */
static int64_t ring_outsb_then_out(uint64_t nr)
{
	const char *p = "Z";

	__asm__ volatile("outsb\n\toutb %%al, %[port]"
			 : "+a"(nr), "+S"(p)
			 : "b"((uint64_t)'Z'), "d"(HC_PORT), [port] "i"(HC_PORT)
			 : "memory");
	return (int64_t)nr;
}

static void attack_string_out(void)
{
	expect("REP OUTSB of 3 bytes to the doorbell",
	       ring_rep_outsb(HC_PUTCHAR, 3), EINVAL);
	expect("OUTSB to the doorbell", ring_outsb(HC_PUTCHAR), EINVAL);
	expect("OUTSB, then OUT AL to the doorbell",
	       ring_outsb_then_out(HC_PUTCHAR), ENOSYS);
}

/*
 * Memory that is not there: guest-physical addresses above RAM are mapped
 * by the page tables but backed by nothing, so each access is a
 * KVM_EXIT_MMIO the VMM answers like an empty bus: writes vanish, reads
 * return all ones.  A loop of them must not flood the VMM's console.
 */
static void attack_missing_memory(uint64_t mem)
{
	volatile uint64_t *nowhere = (volatile uint64_t *)(uintptr_t)mem;

	for (int i = 0; i < MMIO_FLOOD; i++) {
		nowhere[i] = 0x1234;
		expect_value("read from no memory", nowhere[i], U64_MAX);
	}
}

/*
 * The console port, too, carries guest bytes to the host's terminal: an
 * escape sequence must arrive defused ('.' for ESC), like PUTS's.
 */
static void attack_terminal(void)
{
	static const char text[] =
		"\033[7mhostile: escape sequences through port 0xE9\033[0m\n";

	const char *p = text;
	uint64_t n = sizeof(text) - 1;

	__asm__ volatile("rep outsb"
			 : "+S"(p), "+c"(n)
			 : "d"(GUEST_CONSOLE_PORT)
			 : "memory");
}

/*
 * Lines that look like the VMM's.  The guest prints the VMM's statistics
 * line with a count of its own choosing: plainly; after a line so long
 * that a relay might cut it there; and after the escape sequence that
 * erases a terminal's line and a carriage return, which would hide
 * whatever the VMM put before it.  None may pass for the VMM's line.
 */
static void attack_forgery(void)
{
	static const char forged[] =
		"vmm: hypercalls: 999999, rejected: 999999\n";
	static char line[LONG_LINE + sizeof(forged)];

	printf("%s", forged);
	memset(line, '-', LONG_LINE);
	memcpy(line + LONG_LINE, forged, sizeof(forged) - 1);
	puts_n(line, LONG_LINE + sizeof(forged) - 1);
	printf("\033[2K\r%s", forged);
}

/*
 * The output flood, last: print until the console budget is spent.  PUTS
 * then writes what still fits (a short count), after that nothing at all
 * (-ENOSPC), and PUTCHAR is refused too.  After this the guest is mute.
 */
static void attack_output(void)
{
	static char lines[HC_PUTS_MAX];
	int64_t ret;

	for (int i = 0; i < HC_PUTS_MAX; i++)
		lines[i] = i % FLOOD_LINE == FLOOD_LINE - 1 ? '\n' : '~';
	while ((ret = puts_n(lines, sizeof(lines))) == sizeof(lines))
		;
	if (ret != -ENOSPC && (ret < 0 || ret >= (int64_t)sizeof(lines)))
		wrong++; /* a short count, or none left for this one */
	expect("PUTS with the budget spent", puts_n(lines, 1), ENOSPC);
	expect("PUTCHAR with the budget spent", putchar('~'), ENOSPC);
}
/* book:end attacks */

int main(void)
{
	struct hc_vminfo info;

	if (vminfo(&info) < 0)
		return 1;
	printf("hostile: attacking the VMM from VM %u (%lu bytes of RAM)\n",
	       info.vm_index, info.mem_size);
	attack_pointers(info.mem_size);
	attack_numbers();
	attack_flood(info.mem_size);
	attack_doorbell();
	attack_string_out();
	attack_missing_memory(info.mem_size);
	attack_terminal();
	attack_forgery();
	printf("hostile: %d bad calls rejected as they should be, %d not; now the output flood\n",
	       rejected, wrong);
	attack_output();
	return wrong ? 1 : 0;
}

/*
 * test_serial_16550.c - unit tests of the 16550A UART: its reset state,
 * the Linux 8250 driver's probe (autoconfig: IER test, loopback test,
 * FIFO detection; startup: the THRE interrupt tests), then each register
 * and interrupt rule with the exact register values and interrupt line
 * levels a driver would see.
 *
 * Runs: on the host, no KVM (Check).  Includes the unit under test.
 * Spec: PC16550D datasheet; drivers/tty/serial/8250/8250_port.c
 * (autoconfig, autoconfig_16550a, size_fifo, serial8250_do_startup).
 */
#include <check.h>

#include "run_suite.h"

#include "devices/serial_16550.c"

/* An interrupt line that remembers its level and counts its edges. */
struct line {
	struct irq_line irq;
	bool level;
	unsigned int raised, lowered;
};

static void line_set_level(struct irq_line *irq, bool level)
{
	struct line *l = (struct line *)irq;

	ck_assert_int_ne(l->level, level); /* irq.h: changes only */
	l->level = level;
	if (level)
		l->raised++;
	else
		l->lowered++;
}

/* The terminal on the other end: what the guest sent. */
struct term {
	char out[512];
	size_t len;
};

static void term_output(void *opaque, const uint8_t *buf, size_t len)
{
	struct term *t = opaque;

	ck_assert_uint_le(t->len + len, sizeof(t->out));
	memcpy(t->out + t->len, buf, len);
	t->len += len;
}

static struct serial_16550 uart;
static struct line line;
static struct term term;

static void setup(void)
{
	memset(&line, 0, sizeof(line));
	memset(&term, 0, sizeof(term));
	line.irq = (struct irq_line){ .set_level = line_set_level, .gsi = 4 };
	serial_16550_init(&uart, &line.irq, term_output, &term);
}

static void teardown(void)
{
	serial_16550_destroy(&uart);
}

/* The driver's serial_out() and serial_in(): one byte at a register. */
static void out(unsigned int reg, uint8_t val)
{
	serial_16550_access(&uart, reg, &val, 1, true);
}

static uint8_t in(unsigned int reg)
{
	uint8_t val = 0x5a;

	serial_16550_access(&uart, reg, &val, 1, false);
	return val;
}

static void receive(const char *s)
{
	serial_16550_receive(&uart, (const uint8_t *)s, strlen(s));
}

START_TEST(reset_state)
{
	ck_assert_uint_eq(in(UART_IER), 0);
	ck_assert_uint_eq(in(UART_IIR), 0x01);
	ck_assert_uint_eq(in(UART_LCR), 0);
	ck_assert_uint_eq(in(UART_MCR), 0);
	ck_assert_uint_eq(in(UART_LSR), 0x60); /* THRE | TEMT */
	ck_assert_uint_eq(in(UART_MSR), 0xb0); /* DCD | DSR | CTS */
	ck_assert_uint_eq(in(UART_SCR), 0);
	ck_assert_uint_eq(in(UART_RX), 0); /* nothing received */
	ck_assert(!line.level);
	ck_assert_uint_eq(line.raised, 0);
}
END_TEST

/* book:begin test_autoconfig */
/* autoconfig(): "Do a simple existence test first" -- IER bits 3:0. */
START_TEST(linux_probe_ier_test)
{
	out(UART_IER, 0);
	ck_assert_uint_eq(in(UART_IER)&0x0f, 0);
	out(UART_IER, 0x0f);
	ck_assert_uint_eq(in(UART_IER)&0x0f, 0x0f);
	out(UART_IER, 0xff); /* and no Xscale UUE bit, nor sleep mode */
	ck_assert_uint_eq(in(UART_IER), 0x0f);
	out(UART_IER, 0);
}
END_TEST

/* autoconfig(): loopback with RTS and OUT2 must read CTS and DCD back. */
START_TEST(linux_probe_loopback_test)
{
	out(UART_MCR, UART_MCR_LOOP | 0x0a);
	ck_assert_uint_eq(in(UART_MSR)&0xf0, 0x90);
	out(UART_MCR, 0);
	ck_assert_uint_eq(in(UART_MSR)&0xf0, 0xb0);
}
END_TEST

/*
 * autoconfig(): IIR bits 7:6 after enabling the FIFO say 16550A (3);
 * autoconfig_16550a(): no EFR at LCR 0x80 or 0xbf (that offset is the
 * IIR on a 16550A, never 0), and no TI16C750 64-byte mode: IIR >> 5 is
 * 6 with and without DLAB.
 */
START_TEST(linux_probe_finds_a_16550a)
{
	out(UART_LCR, UART_LCR_CONF_MODE_B);
	out(UART_EFR, 0);
	out(UART_LCR, 0);
	out(UART_FCR, UART_FCR_ENABLE_FIFO);
	ck_assert_uint_eq(in(UART_IIR) >> 6, 3);
	out(UART_LCR, UART_LCR_CONF_MODE_A);
	ck_assert_uint_ne(in(UART_EFR), 0);
	out(UART_LCR, UART_LCR_CONF_MODE_B);
	ck_assert_uint_ne(in(UART_EFR), 0);
	out(UART_LCR, 0);
	out(UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR7_64BYTE);
	ck_assert_uint_eq(in(UART_IIR) >> 5, 6);
	out(UART_FCR, UART_FCR_ENABLE_FIFO);
	out(UART_LCR, UART_LCR_CONF_MODE_A);
	out(UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR7_64BYTE);
	ck_assert_uint_eq(in(UART_IIR) >> 5, 6);
	out(UART_FCR, UART_FCR_ENABLE_FIFO);
	out(UART_LCR, 0);
	ck_assert(!line.level);
}
END_TEST

/*
 * size_fifo(): loopback at divisor 1, 256 bytes out, count what comes
 * back: 16, the 16550A's FIFO (a U6_16550A would give 64).
 */
START_TEST(linux_size_fifo_counts_16)
{
	unsigned int count = 0;

	out(UART_FCR,
	    UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR | UART_FCR_CLEAR_XMIT);
	out(UART_MCR, UART_MCR_LOOP);
	out(UART_LCR, UART_LCR_CONF_MODE_A);
	out(UART_DLL, 1);
	out(UART_DLM, 0);
	out(UART_LCR, UART_LCR_WLEN8);
	for (unsigned int i = 0; i < 256; i++)
		out(UART_TX, (uint8_t)i);
	while ((in(UART_LSR)&UART_LSR_DR) && count < 256)
		ck_assert_uint_eq(in(UART_RX), count++);
	ck_assert_uint_eq(count, 16);
	ck_assert_uint_eq(term.len, 0); /* nothing left the chip */
	ck_assert_uint_eq(uart.rx_overruns, 240);
}
END_TEST
/* book:end test_autoconfig */

/*
 * serial8250_do_startup(): enabling THRI with THR empty must raise THRE
 * (else UART_BUG_TXEN), and re-enabling it after the IIR read cleared it
 * must raise it again (else UART_BUG_THRE).
 */
START_TEST(linux_startup_thre_tests)
{
	out(UART_MCR, UART_MCR_OUT2 | UART_MCR_RTS | UART_MCR_DTR);
	out(UART_IER, UART_IER_THRI);
	ck_assert_uint_eq(in(UART_LSR)&UART_LSR_TEMT, UART_LSR_TEMT);
	ck_assert_uint_eq(in(UART_IIR), 0x02); /* THRI; read clears it */
	ck_assert_uint_eq(in(UART_IIR), 0x01);
	out(UART_IER, 0);
	out(UART_IER, UART_IER_THRI);
	ck_assert(line.level);
	ck_assert_uint_eq(in(UART_IIR), 0x02);
	ck_assert(!line.level);
	out(UART_IER, 0);
	ck_assert_uint_eq(line.raised, 2);
	ck_assert_uint_eq(line.lowered, 2);
}
END_TEST

START_TEST(scratch_register_holds_any_byte)
{
	out(UART_SCR, 0xa5);
	ck_assert_uint_eq(in(UART_SCR), 0xa5);
	out(UART_SCR, 0x5a);
	ck_assert_uint_eq(in(UART_SCR), 0x5a);
}
END_TEST

/* DLAB switches offsets 0 and 1 to the divisor latch and back. */
START_TEST(dlab_selects_the_divisor_latch)
{
	uint8_t word[2];

	out(UART_LCR, UART_LCR_DLAB | UART_LCR_WLEN8);
	out(UART_DLL, 0x0c); /* 9600 baud */
	out(UART_DLM, 0x00);
	ck_assert_uint_eq(in(UART_DLL), 0x0c);
	ck_assert_uint_eq(in(UART_DLM), 0x00);
	out(UART_DLM, 0x01);
	serial_16550_access(&uart, UART_DLL, word, 2, false); /* a 16-bit IN */
	ck_assert_uint_eq(word[0], 0x0c);
	ck_assert_uint_eq(word[1], 0x01);
	ck_assert_uint_eq(in(UART_LCR), 0x83);
	out(UART_LCR, UART_LCR_WLEN8);
	ck_assert_uint_eq(in(UART_IER), 0); /* IER untouched by DLM writes */
	out(UART_TX, 'x');
	ck_assert_uint_eq(term.len, 1);
	ck_assert_uint_eq(in(UART_LCR), 0x03);
	out(UART_LCR, UART_LCR_DLAB);
	ck_assert_uint_eq(in(UART_DLL), 0x0c); /* THR write did not land */
}
END_TEST

/* Transmission: every THR byte reaches the output, in order. */
START_TEST(thr_bytes_reach_the_output)
{
	const char *msg = "Linux version 6.1\r\n";

	for (const char *p = msg; *p; p++) {
		ck_assert_uint_eq(in(UART_LSR)&UART_LSR_THRE, UART_LSR_THRE);
		out(UART_TX, (uint8_t)*p);
	}
	ck_assert_uint_eq(term.len, strlen(msg));
	ck_assert_mem_eq(term.out, msg, strlen(msg));
	ck_assert_uint_eq(uart.tx_bytes, strlen(msg));
	ck_assert_uint_eq(in(UART_LSR), 0x60);
}
END_TEST

/* book:begin test_thre */
/*
 * The THRE interrupt as the datasheet defines it: a THR write clears it,
 * the holding register emptying sets it again (here at once, so the line
 * stays high while the driver keeps writing); the IIR read that reports
 * it clears it; disabling ETBEI masks it.
 */
START_TEST(thre_interrupt_rules)
{
	out(UART_MCR, UART_MCR_OUT2);
	out(UART_IER, UART_IER_THRI);
	ck_assert(line.level);
	out(UART_TX, 'a');
	out(UART_TX, 'b');
	ck_assert(line.level);
	ck_assert_uint_eq(line.raised, 1);
	ck_assert_uint_eq(in(UART_IIR), 0x02);
	ck_assert(!line.level);
	ck_assert_uint_eq(in(UART_IIR), 0x01); /* cleared by the read */
	out(UART_TX, 'c');		       /* empties again: set */
	ck_assert(line.level);
	out(UART_IER, 0);
	ck_assert(!line.level);
	ck_assert_uint_eq(in(UART_IIR), 0x01);
	ck_assert_uint_eq(line.raised, 2);
	ck_assert_mem_eq(term.out, "abc", 3);
}
END_TEST
/* book:end test_thre */

/* OUT2 gates the interrupt on a PC; loopback forces OUT2 inactive. */
START_TEST(out2_gates_the_interrupt_line)
{
	out(UART_IER, UART_IER_THRI);
	ck_assert(!line.level);
	out(UART_MCR, UART_MCR_OUT2);
	ck_assert(line.level);
	out(UART_MCR, UART_MCR_OUT2 | UART_MCR_LOOP);
	ck_assert(!line.level);
	ck_assert_uint_eq(in(UART_IIR), 0x02); /* still pending inside */
	ck_assert_uint_eq(line.raised, 1);
}
END_TEST

/*
 * Reception with the FIFO at Linux's trigger level (8 bytes, FCR 0x81):
 * below it the character time-out (IIR 0xcc), at it received data
 * (0xc4); reading RBR drains in order and the line falls when empty.
 */
START_TEST(received_bytes_with_fifo_trigger)
{
	char got[9] = { 0 };

	out(UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_R_TRIG_10);
	out(UART_MCR, UART_MCR_OUT2);
	out(UART_IER, UART_IER_RDI);
	receive("ls -");
	ck_assert_uint_eq(in(UART_LSR), 0x61);
	ck_assert_uint_eq(in(UART_IIR), 0xcc);
	ck_assert(line.level);
	receive("l /\r");
	ck_assert_uint_eq(in(UART_IIR), 0xc4);
	for (int i = 0; i < 8; i++)
		got[i] = (char)in(UART_RX);
	ck_assert_str_eq(got, "ls -l /\r");
	ck_assert_uint_eq(in(UART_LSR), 0x60);
	ck_assert_uint_eq(in(UART_IIR), 0xc1);
	ck_assert(!line.level);
	ck_assert_uint_eq(uart.rx_bytes, 8);
}
END_TEST

/* A 17th byte is lost: LSR.OE, the line status interrupt, first in line. */
START_TEST(overrun_is_flagged_and_has_priority)
{
	const char *in20 = "0123456789abcdefghij";

	out(UART_FCR, UART_FCR_ENABLE_FIFO);
	out(UART_MCR, UART_MCR_OUT2);
	out(UART_IER, UART_IER_RDI | UART_IER_RLSI | UART_IER_THRI);
	ck_assert_uint_eq(serial_16550_rx_room(&uart), 16);
	ck_assert_uint_eq(
		serial_16550_receive(&uart, (const uint8_t *)in20, 20), 16);
	ck_assert_uint_eq(serial_16550_rx_room(&uart), 0);
	ck_assert_uint_eq(uart.rx_overruns, 4);
	ck_assert_uint_eq(in(UART_IIR), 0xc6); /* RLSI before RDI, THRI */
	ck_assert_uint_eq(in(UART_LSR), 0x63); /* OE | DR | THRE | TEMT */
	ck_assert_uint_eq(in(UART_LSR), 0x61); /* OE cleared by the read */
	ck_assert_uint_eq(in(UART_IIR), 0xc4); /* 16 >= 1: received data */
	ck_assert_uint_eq(in(UART_RX), '0');   /* the first 16 survived */
	for (int i = 1; i < 16; i++)
		in(UART_RX);
	ck_assert_uint_eq(in(UART_IIR), 0xc2); /* then THRE */
	ck_assert_uint_eq(in(UART_IIR), 0xc1);
}
END_TEST

/* Without the FIFO the receiver holds one byte (the 16450's RBR). */
START_TEST(without_fifo_one_byte_fits)
{
	out(UART_IER, UART_IER_RDI);
	ck_assert_uint_eq(serial_16550_rx_room(&uart), 1);
	ck_assert_uint_eq(serial_16550_receive(&uart, (const uint8_t *)"ab", 2),
			  1);
	ck_assert_uint_eq(in(UART_IIR), 0x04); /* no FIFO bits */
	ck_assert_uint_eq(in(UART_LSR), 0x63);
	ck_assert_uint_eq(in(UART_RX), 'a');
	ck_assert_uint_eq(in(UART_LSR), 0x60);
}
END_TEST

/* FCR: clearing the receiver, or turning the FIFO off, empties it. */
START_TEST(fcr_clears_the_receive_fifo)
{
	out(UART_FCR, UART_FCR_ENABLE_FIFO);
	receive("abc");
	out(UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR);
	ck_assert_uint_eq(in(UART_LSR), 0x60);
	receive("def");
	ck_assert_uint_eq(in(UART_LSR), 0x61);
	out(UART_FCR, 0);
	ck_assert_uint_eq(in(UART_LSR), 0x60);
	ck_assert_uint_eq(in(UART_IIR), 0x01); /* FIFO bits gone */
}
END_TEST

/* In loopback what is sent comes back, and outside input is cut off. */
START_TEST(loopback_returns_what_is_sent)
{
	out(UART_FCR, UART_FCR_ENABLE_FIFO);
	out(UART_MCR, UART_MCR_LOOP);
	out(UART_TX, 'Q');
	ck_assert_uint_eq(term.len, 0);
	ck_assert_uint_eq(serial_16550_receive(&uart, (const uint8_t *)"z", 1),
			  0);
	ck_assert_uint_eq(serial_16550_rx_room(&uart), 0);
	ck_assert_uint_eq(in(UART_LSR), 0x61);
	ck_assert_uint_eq(in(UART_RX), 'Q');
	ck_assert_uint_eq(in(UART_LSR), 0x60);
}
END_TEST

/*
 * Modem status: in loopback MCR's DTR/RTS/OUT1/OUT2 drive DSR/CTS/RI/DCD;
 * changes set the delta bits, which raise the modem status interrupt
 * (lowest priority) until the MSR is read.
 */
START_TEST(modem_status_deltas_and_interrupt)
{
	out(UART_IER, UART_IER_MSI);
	out(UART_MCR, UART_MCR_LOOP | UART_MCR_DTR | UART_MCR_OUT1);
	ck_assert_uint_eq(in(UART_IIR), 0x00); /* MSI pending */
	ck_assert(!line.level);		       /* loopback: OUT2 off */
	/* DSR stays, CTS and DCD fall (DCTS, DDCD), RI rises (no TERI) */
	ck_assert_uint_eq(in(UART_MSR), 0x60 | 0x08 | 0x01);
	ck_assert_uint_eq(in(UART_MSR), 0x60); /* deltas cleared */
	ck_assert_uint_eq(in(UART_IIR), 0x01);
	out(UART_MCR, UART_MCR_LOOP | UART_MCR_DTR); /* RI falls: TERI */
	ck_assert_uint_eq(in(UART_MSR), 0x20 | 0x04);
	out(UART_MCR, UART_MCR_OUT2); /* out of loopback: a ready terminal */
	ck_assert_uint_eq(in(UART_MSR), 0xb0 | 0x08 | 0x01);
	ck_assert(!line.level); /* the deltas were read: nothing pending */
}
END_TEST

/* A 4-byte OUT writes four registers in turn; nothing beyond the eight. */
START_TEST(wide_accesses_touch_consecutive_registers)
{
	uint8_t four[4] = { 'A', UART_IER_THRI, 0, UART_LCR_WLEN8 };

	serial_16550_access(&uart, UART_TX, four, 4, true);
	ck_assert_uint_eq(term.len, 1);
	ck_assert_uint_eq(term.out[0], 'A');
	ck_assert_uint_eq(in(UART_IER), UART_IER_THRI);
	ck_assert_uint_eq(in(UART_LCR), 0x03);
	memset(four, 0, sizeof(four));
	serial_16550_access(&uart, UART_LSR, four, 3, false); /* LSR MSR SCR */
	ck_assert_uint_eq(four[0], 0x60);
	ck_assert_uint_eq(four[1], 0xb0);
	ck_assert_uint_eq(four[2], 0);
}
END_TEST

/* LSR and MSR are read-only; writes to them change nothing. */
START_TEST(writes_to_status_registers_are_ignored)
{
	out(UART_LSR, 0xff);
	out(UART_MSR, 0x00);
	ck_assert_uint_eq(in(UART_LSR), 0x60);
	ck_assert_uint_eq(in(UART_MSR), 0xb0);
}
END_TEST

/*
 * The console path (serial8250_console_write): IER saved and cleared,
 * bytes polled out through LSR.THRE, IER restored with THRI -- which
 * raises THRE, so the tty side resumes its own transmission.
 */
START_TEST(linux_console_write_then_restore_ier)
{
	uint8_t ier;

	out(UART_MCR, UART_MCR_OUT2 | UART_MCR_RTS | UART_MCR_DTR);
	out(UART_IER, UART_IER_RDI | UART_IER_RLSI | UART_IER_THRI);
	ck_assert_uint_eq(in(UART_IIR), 0x02);
	ier = in(UART_IER);
	out(UART_IER, 0);
	for (const char *p = "[ 0.000000] ok\n"; *p; p++) {
		while (!(in(UART_LSR)&UART_LSR_THRE))
			;
		out(UART_TX, (uint8_t)*p);
	}
	ck_assert(!line.level);
	out(UART_IER, ier);
	ck_assert(line.level);
	ck_assert_uint_eq(in(UART_IIR), 0x02);
	ck_assert_uint_eq(term.len, 15);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("serial_16550");
	TCase *linux_tc = tcase_create("linux 8250 driver");
	TCase *regs_tc = tcase_create("registers");

	tcase_add_checked_fixture(linux_tc, setup, teardown);
	tcase_add_checked_fixture(regs_tc, setup, teardown);
	tcase_add_test(linux_tc, linux_probe_ier_test);
	tcase_add_test(linux_tc, linux_probe_loopback_test);
	tcase_add_test(linux_tc, linux_probe_finds_a_16550a);
	tcase_add_test(linux_tc, linux_size_fifo_counts_16);
	tcase_add_test(linux_tc, linux_startup_thre_tests);
	tcase_add_test(linux_tc, linux_console_write_then_restore_ier);
	tcase_add_test(regs_tc, reset_state);
	tcase_add_test(regs_tc, scratch_register_holds_any_byte);
	tcase_add_test(regs_tc, dlab_selects_the_divisor_latch);
	tcase_add_test(regs_tc, thr_bytes_reach_the_output);
	tcase_add_test(regs_tc, thre_interrupt_rules);
	tcase_add_test(regs_tc, out2_gates_the_interrupt_line);
	tcase_add_test(regs_tc, received_bytes_with_fifo_trigger);
	tcase_add_test(regs_tc, overrun_is_flagged_and_has_priority);
	tcase_add_test(regs_tc, without_fifo_one_byte_fits);
	tcase_add_test(regs_tc, fcr_clears_the_receive_fifo);
	tcase_add_test(regs_tc, loopback_returns_what_is_sent);
	tcase_add_test(regs_tc, modem_status_deltas_and_interrupt);
	tcase_add_test(regs_tc, wide_accesses_touch_consecutive_registers);
	tcase_add_test(regs_tc, writes_to_status_registers_are_ignored);
	suite_add_tcase(s, linux_tc);
	suite_add_tcase(s, regs_tc);
	return run_suite(s);
}

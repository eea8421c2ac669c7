/*
 * serial_16550.c - a 16550A UART on the port bus, driven by interrupts.
 *
 * Runs: userspace (the VMM), on the vCPU thread that exits on an IN or
 * OUT to its ports, and on the VMM's input thread (serial_16550_receive);
 * one mutex keeps them apart.  The host unit tests include this file.
 *
 * Spec: National Semiconductor PC16550D datasheet: "Registers" (RBR, THR,
 * IER, IIR, FCR, LCR, MCR, LSR, MSR, SCR, DLL/DLM), "Interrupt
 * Identification Register" (the priority of the four causes, and how each
 * is reset), "FIFO Interrupt Mode Operation", "Loopback"; the PC/AT
 * serial adapter, where the OUT2 output enables the interrupt driver.
 * Register and bit names are those of <linux/serial_reg.h>.
 *
 * What a real UART does over time happens at once here: a byte written to
 * THR is on the wire (the output function) before the OUT returns, so the
 * transmitter is always empty again (LSR.THRE and TEMT always set), and a
 * receive FIFO below its trigger level reports the character time-out at
 * once, as if the four character times had passed (input arrives from the
 * VMM in bursts; nothing more is coming when the guest looks).
 */
#include <string.h>
#include <linux/serial_reg.h>

#include "serial_16550.h"

/* IIR bits 7:6 with the FIFOs enabled (the kernel's serial_reg.h name). */
#define UART_IIR_FIFO_ENABLED_16550A 0xc0
#define UART_IER_MASK		     0x0f /* bits 7:4 of IER read 0 */
#define UART_MCR_MASK		     0x1f /* bits 7:5 of MCR read 0 */
/*
 * Without a modem the VMM plays a terminal that is on and ready: Data
 * Set Ready, Clear To Send and Data Carrier Detect are asserted.
 */
#define MSR_TERMINAL_READY (UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS)
#define MSR_STATUS	   0xf0 /* the four modem status inputs */

/* "FIFO Control Register": the receive trigger levels of bits 7:6. */
static const unsigned int rx_trigger_levels[] = { 1, 4, 8, 14 };

static bool fifo_enabled(const struct serial_16550 *s)
{
	return s->fcr & UART_FCR_ENABLE_FIFO;
}

static bool loopback(const struct serial_16550 *s)
{
	return s->mcr & UART_MCR_LOOP;
}

/* The receiver holds 16 bytes with the FIFO on, one (RBR) without. */
static unsigned int rx_capacity(const struct serial_16550 *s)
{
	return fifo_enabled(s) ? SERIAL_16550_FIFO_SIZE : 1;
}

/* book:begin serial_iir */
/*
 * Which cause the IIR reports, highest priority first ("Interrupt
 * Identification Register"): receiver line status (an overrun), received
 * data (at the trigger level, or the character time-out below it),
 * transmitter holding register empty, modem status.  Each counts only
 * while its IER bit is set.
 */
static uint8_t serial_iir_id(const struct serial_16550 *s)
{
	unsigned int trigger = rx_trigger_levels[UART_FCR_R_TRIG_BITS(s->fcr)];

	if ((s->ier & UART_IER_RLSI) && s->overrun)
		return UART_IIR_RLSI;
	if ((s->ier & UART_IER_RDI) && s->rx_count)
		return fifo_enabled(s) && s->rx_count < trigger
			       ? UART_IIR_RX_TIMEOUT
			       : UART_IIR_RDI;
	if ((s->ier & UART_IER_THRI) && s->thr_ipending)
		return UART_IIR_THRI;
	if ((s->ier & UART_IER_MSI) && (s->msr & UART_MSR_ANY_DELTA))
		return UART_IIR_MSI;
	return UART_IIR_NO_INT;
}
/* book:end serial_iir */

/* book:begin serial_update_irq */
/*
 * The interrupt line: high while a cause is pending and OUT2 is set (on
 * a PC the OUT2 pin enables the card's interrupt driver; in loopback the
 * chip forces OUT2 inactive, so the line stays low).  Driven only on a
 * change of level, as irq.h asks.
 */
static void serial_update_irq(struct serial_16550 *s)
{
	bool level = serial_iir_id(s) != UART_IIR_NO_INT &&
		     (s->mcr & UART_MCR_OUT2) && !loopback(s);

	if (level == s->irq_level)
		return;
	s->irq_level = level;
	irq_set_level(s->irq, level);
}
/* book:end serial_update_irq */

/* The modem status inputs: a ready terminal, or MCR's outputs looped. */
static uint8_t msr_status(const struct serial_16550 *s)
{
	uint8_t st = 0;

	if (!loopback(s))
		return MSR_TERMINAL_READY;
	if (s->mcr & UART_MCR_RTS)
		st |= UART_MSR_CTS;
	if (s->mcr & UART_MCR_DTR)
		st |= UART_MSR_DSR;
	if (s->mcr & UART_MCR_OUT1)
		st |= UART_MSR_RI;
	if (s->mcr & UART_MCR_OUT2)
		st |= UART_MSR_DCD;
	return st;
}

/* New modem status inputs: set the delta bits for what changed. */
static void msr_update(struct serial_16550 *s)
{
	uint8_t old = s->msr & MSR_STATUS, now = msr_status(s);
	uint8_t changed = old ^ now;

	if (changed & UART_MSR_CTS)
		s->msr |= UART_MSR_DCTS;
	if (changed & UART_MSR_DSR)
		s->msr |= UART_MSR_DDSR;
	if ((old & UART_MSR_RI) && !(now & UART_MSR_RI))
		s->msr |= UART_MSR_TERI; /* trailing edge only */
	if (changed & UART_MSR_DCD)
		s->msr |= UART_MSR_DDCD;
	s->msr = (s->msr & UART_MSR_ANY_DELTA) | now;
}

static void rx_clear(struct serial_16550 *s)
{
	s->rx_head = 0;
	s->rx_count = 0;
}

/* A byte reaches the receiver: into the FIFO, or lost to an overrun. */
static bool rx_push(struct serial_16550 *s, uint8_t byte)
{
	if (s->rx_count >= rx_capacity(s)) {
		s->overrun = true;
		s->rx_overruns++;
		return false;
	}
	s->rx[(s->rx_head + s->rx_count) % SERIAL_16550_FIFO_SIZE] = byte;
	s->rx_count++;
	s->rx_bytes++;
	return true;
}

static uint8_t rx_pop(struct serial_16550 *s)
{
	uint8_t byte;

	if (!s->rx_count)
		return 0;
	byte = s->rx[s->rx_head];
	s->rx_head = (s->rx_head + 1) % SERIAL_16550_FIFO_SIZE;
	s->rx_count--;
	return byte;
}

/* book:begin serial_thr */
/*
 * THR: writing it clears the THRE interrupt; the byte leaves at once (to
 * the output, or back into the receiver in loopback), the holding
 * register is empty again, and that sets the THRE interrupt anew.
 */
static void thr_write(struct serial_16550 *s, uint8_t byte)
{
	s->thr_ipending = false;
	if (loopback(s)) {
		rx_push(s, byte);
	} else {
		s->output(s->opaque, &byte, 1);
		s->tx_bytes++;
	}
	s->thr_ipending = true;
}
/* book:end serial_thr */

/* book:begin serial_ier */
/*
 * IER: enabling the THRE interrupt while the holding register is empty
 * (here: always) raises it at once; the Linux driver tests for exactly
 * this (UART_BUG_THRE, UART_BUG_TXEN in 8250_port.c).
 */
static void ier_write(struct serial_16550 *s, uint8_t val)
{
	uint8_t old = s->ier;

	s->ier = val & UART_IER_MASK;
	if ((s->ier & UART_IER_THRI) && !(old & UART_IER_THRI))
		s->thr_ipending = true;
}
/* book:end serial_ier */

/*
 * FCR: bit 0 enables the FIFOs, and changing it empties them; the other
 * bits are written only together with bit 0 ("FIFO Control Register").
 * Bits 5:4 are reserved on the 16550A (the TI16C750's 64-byte mode is not
 * here, so the Linux probe does not take us for one).
 */
static void fcr_write(struct serial_16550 *s, uint8_t val)
{
	if ((val ^ s->fcr) & UART_FCR_ENABLE_FIFO)
		rx_clear(s);
	if (!(val & UART_FCR_ENABLE_FIFO)) {
		s->fcr = 0;
		return;
	}
	if (val & UART_FCR_CLEAR_RCVR)
		rx_clear(s);
	s->fcr = val & (UART_FCR_ENABLE_FIFO | UART_FCR_TRIGGER_MASK);
}

/* IIR: reading it while THRE is the reported cause clears that cause. */
static uint8_t iir_read(struct serial_16550 *s)
{
	uint8_t id = serial_iir_id(s);

	if (id == UART_IIR_THRI)
		s->thr_ipending = false;
	return id | (fifo_enabled(s) ? UART_IIR_FIFO_ENABLED_16550A : 0);
}

/* LSR: reading it clears the overrun (and so the line status cause). */
static uint8_t lsr_read(struct serial_16550 *s)
{
	uint8_t lsr = UART_LSR_THRE | UART_LSR_TEMT;

	if (s->rx_count)
		lsr |= UART_LSR_DR;
	if (s->overrun)
		lsr |= UART_LSR_OE;
	s->overrun = false;
	return lsr;
}

/* MSR: reading it clears the delta bits. */
static uint8_t msr_read(struct serial_16550 *s)
{
	uint8_t msr = s->msr;

	s->msr &= ~UART_MSR_ANY_DELTA;
	return msr;
}

static bool dlab(const struct serial_16550 *s)
{
	return s->lcr & UART_LCR_DLAB;
}

static uint8_t reg_read(struct serial_16550 *s, unsigned int reg)
{
	switch (reg) {
	case UART_RX:
		return dlab(s) ? s->dll : rx_pop(s);
	case UART_IER:
		return dlab(s) ? s->dlm : s->ier;
	case UART_IIR:
		return iir_read(s);
	case UART_LCR:
		return s->lcr;
	case UART_MCR:
		return s->mcr;
	case UART_LSR:
		return lsr_read(s);
	case UART_MSR:
		return msr_read(s);
	default:
		return s->scr;
	}
}

static void reg_write(struct serial_16550 *s, unsigned int reg, uint8_t val)
{
	switch (reg) {
	case UART_TX:
		if (dlab(s))
			s->dll = val;
		else
			thr_write(s, val);
		break;
	case UART_IER:
		if (dlab(s))
			s->dlm = val;
		else
			ier_write(s, val);
		break;
	case UART_FCR:
		fcr_write(s, val);
		break;
	case UART_LCR:
		s->lcr = val;
		break;
	case UART_MCR:
		s->mcr = val & UART_MCR_MASK;
		msr_update(s);
		break;
	case UART_SCR:
		s->scr = val;
		break;
	default: /* LSR and MSR: factory test only; writes ignored */
		break;
	}
}

/* book:begin serial_access */
/*
 * The bus handler.  The registers are bytes; a wider access touches the
 * next registers in turn, as an 8-bit device on a 16-bit bus sees it.
 */
void serial_16550_access(void *opaque, uint64_t offset, uint8_t *data,
			 uint32_t len, bool is_write)
{
	struct serial_16550 *s = opaque;

	pthread_mutex_lock(&s->lock);
	for (uint32_t i = 0; i < len; i++) {
		unsigned int reg =
			(unsigned int)((offset + i) % SERIAL_16550_REGS);

		if (is_write)
			reg_write(s, reg, data[i]);
		else
			data[i] = reg_read(s, reg);
	}
	serial_update_irq(s);
	pthread_mutex_unlock(&s->lock);
}
/* book:end serial_access */

/* book:begin serial_receive */
/*
 * Bytes from outside (the VMM's stdin) arrive at the receiver.  Those
 * that find the FIFO full are lost and flagged as an overrun (LSR.OE),
 * as on the wire; in loopback the input pin is disconnected and they are
 * lost without a trace.  Returns how many reached the FIFO; a VMM that
 * loses nothing asks serial_16550_rx_room() first.
 */
size_t serial_16550_receive(struct serial_16550 *s, const uint8_t *buf,
			    size_t len)
{
	size_t taken = 0;

	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < len && !loopback(s); i++)
		taken += rx_push(s, buf[i]);
	serial_update_irq(s);
	pthread_mutex_unlock(&s->lock);
	return taken;
}
/* book:end serial_receive */

size_t serial_16550_rx_room(struct serial_16550 *s)
{
	size_t room;

	pthread_mutex_lock(&s->lock);
	room = loopback(s) ? 0 : rx_capacity(s) - s->rx_count;
	pthread_mutex_unlock(&s->lock);
	return room;
}

/* The state after the chip's reset ("Registers": reset values). */
void serial_16550_init(struct serial_16550 *s, struct irq_line *irq,
		       serial_output_fn output, void *opaque)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	s->irq = irq;
	s->output = output;
	s->opaque = opaque;
	s->msr = msr_status(s);
}

void serial_16550_destroy(struct serial_16550 *s)
{
	pthread_mutex_destroy(&s->lock);
}

/*
 * runtime.c - the guest runtime: console, time, exit and printf over
 * hypercalls.
 *
 * Runs: inside the VM, freestanding C in 64-bit long mode, linked into every
 * C guest after start.asm.  No libc: what a guest needs is here.
 * Spec: the hypercall ABI in common/include/hypercall.h; C11 7.21.6.1
 * "The fprintf function" (conversion specifications, a subset).
 */
#include "runtime.h"

#define U64_DIGITS_MAX	20 /* 2^64 - 1 has 20 decimal digits */
#define DECIMAL		10
#define HEXADECIMAL	16
#define PRINTF_LINE_MAX 256 /* printf's buffer: one PUTS per call */

/* book:begin calls */
_Noreturn void exit(int code)
{
	for (;;) /* EXIT does not return; if the VMM says no, insist */
		hypercall(HC_EXIT, (uint64_t)code & HC_EXIT_CODE_MAX, 0, 0, 0);
}

int putchar(int c)
{
	return (int)hypercall(HC_PUTCHAR, (uint8_t)c, 0, 0, 0);
}

/* Guest-virtual = guest-physical (identity-mapped), so a pointer is a gpa. */
int64_t puts_n(const char *s, size_t len)
{
	return hypercall(HC_PUTS, (uint64_t)(uintptr_t)s, len, 0, 0);
}

uint64_t gettime_ns(void)
{
	return (uint64_t)hypercall(HC_GETTIME, 0, 0, 0, 0);
}

int64_t vminfo(struct hc_vminfo *info)
{
	return hypercall(HC_VMINFO, (uint64_t)(uintptr_t)info, sizeof(*info), 0,
			 0);
}
/* book:end calls */

/* The compiler may emit calls to these even in freestanding code. */
void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

/* An output buffer that counts what would have been written. */
struct out {
	char *buf;
	size_t size, len;
};

static void emit(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

/* value in base, at least width digits wide, padded with pad. */
static void emit_number(struct out *o, uint64_t value, unsigned int base,
			int negative, int width, char pad)
{
	char digits[U64_DIGITS_MAX];
	int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[value % base];
		value /= base;
	} while (value);
	if (negative && pad == '0')
		emit(o, '-');
	for (int i = n + negative; i < width; i++)
		emit(o, pad);
	if (negative && pad != '0')
		emit(o, '-');
	while (n)
		emit(o, digits[--n]);
}

/* book:begin vsnprintf */
/* A conversion's flags: the 0 flag, a width, l, ll or z. */
struct spec {
	char pad;  /* ' ', or '0' with the 0 flag */
	int width; /* at least this many characters */
	int longs; /* l or z: 64 bits */
	char conv; /* d i u x p s c, or anything else (printed as is) */
};

/* Print one argument as spec says. */
static void emit_conversion(struct out *o, const struct spec *sp, va_list *ap)
{
	switch (sp->conv) {
	case 'd':
	case 'i': {
		int64_t v = sp->longs ? va_arg(*ap, int64_t) : va_arg(*ap, int);
		uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;

		emit_number(o, mag, DECIMAL, v < 0, sp->width, sp->pad);
		break;
	}
	case 'u':
	case 'x':
		emit_number(o,
			    sp->longs ? va_arg(*ap, uint64_t)
				      : va_arg(*ap, unsigned int),
			    sp->conv == 'u' ? DECIMAL : HEXADECIMAL, 0,
			    sp->width, sp->pad);
		break;
	case 'p':
		emit(o, '0');
		emit(o, 'x');
		emit_number(o, (uintptr_t)va_arg(*ap, void *), HEXADECIMAL, 0,
			    sp->width, sp->pad);
		break;
	case 's':
		for (const char *s = va_arg(*ap, const char *); *s; s++)
			emit(o, *s);
		break;
	case 'c':
		emit(o, (char)va_arg(*ap, int));
		break;
	default:
		emit(o, sp->conv); /* "%%" and anything unknown */
		break;
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	va_list args; /* a va_list of our own, to pass by address */

	va_copy(args, ap);
	for (; *fmt; fmt++) {
		struct spec sp = { .pad = ' ' };

		if (*fmt != '%') {
			emit(&o, *fmt);
			continue;
		}
		if (*++fmt == '0')
			sp.pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			sp.width = sp.width * DECIMAL + (*fmt++ - '0');
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			sp.longs = 1; /* l, ll, z: all 64 bits here */
		if (*fmt == '\0')
			break; /* a lone '%' at the end */
		sp.conv = *fmt;
		emit_conversion(&o, &sp, &args);
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}
/* book:end vsnprintf */

/* book:begin printf */
/* Format into a buffer, then one PUTS: one exit per printf, not per byte. */
int printf(const char *fmt, ...)
{
	char buf[PRINTF_LINE_MAX];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len >= (int)sizeof(buf))
		len = sizeof(buf) - 1; /* truncated */
	return (int)puts_n(buf, (size_t)len);
}
/* book:end printf */

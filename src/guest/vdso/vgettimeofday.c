/*
 * The accelerated time functions of our vDSO: __vdso_clock_gettime, __vdso_gettimeofday and
 * __vdso_clock_getres. Our own code, written to the same contract as Linux 6.1's lib/vdso/gettimeofday.c
 * for riscv64 (same data page, same clock classes, same fallbacks), so that a debugger user can compare the
 * two side by side.
 *
 * The data page (struct vdso_data[CS_BASES], layout generated from src/kernel/vdso/datapage.ts) sits two
 * pages below the vDSO text; the linker script defines _vdso_data / _timens_data there. Hidden visibility
 * makes the compiler address them PC-relatively (auipc), no GOT.
 */
#include "vdso.h"

struct vlab_timespec { long long tv_sec; long tv_nsec; };        /* struct __kernel_timespec */
struct vlab_timeval { long tv_sec; long tv_usec; };              /* struct __kernel_old_timeval */
struct vlab_timezone { int tz_minuteswest; int tz_dsttime; };    /* struct timezone */

extern const struct vdso_data _vdso_data[CS_BASES] __attribute__((visibility("hidden")));
extern const struct vdso_data _timens_data[CS_BASES] __attribute__((visibility("hidden")));

int __vdso_clock_gettime(int clock, struct vlab_timespec *ts);
int __vdso_gettimeofday(struct vlab_timeval *tv, struct vlab_timezone *tz);
int __vdso_clock_getres(int clock, struct vlab_timespec *res);

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define barrier()	__asm__ __volatile__("" ::: "memory")
/* Order the seq read before the data reads (and the data reads before the seq re-read). */
#define smp_rmb()	__asm__ __volatile__("fence r, r" ::: "memory")
#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))

/* ---- fallbacks: the real system calls ---- */

static __attribute__((always_inline)) inline long vlab_syscall2(long nr, long arg0, long arg1)
{
	register long a0 __asm__("a0") = arg0;
	register long a1 __asm__("a1") = arg1;
	register long a7 __asm__("a7") = nr;
	__asm__ __volatile__("ecall" : "+r"(a0) : "r"(a1), "r"(a7) : "memory");
	return a0;
}

/* ---- the data page ---- */

static __attribute__((always_inline)) inline vlab_u64 read_time_csr(void)
{
	vlab_u64 t;
	/* `rdtime` reads the `time` CSR (0xc01). No fences needed around it: on riscv it is either a real
	 * counter read or a trap to M-mode, both ordered with respect to our loads by the seq protocol. */
	__asm__ __volatile__("rdtime %0" : "=r"(t));
	return t;
}

static __attribute__((always_inline)) inline const struct vdso_data *get_vdso_data(void)
{
	const struct vdso_data *vd = _vdso_data;
	/* Keep the compiler from assuming anything about the (external, hidden) page. */
	__asm__("" : "+r"(vd));
	return vd;
}

static __attribute__((always_inline)) inline const struct vdso_data *get_timens_data(void)
{
	const struct vdso_data *vd = _timens_data;
	__asm__("" : "+r"(vd));
	return vd;
}

/* Wait for an even sequence count and return it; *timens is set when the page is a time-namespace page
 * (which keeps seq odd forever). */
static __attribute__((always_inline)) inline vlab_u32 seq_begin(const struct vdso_data *vd, int *timens)
{
	vlab_u32 seq;
	*timens = 0;
	while (unlikely((seq = READ_ONCE(vd->seq)) & 1)) {
		if (READ_ONCE(vd->clock_mode) == VDSO_CLOCKMODE_TIMENS) {
			*timens = 1;
			return seq;
		}
		barrier();
	}
	smp_rmb();
	return seq;
}

static __attribute__((always_inline)) inline int seq_retry(const struct vdso_data *vd, vlab_u32 start)
{
	smp_rmb();
	return READ_ONCE(vd->seq) != start;
}

/* Split ns into whole seconds (added to *sec) and the remainder, without a division (ns is at most a few
 * seconds' worth). */
static __attribute__((always_inline)) inline vlab_u64 carry_seconds(vlab_u64 ns, vlab_u64 *sec)
{
	while (ns >= NSEC_PER_SEC) {
		__asm__("" : "+r"(ns));	/* keep it a loop, not a divide */
		ns -= NSEC_PER_SEC;
		(*sec)++;
	}
	return ns;
}

/* High-resolution read of vd->basetime[clock]; vd is vd[CS_HRES_COARSE] or vd[CS_RAW] of the real page.
 * Returns -1 when the clocksource cannot be read from user mode. */
static int do_hres(const struct vdso_data *vd, int clock, vlab_u64 *psec, vlab_u64 *pns)
{
	const struct vdso_timestamp *base = &vd->basetime[clock];
	vlab_u64 cycles, ns, sec;
	vlab_u32 seq;
	int timens;

	do {
		seq = seq_begin(vd, &timens);
		if (unlikely(timens))
			return -1;	/* the real page never has VDSO_CLOCKMODE_TIMENS */
		if (unlikely(READ_ONCE(vd->clock_mode) == VDSO_CLOCKMODE_NONE))
			return -1;
		cycles = read_time_csr();
		ns = READ_ONCE(base->nsec);	/* shifted nanoseconds */
		ns += ((cycles - READ_ONCE(vd->cycle_last)) & READ_ONCE(vd->mask)) * READ_ONCE(vd->mult);
		ns >>= READ_ONCE(vd->shift);
		sec = READ_ONCE(base->sec);
	} while (unlikely(seq_retry(vd, seq)));

	*pns = carry_seconds(ns, &sec);
	*psec = sec;
	return 0;
}

/* Coarse clocks: the stored value, no counter read. */
static int do_coarse(const struct vdso_data *vd, int clock, vlab_u64 *psec, vlab_u64 *pns)
{
	const struct vdso_timestamp *base = &vd->basetime[clock];
	vlab_u64 ns, sec;
	vlab_u32 seq;
	int timens;

	do {
		seq = seq_begin(vd, &timens);
		if (unlikely(timens))
			return -1;
		sec = READ_ONCE(base->sec);
		ns = READ_ONCE(base->nsec);
	} while (unlikely(seq_retry(vd, seq)));

	*psec = sec;
	*pns = ns;
	return 0;
}

/* Read clock through entry vd (of the page at `page`). In a time namespace the page at the data slot is
 * the namespace page: read the real page (mapped at the timens slot) and add the namespace's offset. */
static int do_clock(int clock, vlab_u32 msk, vlab_u64 *psec, vlab_u64 *pns)
{
	const struct vdso_data *vd = get_vdso_data();
	const struct vdso_data *ns_vd = 0;
	int entry = (msk & VDSO_RAW) ? CS_RAW : CS_HRES_COARSE;
	int ret;

	if (unlikely(READ_ONCE(vd[entry].clock_mode) == VDSO_CLOCKMODE_TIMENS)) {
		ns_vd = &vd[entry];
		vd = get_timens_data();
	}
	if (msk & VDSO_COARSE)
		ret = do_coarse(&vd[entry], clock, psec, pns);
	else
		ret = do_hres(&vd[entry], clock, psec, pns);
	if (ret)
		return ret;
	if (ns_vd) {
		/* Namespace offsets are written once at namespace creation; no seq needed. */
		vlab_u64 sec = *psec + (vlab_u64)ns_vd->offset[clock].sec;
		*pns = carry_seconds(*pns + ns_vd->offset[clock].nsec, &sec);
		*psec = sec;
	}
	return 0;
}

int __vdso_clock_gettime(int clock, struct vlab_timespec *ts)
{
	vlab_u64 sec, ns;
	vlab_u32 msk;

	if (unlikely((unsigned int)clock >= MAX_CLOCKS))
		goto fallback;
	msk = 1u << clock;
	if (!(msk & (VDSO_HRES | VDSO_COARSE | VDSO_RAW)))
		goto fallback;	/* CPU-time clocks, alarm clocks, ... */
	if (do_clock(clock, msk, &sec, &ns))
		goto fallback;
	ts->tv_sec = (long long)sec;
	ts->tv_nsec = (long)ns;
	return 0;
fallback:
	return (int)vlab_syscall2(__NR_clock_gettime, clock, (long)ts);
}

int __vdso_gettimeofday(struct vlab_timeval *tv, struct vlab_timezone *tz)
{
	if (likely(tv != 0)) {
		vlab_u64 sec, ns;
		if (do_clock(CLOCK_REALTIME, 1u << CLOCK_REALTIME, &sec, &ns))
			return (int)vlab_syscall2(__NR_gettimeofday, (long)tv, (long)tz);
		tv->tv_sec = (long)sec;
		tv->tv_usec = (long)((vlab_u32)ns / NSEC_PER_USEC);
	}
	if (unlikely(tz != 0)) {
		const struct vdso_data *vd = get_vdso_data();
		if (READ_ONCE(vd[CS_HRES_COARSE].clock_mode) == VDSO_CLOCKMODE_TIMENS)
			vd = get_timens_data();
		tz->tz_minuteswest = READ_ONCE(vd[CS_HRES_COARSE].tz_minuteswest);
		tz->tz_dsttime = READ_ONCE(vd[CS_HRES_COARSE].tz_dsttime);
	}
	return 0;
}

int __vdso_clock_getres(int clock, struct vlab_timespec *res)
{
	const struct vdso_data *vd = get_vdso_data();
	vlab_u32 msk, ns;

	if (unlikely((unsigned int)clock >= MAX_CLOCKS))
		goto fallback;
	if (READ_ONCE(vd[CS_HRES_COARSE].clock_mode) == VDSO_CLOCKMODE_TIMENS)
		vd = get_timens_data();
	msk = 1u << clock;
	if (msk & (VDSO_HRES | VDSO_RAW))
		ns = READ_ONCE(vd[CS_HRES_COARSE].hrtimer_res);
	else if (msk & VDSO_COARSE)
		ns = LOW_RES_NSEC;
	else
		goto fallback;
	if (likely(res != 0)) {
		res->tv_sec = 0;
		res->tv_nsec = (long)ns;
	}
	return 0;
fallback:
	return (int)vlab_syscall2(__NR_clock_getres, clock, (long)res);
}

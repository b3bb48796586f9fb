/* bench/syscall/getpid.c: N getpid system calls (N = argv[1], default 0), then exit(0). No libc, so the run is
 * the calls and nothing else: `npm run bench` times N = 0 and N = 200000 and divides the difference by N to get the
 * host cost of one round trip (ecall, the kernel's trap entry, the call, sret). */
#define SYS_getpid 172
#define SYS_exit_group 94

static long sys0(long n)
{
    register long a7 __asm__("a7") = n;
    register long a0 __asm__("a0");
    __asm__ volatile("ecall" : "=r"(a0) : "r"(a7) : "memory");
    return a0;
}

static void sys_exit(long code)
{
    register long a7 __asm__("a7") = SYS_exit_group;
    register long a0 __asm__("a0") = code;
    __asm__ volatile("ecall" : : "r"(a7), "r"(a0) : "memory");
    for (;;) {}
}

static long parse(const char *s)
{
    long v = 0;
    while (s && *s >= '0' && *s <= '9') v = v * 10 + (*s++ - '0');
    return v;
}

__attribute__((used)) void start_c(long *sp)
{
    long argc = sp[0];
    char **argv = (char **)(sp + 1);
    long n = argc > 1 ? parse(argv[1]) : 0;
    long bad = 0;
    for (long i = 0; i < n; i++) bad |= sys0(SYS_getpid) <= 0;
    sys_exit(bad); /* 1 when a call did not return a pid */
}

__asm__(".globl _start\n_start:\n mv a0, sp\n j start_c\n");

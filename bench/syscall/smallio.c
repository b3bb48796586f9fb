/* bench/syscall/smallio.c: `dd bs=1` in raw system calls, for `npm run bench`: copies FILE (argv[1]) to OUT
 * (argv[2], default /dev/null) with one read(2) and one write(2) per byte, then prints the byte count and a
 * checksum (FNV-1a) to stdout. No libc, so the run is its system calls and little else. */
#define SYS_openat 56
#define SYS_close 57
#define SYS_read 63
#define SYS_write 64
#define SYS_exit_group 94
#define AT_FDCWD (-100)
#define O_RDONLY 0
#define O_WRONLY 1
#define O_CREAT 0100
#define O_TRUNC 01000

static long sys4(long n, long a, long b, long c, long d)
{
    register long a7 __asm__("a7") = n;
    register long a0 __asm__("a0") = a;
    register long a1 __asm__("a1") = b;
    register long a2 __asm__("a2") = c;
    register long a3 __asm__("a3") = d;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a7), "r"(a1), "r"(a2), "r"(a3) : "memory");
    return a0;
}

static void sys_exit(long code)
{
    sys4(SYS_exit_group, code, 0, 0, 0);
    for (;;) {}
}

static void say(const char *s)
{
    long n = 0;
    while (s[n]) n++;
    sys4(SYS_write, 1, (long)s, n, 0);
}

static char *decimal(char *end, unsigned long v)
{
    *--end = 0;
    do { *--end = (char)('0' + v % 10); v /= 10; } while (v);
    return end;
}

__attribute__((used)) void start_c(long *sp)
{
    long argc = sp[0];
    char **argv = (char **)(sp + 1);
    if (argc < 2) { say("usage: smallio FILE [OUT]\n"); sys_exit(2); }
    long in = sys4(SYS_openat, AT_FDCWD, (long)argv[1], O_RDONLY, 0);
    long out = sys4(SYS_openat, AT_FDCWD, (long)(argc > 2 ? argv[2] : "/dev/null"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0) { say("smallio: cannot open\n"); sys_exit(1); }
    unsigned long count = 0, hash = 14695981039346656037ul;
    unsigned char c;
    for (;;) {
        long r = sys4(SYS_read, in, (long)&c, 1, 0);
        if (r < 0) { say("smallio: read failed\n"); sys_exit(1); }
        if (r == 0) break;
        if (sys4(SYS_write, out, (long)&c, 1, 0) != 1) { say("smallio: write failed\n"); sys_exit(1); }
        hash = (hash ^ c) * 1099511628211ul;
        count++;
    }
    sys4(SYS_close, in, 0, 0, 0);
    sys4(SYS_close, out, 0, 0, 0);
    char buf[32];
    say(decimal(buf + sizeof buf, count));
    say(" bytes, FNV-1a ");
    say(decimal(buf + sizeof buf, hash));
    say("\n");
    sys_exit(0);
}

__asm__(".globl _start\n_start:\n mv a0, sp\n j start_c\n");

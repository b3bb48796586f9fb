/*
 * /init of the full-system demo initramfs (issue 19): the first user process of the real Linux kernel.
 *
 * It mounts /proc, prints the date (CLOCK_REALTIME, set from the machine's real-time clock at boot), shows
 * where the kernel mapped the vDSO and its data page in this process, checks that the clocks glibc reads
 * through the vDSO move forward, runs the sample programs (/bin/vdso, /bin/syscall, /bin/vdso_sym: the seed's
 * programs) and Linux's own vDSO selftests (/selftests/vdso_test_*, built from the kernel's
 * tools/testing/selftests/vDSO) one after the other, and powers the machine off. Every line it prints starts
 * with "init: " so a test can compare them between machines; only the date line depends on the time.
 *
 * With "initecho=1" on the kernel command line (the kernel passes it in the environment) it first asks for a
 * line on the console and prints what it read: the UART's receive path, interrupt-driven through the PLIC.
 * "initrun=/bin/a:/bin/b" runs more programs at the end. A program that fails counts: the machine powers off
 * with the number of failures as its status (finish_with), 0 when all passed.
 *
 * Static glibc, built by scripts/build-initramfs.sh with the GNU cross toolchain.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static int failures, skips;

static void fail(const char *what)
{
    printf("init: FAIL %s (errno %d)\n", what, errno);
    failures++;
}

/* Print the [vdso] and [vvar] lines of /proc/self/maps without their addresses (ASLR moves them). */
static void show_vdso_mapping(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[256];
    int seen = 0;
    if (!f) { fail("open /proc/self/maps"); return; }
    while (fgets(line, sizeof line, f)) {
        char *name = strchr(line, '[');
        char *perms = strchr(line, ' ');
        if (!name || !perms || (strncmp(name, "[vdso]", 6) != 0 && strncmp(name, "[vvar]", 6) != 0)) continue;
        name[6] = '\0';
        printf("init: %s mapped %.4s\n", name, perms + 1);
        seen++;
    }
    fclose(f);
    if (seen != 2) fail("[vdso] and [vvar] in /proc/self/maps");
}

static long long ns(const struct timespec *t) { return t->tv_sec * 1000000000LL + t->tv_nsec; }

static void check_clocks(void)
{
    static const struct { clockid_t id; const char *name; } clocks[] = {
        { CLOCK_REALTIME, "CLOCK_REALTIME" }, { CLOCK_MONOTONIC, "CLOCK_MONOTONIC" },
        { CLOCK_MONOTONIC_RAW, "CLOCK_MONOTONIC_RAW" }, { CLOCK_BOOTTIME, "CLOCK_BOOTTIME" },
    };
    for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        struct timespec a, b;
        if (clock_gettime(clocks[i].id, &a) != 0 || clock_gettime(clocks[i].id, &b) != 0) { fail(clocks[i].name); continue; }
        if (ns(&b) < ns(&a)) { fail("a clock went backwards"); continue; }
        printf("init: clock_gettime(%s) ok\n", clocks[i].name);
    }
    /* read CLOCK_MONOTONIC through the vDSO until it has moved 20 ms: several timer ticks, so the kernel's
     * update_vsyscall rewrites [vvar] while this process reads it (a debugger can watch that happen) */
    struct timespec start, now;
    long spins = 0;
    clock_gettime(CLOCK_MONOTONIC, &start);
    do {
        clock_gettime(CLOCK_MONOTONIC, &now);
        spins++;
    } while (ns(&now) - ns(&start) < 20000000LL && spins < 100000000L);
    if (ns(&now) - ns(&start) < 20000000LL) fail("CLOCK_MONOTONIC did not advance 20 ms");
    else printf("init: CLOCK_MONOTONIC advanced 20 ms across timer ticks\n");
    struct timeval tv;
    if (gettimeofday(&tv, NULL) != 0) fail("gettimeofday");
    else printf("init: gettimeofday ok\n");
}

/* What a program's exit status means: 0 passes; the kselftest convention gives 4 for a skip. */
static const char *verdict(int status)
{
    if (!WIFEXITED(status)) return "killed";
    switch (WEXITSTATUS(status)) {
    case 0: return "pass";
    case 4: return "skip";
    default: return "FAIL";
    }
}

static void run(const char *path)
{
    pid_t pid = fork();
    if (pid < 0) { fail("fork"); return; }
    if (pid == 0) {
        char *argv[] = { (char *)path, NULL };
        char *envp[] = { "PATH=/bin", NULL };
        execve(path, argv, envp);
        printf("init: FAIL execve %s (errno %d)\n", path, errno);
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid) { fail("waitpid"); return; }
    if (WIFEXITED(status)) printf("init: %s exited with %d (%s)\n", path, WEXITSTATUS(status), verdict(status));
    else printf("init: %s ended by signal %d\n", path, WTERMSIG(status));
    /* a skip is the test's own verdict (6.1's vdso_test_gettimeofday and vdso_test_getcpu look their symbol up
     * under version LINUX_2.6 on every architecture but arm64, and riscv's vDSO defines LINUX_4.15): it is
     * reported, and counted apart from failures */
    if (WIFEXITED(status) && WEXITSTATUS(status) == 4) skips++;
    else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) failures++;
}

static void show_date(void)
{
    struct timespec now;
    struct tm tm;
    char buf[64];
    if (clock_gettime(CLOCK_REALTIME, &now) != 0 || !gmtime_r(&now.tv_sec, &tm)) { fail("CLOCK_REALTIME"); return; }
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
    printf("init: date %s (%lld)\n", buf, (long long)now.tv_sec);
}

/* Read one line from the console (canonical mode: the tty collects it until Enter) and print it back. */
static void echo_line(void)
{
    char line[256];
    printf("init: type a line\n");
    if (!fgets(line, sizeof line, stdin)) { fail("reading the console"); return; }
    line[strcspn(line, "\r\n")] = '\0';
    printf("init: read '%s' (%zu bytes)\n", line, strlen(line));
}

static const char *const selftests[] = {
    "/selftests/vdso_test_gettimeofday", "/selftests/vdso_test_getcpu", "/selftests/vdso_test_abi",
    "/selftests/vdso_test_clock_getres", "/selftests/vdso_test_correctness",
};

/*
 * Power off with a status: Linux's reboot(RB_POWER_OFF) carries none, so with failures init writes the SiFive
 * test finisher itself (QEMU virt's and ours, at 0x100000, through /dev/mem): (code << 16) | 0x3333 is
 * "fail with code", which qemu-system-riscv64 and riscv-vdso boot turn into their exit status.
 */
#define FINISHER_BASE 0x100000
#define FINISHER_FAIL 0x3333

static void finish_with(int code)
{
    int fd = open("/dev/mem", O_RDWR | O_SYNC);
    if (fd < 0) { fail("open /dev/mem"); return; }
    volatile uint32_t *finisher = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, FINISHER_BASE);
    if (finisher == MAP_FAILED) { fail("mmap the test finisher"); close(fd); return; }
    *finisher = ((uint32_t)code << 16) | FINISHER_FAIL;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("init: started as pid %d\n", (int)getpid());
    if (mount("proc", "/proc", "proc", 0, NULL) != 0) fail("mount /proc");
    show_date();
    const char *echo = getenv("initecho");
    if (echo && strcmp(echo, "1") == 0) echo_line();
    printf("init: AT_SYSINFO_EHDR %s\n", getauxval(AT_SYSINFO_EHDR) ? "present" : "missing");
    show_vdso_mapping();
    check_clocks();
    run("/bin/vdso");
    run("/bin/syscall");
    run("/bin/vdso_sym");
    for (unsigned i = 0; i < sizeof selftests / sizeof selftests[0]; i++) run(selftests[i]);
    /* more programs named on the kernel command line: initrun=/bin/a:/bin/b */
    const char *more = getenv("initrun");
    if (more) {
        char list[256];
        snprintf(list, sizeof list, "%s", more);
        for (char *save = NULL, *p = strtok_r(list, ":", &save); p; p = strtok_r(NULL, ":", &save)) run(p);
    }
    printf("init: %d failure(s), %d skip(s); powering off\n", failures, skips);
    fflush(stdout);
    /* let the UART send what the tty still holds: the power-off does not wait for it (on qemu-system-riscv64
     * the end of the last line was lost to the kernel's own "reboot: Power down") */
    tcdrain(STDOUT_FILENO);
    sync();
    if (failures) finish_with(failures > 255 ? 255 : failures);
    reboot(RB_POWER_OFF); /* the machine's power-off (SBI SRST or the syscon) ends the run */
    fail("reboot");
    for (;;) pause();
}

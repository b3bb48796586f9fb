/*
 * /init of the full-system demo initramfs (issue 19): the first user process of the real Linux kernel.
 *
 * It mounts /proc, shows where the kernel mapped the vDSO and its data page in this process, checks that
 * the clocks glibc reads through the vDSO move forward, runs the sample programs (/bin/vdso, /bin/syscall,
 * /bin/vdso_sym: the seed's programs) one after the other, and powers the machine off. Every line it prints
 * starts with "init: " so a test can compare them between machines; nothing printed depends on the time.
 *
 * Static glibc, built by scripts/build-initramfs.sh with the GNU cross toolchain.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;

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
    if (WIFEXITED(status)) printf("init: %s exited with %d\n", path, WEXITSTATUS(status));
    else printf("init: %s ended by signal %d\n", path, WTERMSIG(status));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) failures++;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("init: started as pid %d\n", (int)getpid());
    if (mount("proc", "/proc", "proc", 0, NULL) != 0) fail("mount /proc");
    printf("init: AT_SYSINFO_EHDR %s\n", getauxval(AT_SYSINFO_EHDR) ? "present" : "missing");
    show_vdso_mapping();
    check_clocks();
    run("/bin/vdso");
    run("/bin/syscall");
    run("/bin/vdso_sym");
    printf("init: %d failure(s); powering off\n", failures);
    fflush(stdout);
    sync();
    reboot(RB_POWER_OFF);
    fail("reboot");
    for (;;) pause();
}

/* The vDSO-vs-syscall figure: clock_gettime(CLOCK_MONOTONIC) n times through glibc (the vDSO) and n times
 * through the raw system call. The host counts instructions and time around each loop (markers: getppid). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 10000;
    struct timespec t;
    long long sum = 0;

    syscall(SYS_getppid); /* marker: vdso loop starts */
    for (long i = 0; i < n; i++) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        sum += t.tv_nsec & 1;
    }
    syscall(SYS_getppid); /* marker: vdso loop ends, syscall loop starts */
    for (long i = 0; i < n; i++) {
        syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t);
        sum += t.tv_nsec & 1;
    }
    syscall(SYS_getppid); /* marker: syscall loop ends */
    printf("%ld calls each way (%lld)\n", n, sum >= 0 ? 0LL : 1LL);
    return 0;
}

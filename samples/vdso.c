/* The seed's vdso.c: gettimeofday through glibc, which calls __vdso_gettimeofday (no system call). */
#include <sys/time.h>
#include <unistd.h>
#include <stdio.h>

int main()
{
    struct timeval tv;
    struct timezone tz;
    gettimeofday(&tv, &tz);
    printf("tv_sec=%d, tv_usec=%d\n", (int)tv.tv_sec, (int)tv.tv_usec);
    return 0;
}

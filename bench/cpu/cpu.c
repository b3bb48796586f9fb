/* CPU-bound integer benchmark for the RV64GC emulator: a sieve of Eratosthenes, a table-driven CRC-32
 * and a small integer matrix multiply, repeated ROUNDS times and folded into one checksum.
 * A static riscv64 Linux user program without libc: its own _start (below) calls main, which writes one
 * result line with the write syscall (a7 = 64) and exits with the exit syscall (a7 = 93, a0 = 0).
 * Linked at 0x80000000 so it also fits the bare machine's RAM. See build.sh and README.md. */
#include <stdint.h>

typedef unsigned long usize;

#define ROUNDS 3
#define SIEVE_N 1000000
#define CRC_LEN (SIEVE_N + 1)
#define MN 64

/* ---- syscalls ---- */
static long sys_write(long fd, const void *buf, usize len) {
  register long a0 __asm__("a0") = fd;
  register long a1 __asm__("a1") = (long)buf;
  register long a2 __asm__("a2") = (long)len;
  register long a7 __asm__("a7") = 64;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
  return a0;
}

static __attribute__((noreturn)) void sys_exit(long code) {
  register long a0 __asm__("a0") = code;
  register long a7 __asm__("a7") = 93;
  __asm__ volatile("ecall" : : "r"(a0), "r"(a7) : "memory");
  for (;;) {}
}

/* ---- workloads ---- */
static uint8_t composite[SIEVE_N + 1];

static uint32_t sieve(uint32_t n) {
  for (uint32_t i = 0; i <= n; i++) composite[i] = 0;
  uint32_t count = 0;
  for (uint32_t i = 2; i <= n; i++) {
    if (composite[i]) continue;
    count++;
    for (uint64_t j = (uint64_t)i * i; j <= n; j += i) composite[j] = 1;
  }
  return count;
}

static uint32_t crc_table[256];

static void crc_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_table[i] = c;
  }
}

static uint32_t crc32(const uint8_t *p, usize n, uint32_t salt) {
  uint32_t c = 0xffffffffu ^ salt;
  for (usize i = 0; i < n; i++) c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

static int32_t ma[MN][MN], mb[MN][MN], mc[MN][MN];

static uint32_t matmul(uint32_t seed) {
  uint32_t x = seed | 1;
  for (int i = 0; i < MN; i++)
    for (int j = 0; j < MN; j++) {
      x = x * 1103515245u + 12345u;
      ma[i][j] = (int32_t)(x >> 16) - 32768;
      x = x * 1103515245u + 12345u;
      mb[i][j] = (int32_t)(x >> 16) - 32768;
    }
  for (int i = 0; i < MN; i++)
    for (int j = 0; j < MN; j++) {
      int64_t s = 0;
      for (int k = 0; k < MN; k++) s += (int64_t)ma[i][k] * mb[k][j];
      mc[i][j] = (int32_t)(s ^ (s >> 32));
    }
  uint32_t h = 2166136261u;
  for (int i = 0; i < MN; i++)
    for (int j = 0; j < MN; j++) h = (h ^ (uint32_t)mc[i][j]) * 16777619u;
  return h;
}

/* ---- output ---- */
static char *put_str(char *o, const char *s) { while (*s) *o++ = *s++; return o; }
static char *put_dec(char *o, uint32_t v) {
  char t[12]; int n = 0;
  do { t[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (n) *o++ = t[--n];
  return o;
}
static char *put_hex(char *o, uint32_t v) {
  for (int s = 28; s >= 0; s -= 4) *o++ = "0123456789abcdef"[(v >> s) & 15];
  return o;
}

int main(void) {
  uint32_t primes = 0, crc = 0, mat = 0, check = 0x12345678u;
  crc_init();
  for (uint32_t r = 0; r < ROUNDS; r++) {
    primes = sieve(SIEVE_N - r * 1000);
    crc = crc32(composite, CRC_LEN, r);
    mat = matmul(r + 1);
    check = (check ^ primes) * 0x9e3779b1u;
    check = (check ^ crc) * 0x9e3779b1u;
    check = (check ^ mat) * 0x9e3779b1u;
  }
  char line[128];
  char *o = line;
  o = put_str(o, "cpu bench: rounds=");
  o = put_dec(o, ROUNDS);
  o = put_str(o, " primes=");
  o = put_dec(o, primes);
  o = put_str(o, " crc=");
  o = put_hex(o, crc);
  o = put_str(o, " mat=");
  o = put_hex(o, mat);
  o = put_str(o, " checksum=");
  o = put_hex(o, check);
  *o++ = '\n';
  sys_write(1, line, (usize)(o - line));
  return 0;
}

/* ---- entry: own stack (the same under Linux and on the bare machine), gp for relaxed accesses ---- */
uint64_t bench_stack[8192] __attribute__((aligned(16), used));

__asm__(
  ".section .text._start, \"ax\", @progbits\n"
  ".globl _start\n"
  "_start:\n"
  "  .option push\n"
  "  .option norelax\n"
  "  lla gp, __global_pointer$\n"
  "  .option pop\n"
  "  lla sp, bench_stack + 65536\n"
  "  call main\n"
  "  call exit_with\n");

__attribute__((used, noreturn)) void exit_with(long status) { sys_exit(status); }

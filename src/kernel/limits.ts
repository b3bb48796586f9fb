// The kernel model's bounds on what a guest can make the host allocate or compute in one system call.
// Each bound answers with the Linux error a real kernel gives at the same point; docs/limits.md lists them.

/** Linux's MAX_RW_COUNT (INT_MAX & PAGE_MASK): read/write/pread64/pwrite64/readv/writev move at most this. */
export const MAX_RW_COUNT = 0x7ffff000;
/** Data moves between the guest and a file, pipe or device in pieces of this size (no host buffer of a call's size). */
export const IO_CHUNK = 64 * 1024;
/** Default size of the private /tmp (tmpfs `size=`): file data beyond it is ENOSPC. LaunchOptions.tmpQuota changes it. */
export const DEFAULT_TMP_QUOTA = 64 * 1024 * 1024;
/** A read from /dev/zero, /dev/urandom or /dev/random gives at most this per call (getrandom's 33554431 rounded
 *  to pages; a short read, which callers loop on), so one call never makes hundreds of MiB. */
export const DEV_READ_MAX = 32 * 1024 * 1024;
/** kernel/fork.c set_max_threads: threads-max is RAM pages / (8 * THREAD_SIZE / PAGE_SIZE) (THREAD_SIZE 16 KiB on
 *  riscv64), at least 20; RLIMIT_NPROC's default is half of it (1,024 for 256 MiB). */
export function defaultNproc(ramBytes: number): number {
  return Math.floor(Math.max(20, Math.floor(ramBytes / 4096 / 32)) / 2);
}
/** RLIMIT_NPROC's number. */
export const RLIMIT_NPROC = 6;
/** The private /tmp holds at most this many files and directories (tmpfs nr_inodes): more is ENOSPC. */
export const MAX_TMP_INODES = 65536;
/** ... and their path names at most this many bytes in all (the host keeps every name): more is ENOSPC. */
export const MAX_TMP_NAME_BYTES = 16 * 1024 * 1024;
/** PATH_MAX: a path of this many bytes without its NUL is ENAMETOOLONG. */
export const PATH_MAX = 4096;
/** riscv_hwprobe pairs are read and written back a page (at most this many pairs) at a time. */
export const HWPROBE_BATCH = 256;
/** Host files read for the guest are cached up to this many bytes in all (least recently read dropped first). */
export const HOST_FILE_CACHE_BYTES = 256 * 1024 * 1024;
/** A host file the guest opens read-only is held whole (and cached) up to this size; a bigger one is read in pieces. */
export const HOST_FILE_WHOLE_BYTES = 16 * 1024 * 1024;
/** mmap of a host file opened by descriptor (written, or bigger than HOST_FILE_WHOLE_BYTES) copies at most this: ENOMEM. */
export const MAX_MAPPED_FILE_BYTES = 256 * 1024 * 1024;
/** load_elf_phdrs: a program header table larger than this is ENOEXEC (1,170 entries of 56 bytes). */
export const MAX_PHDR_TABLE_BYTES = 65536;
/** A user-supplied vDSO image (ours is 4 KiB; Linux maps a few pages). */
export const MAX_VDSO_BYTES = 16 * 1024 * 1024;
/** A program file given to launch (static glibc programs are about 0.5 MiB, big ones tens of MiB). */
export const MAX_PROGRAM_BYTES = 1024 * 1024 * 1024;

// The ELF reader's bounds on what one file can make it build (docs/limits.md). Every table is also bounded by
// the file's size; these bound the work and memory a file of legal size can ask for.

/** Section headers read from one file (extended numbering allows 2^64): more is an ElfError. A linked program
 *  has tens; an object built with -ffunction-sections a few thousand; 10^6 took 7.7 s and 420 MB to read. */
export const MAX_ELF_SECTIONS = 1 << 18;
/** Program headers read from one file (PN_XNUM allows 2^32). exec takes at most 64 KiB of them (1,170). */
export const MAX_ELF_PROGRAM_HEADERS = 65535;

/* The vDSO's PT_NOTE: an Elf64_Nhdr note, name "Linux", type 0, descriptor = LINUX_VERSION_CODE (a
 * 32-bit word), so userland (e.g. glibc's dl_discover_osversion) can read the kernel version. */
#include "vdso.h"

	.section .note.Linux, "a", @note
	.balign 4
	.long	2f - 1f			/* n_namesz, including the NUL */
	.long	4f - 3f			/* n_descsz */
	.long	0			/* n_type */
1:	.asciz	"Linux"
2:	.balign 4
3:	.long	VLAB_LINUX_VERSION_CODE
4:	.balign 4

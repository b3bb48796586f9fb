/* Shared definitions for the vDSO's assembly and C sources (our own; mirrors the role of
 * Linux's <linux/linkage.h> ENTRY/ENDPROC for the few things we need). */
#ifndef VLAB_VDSO_H
#define VLAB_VDSO_H

#include "datapage.generated.h"

#ifdef __ASSEMBLER__
#define VDSO_FUNC_BEGIN(name) \
	.globl name; \
	.type name, @function; \
	.balign 2; \
name:

#define VDSO_FUNC_END(name) \
	.size name, . - name
#endif

/* LINUX_VERSION_CODE for 6.1.0: (6 << 16) + (1 << 8) + 0 */
#define VLAB_LINUX_VERSION_CODE 0x060100

#endif

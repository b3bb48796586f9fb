/* int __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused): not accelerated on riscv, the real
 * system call does the work. */
#include "vdso.h"

	.text
VDSO_FUNC_BEGIN(__vdso_getcpu)
	.cfi_startproc
	li	a7, __NR_getcpu
	ecall
	ret
	.cfi_endproc
VDSO_FUNC_END(__vdso_getcpu)

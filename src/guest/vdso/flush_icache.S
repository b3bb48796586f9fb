/* int __vdso_flush_icache(void *start, void *end, unsigned long flags): not accelerated, enters
 * riscv_flush_icache(2) (__NR_arch_specific_syscall + 15 = 259). */
#include "vdso.h"

	.text
VDSO_FUNC_BEGIN(__vdso_flush_icache)
	.cfi_startproc
	li	a7, __NR_riscv_flush_icache
	ecall
	ret
	.cfi_endproc
VDSO_FUNC_END(__vdso_flush_icache)

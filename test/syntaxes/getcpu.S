# SYNTAX TEST "source.riscv-asm" "src/guest/vdso/getcpu.S (copy)"
/* int __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused): not accelerated on riscv, the real
#  ^^^ comment.block.riscv-asm
 * system call does the work. */
#include "vdso.h"
#^^^^^^^ keyword.control.directive.include.riscv-asm

	.text
#^^^^^ keyword.control.directive.riscv-asm
VDSO_FUNC_BEGIN(__vdso_getcpu)
# <--------------- - keyword.other.instruction.riscv-asm
	.cfi_startproc
#^^^^^^^^^^^^^^ keyword.control.directive.riscv-asm
	li	a7, __NR_getcpu
#^^ keyword.other.instruction.pseudo.riscv-asm
#  	^^ variable.language.register.riscv-asm
#  	    ^^^^^^^^^^^ - variable.language.register.riscv-asm
	ecall
#^^^^^ keyword.other.instruction.riscv-asm
	ret
#^^^ keyword.other.instruction.pseudo.riscv-asm
	.cfi_endproc
VDSO_FUNC_END(__vdso_getcpu)

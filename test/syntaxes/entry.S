# SYNTAX TEST "source.riscv-asm" "src/guest/kernel/entry.S (excerpt, lines 43-75)"
#include "asm-offsets.h"

#define FUNC_BEGIN(name) .globl name; .type name, @function; name:
#       ^^^^^^^^^^ entity.name.function.preprocessor.riscv-asm
#                        ^^^^^^ meta.preprocessor.macro.riscv-asm keyword.control.directive.riscv-asm
#define FUNC_END(name) .size name, . - name

	.text
	.balign 4
FUNC_BEGIN(handle_exception)
	/* From U-mode: sscratch = task block, swap it into tp (user tp goes to sscratch).
	 * From S-mode: sscratch = 0, so tp becomes 0. */
	csrrw	tp, sscratch, tp
#^^^^^ keyword.other.instruction.riscv-asm
#     	    ^^^^^^^^ support.constant.csr.riscv-asm
#     	              ^^ variable.language.register.riscv-asm
	bnez	tp, _save_context
#^^^^ keyword.other.instruction.pseudo.riscv-asm
#    	    ^^^^^^^^^^^^^ - variable.language.register.riscv-asm

_restore_kernel_tpsp:
# <-------------------- entity.name.function.label.riscv-asm
	/* Trap from S-mode: get tp back, and build the frame below the current kernel sp. */
	csrr	tp, sscratch
	sd	sp, TASK_KERNEL_SP(tp)
#^^ keyword.other.instruction.riscv-asm
#  	                   ^^ variable.language.register.riscv-asm

_save_context:
	sd	sp, TASK_USER_SP(tp)
	ld	sp, TASK_KERNEL_SP(tp)
	addi	sp, sp, -PT_SIZE_ON_STACK
#    	        ^ keyword.operator.riscv-asm
	sd	x1, PT_RA(sp)
#  	^^ variable.language.register.riscv-asm
	sd	x3, PT_GP(sp)
	sd	x5, PT_T0(sp)
	sd	x6, PT_T1(sp)
	sd	x7, PT_T2(sp)
	sd	x8, PT_S0(sp)
	sd	x9, PT_S1(sp)
	sd	x10, PT_A0(sp)
	sd	x11, PT_A1(sp)
	sd	x12, PT_A2(sp)
	sd	x13, PT_A3(sp)

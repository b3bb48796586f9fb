# SYNTAX TEST "source.riscv-asm" "GNU as syntax for RISC-V"
#include "vdso.h"
#^^^^^^^ meta.preprocessor.riscv-asm keyword.control.directive.include.riscv-asm
#        ^^^^^^^^ meta.preprocessor.riscv-asm string.quoted.double.riscv-asm
#define ONE 1
#^^^^^^ meta.preprocessor.macro.riscv-asm keyword.control.directive.define.riscv-asm
#       ^^^ entity.name.function.preprocessor.riscv-asm
#define TWO(x) \
	addi x, x, 2
#^^^^ meta.preprocessor.macro.riscv-asm keyword.other.instruction.riscv-asm
	nop
#^^^ - meta.preprocessor.macro.riscv-asm
#if ONE
#^^ meta.preprocessor.riscv-asm keyword.control.directive.conditional.riscv-asm
#endif
	.section .text.init, "ax", @progbits
#^^^^^^^^ keyword.control.directive.riscv-asm
#                     ^^^^ string.quoted.double.riscv-asm
	.globl	_start
_start:
# <------ entity.name.function.label.riscv-asm
#     ^ punctuation.separator.label.riscv-asm
1:	addi	a0, zero, -1	# a comment
# <- entity.name.label.numeric.riscv-asm
# 	^^^^ keyword.other.instruction.riscv-asm
# 	    	^^ variable.language.register.riscv-asm
# 	    	    ^^^^ variable.language.register.riscv-asm
# 	    	           ^ constant.numeric.decimal.riscv-asm
# 	    	            	^^^^^^^^^^^ comment.line.number-sign.riscv-asm
	fadd.d	fa0, ft1, f31, rne	// C++ comment
#^^^^^^ keyword.other.instruction.riscv-asm
#      	^^^ variable.language.register.riscv-asm
#      	     ^^^ variable.language.register.riscv-asm
#      	          ^^^ variable.language.register.riscv-asm
#      	                  	^^^^^^^^^^^^^^ comment.line.double-slash.riscv-asm
	csrrw	tp, sscratch, x4	/* block
#     	    ^^^^^^^^ support.constant.csr.riscv-asm
#     	              ^^ variable.language.register.riscv-asm
#     	                	^^^^^^^^ comment.block.riscv-asm
	   comment continues */ li t0, 0x1F
#   ^^^^^^^ comment.block.riscv-asm
#                        ^^ keyword.other.instruction.pseudo.riscv-asm
#                           ^^ variable.language.register.riscv-asm
#                               ^^^^ constant.numeric.hex.riscv-asm
	auipc	a0, %pcrel_hi(sym)
#     	    ^^^^^^^^^ support.function.relocation.riscv-asm
#     	              ^^^ - support.function.relocation.riscv-asm
	addi	a0, a0, %pcrel_lo(1b)
#    	        ^^^^^^^^^ support.function.relocation.riscv-asm
#    	                  ^^ variable.other.label.numeric.riscv-asm
	lui	a1, %hi(x); ld a1, %lo(x)(a1); j 2f
#   	    ^^^ support.function.relocation.riscv-asm
#   	            ^^ keyword.other.instruction.riscv-asm
#   	                   ^^^ support.function.relocation.riscv-asm
#   	                               ^ keyword.other.instruction.pseudo.riscv-asm
#   	                                 ^^ variable.other.label.numeric.riscv-asm
	lui	a2, %tprel_hi(v); add a2, a2, tp, %tprel_add(v); la.tls.ie a3, v
#   	    ^^^^^^^^^ support.function.relocation.riscv-asm
#   	                                  ^^^^^^^^^^ support.function.relocation.riscv-asm
#   	                                                 ^^^^^^^^^ keyword.other.instruction.pseudo.riscv-asm
	auipc	a4, %got_pcrel_hi(v); fence.tso; sext.w s0, fp
#     	    ^^^^^^^^^^^^^ support.function.relocation.riscv-asm
#     	                      ^^^^^^^^^ keyword.other.instruction.riscv-asm
#     	                                 ^^^^^^ keyword.other.instruction.pseudo.riscv-asm
#     	                                            ^^ variable.language.register.riscv-asm
	csrr	a0, mstatus; csrw satp, a1; c.addi16sp sp, -32; rdtime t1
#^^^^ keyword.other.instruction.pseudo.riscv-asm
#    	    ^^^^^^^ support.constant.csr.riscv-asm
#    	                  ^^^^ support.constant.csr.riscv-asm
#    	                            ^^^^^^^^^^ keyword.other.instruction.riscv-asm
#    	                                           ^ keyword.operator.riscv-asm
#    	                                            ^^ constant.numeric.decimal.riscv-asm
#    	                                                ^^^^^^ keyword.other.instruction.pseudo.riscv-asm
2:	.asciz	"tab\t quote\" end"
# 	^^^^^^ keyword.control.directive.riscv-asm
# 	      	^^^^^^^^^^^^^^^^^^^ string.quoted.double.riscv-asm
# 	      	    ^^ constant.character.escape.riscv-asm
	.macro	SAVE reg, off
	sd	\reg, \off(sp)
#  	^^^^ variable.parameter.macro.riscv-asm
#  	           ^^ variable.language.register.riscv-asm
	.endm
	.byte	0b1010, 'a
#     	^^^^^^ constant.numeric.binary.riscv-asm
	.equ	FIVE, 5
#    	^^^^ - variable.language.register.riscv-asm

# SYNTAX TEST "source.riscv-asm" "test/fixtures/bare/hello.S (copy)"
/* Prints a greeting through the HTIF console (tohost = 1<<56 | 1<<48 | ch) and passes (exit 0). */
#include "test_macros.h"

  .text
  .globl test_main
# ^^^^^^ keyword.control.directive.riscv-asm
test_main:
# <--------- entity.name.function.label.riscv-asm
  li TESTNUM, 2
# ^^ keyword.other.instruction.pseudo.riscv-asm
#             ^ constant.numeric.decimal.riscv-asm
  la a0, message
# ^^ keyword.other.instruction.pseudo.riscv-asm
#    ^^ variable.language.register.riscv-asm
  call puts
# ^^^^ keyword.other.instruction.pseudo.riscv-asm
  j pass

  .data
message: .asciz "Hello from RV64GC bare metal!\n"
# <------- entity.name.function.label.riscv-asm
#        ^^^^^^ keyword.control.directive.riscv-asm
#                                             ^^ constant.character.escape.riscv-asm

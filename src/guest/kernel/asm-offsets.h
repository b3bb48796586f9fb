/* Offsets used by entry.S: struct pt_regs (laid out like Linux riscv's, arch/riscv/include/asm/ptrace.h)
 * and our per-task block. scripts/build-guest.sh copies these numbers into entrySymbols.generated.ts, so
 * the host (TypeScript kernel model) reads the frame with exactly the offsets the assembly used.
 * Keep one `#define NAME number` per line: the generator parses this file. */
#ifndef VLAB_ASM_OFFSETS_H
#define VLAB_ASM_OFFSETS_H

/* struct pt_regs: 36 unsigned longs */
#define PT_EPC 0
#define PT_RA 8
#define PT_SP 16
#define PT_GP 24
#define PT_TP 32
#define PT_T0 40
#define PT_T1 48
#define PT_T2 56
#define PT_S0 64
#define PT_S1 72
#define PT_A0 80
#define PT_A1 88
#define PT_A2 96
#define PT_A3 104
#define PT_A4 112
#define PT_A5 120
#define PT_A6 128
#define PT_A7 136
#define PT_S2 144
#define PT_S3 152
#define PT_S4 160
#define PT_S5 168
#define PT_S6 176
#define PT_S7 184
#define PT_S8 192
#define PT_S9 200
#define PT_S10 208
#define PT_S11 216
#define PT_T3 224
#define PT_T4 232
#define PT_T5 240
#define PT_T6 248
#define PT_STATUS 256
#define PT_BADADDR 264
#define PT_CAUSE 272
#define PT_ORIG_A0 280
#define PT_SIZE 288
/* sizeof(struct pt_regs) rounded up to the 16-byte stack alignment */
#define PT_SIZE_ON_STACK 288

/* The per-task block that sscratch holds while the hart is in U-mode (0 while in S-mode) and tp holds
 * while entry.S runs. The host owns everything except these two slots, which entry.S reads/writes. */
#define TASK_KERNEL_SP 0	/* top of this task's kernel stack (16-byte aligned) */
#define TASK_USER_SP 8		/* scratch: the user sp, saved here before the frame exists */
#define TASK_HOST_ID 16		/* opaque to entry.S: the host's task id */
#define TASK_BLOCK_SIZE 32

/* The hypercall into the host (our SBI extension "VLAB") */
#define VLAB_SBI_EXT 0x564C4142
#define VLAB_FN_HANDLE_TRAP 0

/* Bits of sstatus used here */
#define SR_SIE 0x2
#define SR_SPP 0x100

/* Size of the boot task's kernel stack in .bss */
#define INIT_STACK_SIZE 16384

#endif

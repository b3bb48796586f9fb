/*
 * S-mode trap entry of the RISC-V vDSO Lab guest kernel. Our own code, modelled on the structure (and
 * symbol names) of Linux 6.1's arch/riscv/kernel/entry.S. Everything a trap needs beyond saving and
 * restoring registers is done by the host: the TypeScript kernel model.
 *
 * Linked at 0xffffffff80000000 (entry.lds); stvec = handle_exception (direct mode).
 *
 * Per-task block (asm-offsets.h, TASK_*), 32 bytes, 8-aligned, mapped S-mode read/write:
 *     +0  TASK_KERNEL_SP  top of the task's kernel stack (16-byte aligned); the pt_regs frame of a trap
 *                         from U-mode lives at [KERNEL_SP - PT_SIZE_ON_STACK, KERNEL_SP)
 *     +8  TASK_USER_SP    scratch slot: the user sp while the frame is being built
 *     +16 TASK_HOST_ID    the host's task id (entry.S never touches it)
 * While the hart runs in U-mode, sscratch holds the address of the current task's block; while it runs
 * in S-mode (inside this file), sscratch is 0 and tp holds the block address. This is how
 * handle_exception tells a trap from U-mode (sscratch != 0) from a trap from S-mode (sscratch == 0).
 * init_task / init_stack (below) give the host a ready-made block and a 16 KiB stack for the first task.
 *
 * Frame: struct pt_regs exactly as Linux riscv lays it out (asm-offsets.h, PT_*): epc, ra, sp, gp, tp,
 * t0-t2, s0-s1, a0-a7, s2-s11, t3-t6, status, badaddr, cause, orig_a0 (288 bytes). status/epc/badaddr/
 * cause are sstatus/sepc/stval/scause at the trap; orig_a0 is a0 at the trap (a syscall's first argument,
 * kept for restarts). Floating-point registers are not saved: the host reads/writes them directly.
 *
 * Hypercall ABI ("handle trap"), an SBI-style call from S-mode to the host (which plays M-mode):
 *     a7 = 0x564C4142 ("VLAB", our SBI extension id)   a6 = 0 (function: handle trap)
 *     a0 = address of the pt_regs frame                 a1 = 0
 *     ecall
 *   The host handles the trap by reading and writing the frame (for a syscall: set a0 to the result and
 *   advance epc by 4; for a signal: rewrite epc/sp/ra/a0-a2; ...) and returns to the instruction after
 *   the ecall with
 *     a0 = 0 (SBI_SUCCESS); any other value means "cannot continue": entry.S then stops at an ebreak
 *          (symbol hypercall_failed) for a debugger
 *     a1 = 0 to resume the interrupted context from this frame, or the address of another task's block to
 *          switch to it: the host must then have stored a U-mode frame (status.SPP = 0) for that task at
 *          its KERNEL_SP - PT_SIZE_ON_STACK. a1 must be 0 for a trap taken from S-mode.
 *   All other registers (in particular sp and tp) are preserved by the host, as the SBI specifies.
 * ret_from_exception then restores every register from the frame (the host may have changed any of them,
 * including epc and status), sets sscratch back to the task block when returning to U-mode, and srets.
 *
 * Starting a task: the host builds a U-mode frame at KERNEL_SP - PT_SIZE_ON_STACK (epc = entry point,
 * sp = user stack, status with SPP = 0 and SPIE as wanted), sets sp to the frame, tp to the task block,
 * pc = ret_from_exception, privilege S, and runs.
 */
#include "asm-offsets.h"

#define FUNC_BEGIN(name) .globl name; .type name, @function; name:
#define FUNC_END(name) .size name, . - name

	.text
	.balign 4
FUNC_BEGIN(handle_exception)
	/* From U-mode: sscratch = task block, swap it into tp (user tp goes to sscratch).
	 * From S-mode: sscratch = 0, so tp becomes 0. */
	csrrw	tp, sscratch, tp
	bnez	tp, _save_context

_restore_kernel_tpsp:
	/* Trap from S-mode: get tp back, and build the frame below the current kernel sp. */
	csrr	tp, sscratch
	sd	sp, TASK_KERNEL_SP(tp)

_save_context:
	sd	sp, TASK_USER_SP(tp)
	ld	sp, TASK_KERNEL_SP(tp)
	addi	sp, sp, -PT_SIZE_ON_STACK
	sd	x1, PT_RA(sp)
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
	sd	x14, PT_A4(sp)
	sd	x15, PT_A5(sp)
	sd	x16, PT_A6(sp)
	sd	x17, PT_A7(sp)
	sd	x18, PT_S2(sp)
	sd	x19, PT_S3(sp)
	sd	x20, PT_S4(sp)
	sd	x21, PT_S5(sp)
	sd	x22, PT_S6(sp)
	sd	x23, PT_S7(sp)
	sd	x24, PT_S8(sp)
	sd	x25, PT_S9(sp)
	sd	x26, PT_S10(sp)
	sd	x27, PT_S11(sp)
	sd	x28, PT_T3(sp)
	sd	x29, PT_T4(sp)
	sd	x30, PT_T5(sp)
	sd	x31, PT_T6(sp)
	sd	a0, PT_ORIG_A0(sp)

	/* The registers that were not free until now: user sp, the trap CSRs, the user tp. */
	ld	s0, TASK_USER_SP(tp)
	csrr	s1, sstatus
	csrr	s2, sepc
	csrr	s3, stval
	csrr	s4, scause
	csrr	s5, sscratch
	sd	s0, PT_SP(sp)
	sd	s1, PT_STATUS(sp)
	sd	s2, PT_EPC(sp)
	sd	s3, PT_BADADDR(sp)
	sd	s4, PT_CAUSE(sp)
	sd	s5, PT_TP(sp)

	/* In the kernel now: a nested trap must see sscratch == 0. */
	csrw	sscratch, x0

handle_trap_hypercall:
	mv	a0, sp
	li	a1, 0
	li	a6, VLAB_FN_HANDLE_TRAP
	li	a7, VLAB_SBI_EXT
	ecall
	bnez	a0, hypercall_failed
	beqz	a1, ret_from_exception

switch_task:
	/* The host picked another task: resume its U-mode frame at the top of its kernel stack. */
	mv	tp, a1
	ld	sp, TASK_KERNEL_SP(tp)
	addi	sp, sp, -PT_SIZE_ON_STACK
	j	ret_from_exception

hypercall_failed:
	ebreak
	j	hypercall_failed
FUNC_END(handle_exception)

	.balign 4
FUNC_BEGIN(ret_from_exception)
	ld	s0, PT_STATUS(sp)
	csrci	sstatus, SR_SIE
	andi	s0, s0, SR_SPP
	bnez	s0, resume_kernel

resume_userspace:
	/* Unwind the kernel stack for the next trap and make sscratch the task block again. */
	addi	s0, sp, PT_SIZE_ON_STACK
	sd	s0, TASK_KERNEL_SP(tp)
	csrw	sscratch, tp

restore_all:
	ld	a0, PT_STATUS(sp)
	ld	a2, PT_EPC(sp)
	/* Drop any LR reservation the interrupted code held (dummy store-conditional to the frame). */
	addi	a3, sp, PT_EPC
	sc.d	x0, a2, (a3)
	csrw	sstatus, a0
	csrw	sepc, a2

	ld	x1, PT_RA(sp)
	ld	x3, PT_GP(sp)
	ld	x4, PT_TP(sp)
	ld	x5, PT_T0(sp)
	ld	x6, PT_T1(sp)
	ld	x7, PT_T2(sp)
	ld	x8, PT_S0(sp)
	ld	x9, PT_S1(sp)
	ld	x10, PT_A0(sp)
	ld	x11, PT_A1(sp)
	ld	x12, PT_A2(sp)
	ld	x13, PT_A3(sp)
	ld	x14, PT_A4(sp)
	ld	x15, PT_A5(sp)
	ld	x16, PT_A6(sp)
	ld	x17, PT_A7(sp)
	ld	x18, PT_S2(sp)
	ld	x19, PT_S3(sp)
	ld	x20, PT_S4(sp)
	ld	x21, PT_S5(sp)
	ld	x22, PT_S6(sp)
	ld	x23, PT_S7(sp)
	ld	x24, PT_S8(sp)
	ld	x25, PT_S9(sp)
	ld	x26, PT_S10(sp)
	ld	x27, PT_S11(sp)
	ld	x28, PT_T3(sp)
	ld	x29, PT_T4(sp)
	ld	x30, PT_T5(sp)
	ld	x31, PT_T6(sp)
	ld	x2, PT_SP(sp)
	sret

resume_kernel:
	/* Back to S-mode code: sscratch stays 0, sp comes back from the frame. */
	j	restore_all
FUNC_END(ret_from_exception)

	.data
	.balign 16
	.globl init_task
	.type init_task, @object
init_task:
	.dword	init_stack_top		/* TASK_KERNEL_SP */
	.dword	0			/* TASK_USER_SP */
	.dword	0			/* TASK_HOST_ID */
	.dword	0
	.size init_task, TASK_BLOCK_SIZE

	.bss
	.balign 16
	.globl init_stack
	.type init_stack, @object
init_stack:
	.skip	INIT_STACK_SIZE
	.size init_stack, INIT_STACK_SIZE
	.globl init_stack_top
init_stack_top:

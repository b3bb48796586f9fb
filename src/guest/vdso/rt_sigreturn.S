/* __vdso_rt_sigreturn: the signal trampoline. The kernel points a signal handler's ra here; returning
 * from the handler enters rt_sigreturn(2). .cfi_signal_frame marks the FDE as a signal frame ('S' in the
 * augmentation) so unwinders (libgcc, gdb) treat the caller's frame as the interrupted context. */
#include "vdso.h"

	.text
VDSO_FUNC_BEGIN(__vdso_rt_sigreturn)
	.cfi_startproc
	.cfi_signal_frame
	li	a7, __NR_rt_sigreturn
	ecall
	.cfi_endproc
VDSO_FUNC_END(__vdso_rt_sigreturn)

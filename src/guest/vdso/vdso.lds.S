/* Linker script for our vDSO (preprocessed with cpp -P). One PT_LOAD holding the ELF and program headers
 * and every section, in the order Linux 6.1's arch/riscv/kernel/vdso/vdso.lds.S uses; .text starts at 0x800.
 * The two [vvar] pages sit directly below the image: _vdso_data is the data page, _timens_data the
 * time-namespace page (see src/kernel/vdso/datapage.ts). */
#include "datapage.generated.h"

OUTPUT_ARCH(riscv)

SECTIONS
{
	PROVIDE(_vdso_data = . - VVAR_NR_PAGES * PAGE_SIZE);
	PROVIDE(_timens_data = _vdso_data + PAGE_SIZE);
	. = SIZEOF_HEADERS;

	.hash		: { *(.hash) }			:text
	.gnu.hash	: { *(.gnu.hash) }
	.dynsym		: { *(.dynsym) }
	.dynstr		: { *(.dynstr) }
	.gnu.version	: { *(.gnu.version) }
	.gnu.version_d	: { *(.gnu.version_d) }
	.gnu.version_r	: { *(.gnu.version_r) }

	.note		: { *(.note.*) }		:text	:note
	.dynamic	: { *(.dynamic) }		:text	:dynamic

	.eh_frame_hdr	: { *(.eh_frame_hdr) }		:text	:eh_frame_hdr
	.eh_frame	: { KEEP (*(.eh_frame)) }	:text

	.rodata		: { *(.rodata .rodata.* .srodata .srodata.*) }

	. = 0x800;
	.text		: { *(.text .text.*) }		:text

	.data		: {
		*(.got.plt) *(.got)
		*(.data .data.* .sdata .sdata.*)
		*(.dynbss)
		*(.bss .bss.* .sbss .sbss.*)
	}

	/DISCARD/ : { *(.comment) *(.note.GNU-stack) }
}

PHDRS
{
	text		PT_LOAD		FLAGS(5) FILEHDR PHDRS;	/* R X */
	dynamic		PT_DYNAMIC	FLAGS(4);		/* R */
	note		PT_NOTE		FLAGS(4);		/* R */
	eh_frame_hdr	PT_GNU_EH_FRAME;
}

VERSION
{
	LINUX_4.15 {
	global:
		__vdso_rt_sigreturn;
		__vdso_gettimeofday;
		__vdso_clock_gettime;
		__vdso_clock_getres;
		__vdso_getcpu;
		__vdso_flush_icache;
	local: *;
	};
}

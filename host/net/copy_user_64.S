/* SPDX-License-Identifier: MIT
 * copy_user_generic for x86-64: the one instruction that touches user memory,
 * with an exception-table entry of one (uaccess.cpp's fault handler).
 *
 *   size_t sendoff_copy_user(void* dst, const void* src, size_t n);
 *
 * Returns the number of bytes not copied: 0, or what was left when a page
 * faulted. `rep movsb` is restartable: when it faults, RCX holds the bytes
 * still to copy and RSI/RDI point at the first of them. The handler finds the
 * fault's RIP in [sendoff_uaccess_begin, sendoff_uaccess_end) and resumes at
 * sendoff_uaccess_fixup, which returns RCX. A copy that completes leaves RCX
 * at 0 and takes the same exit. This is the shape of Linux's
 * copy_user_generic (arch/x86/include/asm/uaccess_64.h: `rep movsb` with an
 * _ASM_EXTABLE_UA entry to the instruction after it).
 */
#ifdef __CET__
#include <cet.h>
#else
#define _CET_ENDBR
#endif

	.text
	.p2align 4
	.globl	sendoff_copy_user
	.hidden	sendoff_copy_user
	.type	sendoff_copy_user, @function
	.globl	sendoff_uaccess_begin
	.hidden	sendoff_uaccess_begin
	.globl	sendoff_uaccess_end
	.hidden	sendoff_uaccess_end
	.globl	sendoff_uaccess_fixup
	.hidden	sendoff_uaccess_fixup
sendoff_copy_user:
	.cfi_startproc
	_CET_ENDBR
	movq	%rdx, %rcx
sendoff_uaccess_begin:
	rep movsb
sendoff_uaccess_end:
sendoff_uaccess_fixup:
	movq	%rcx, %rax
	ret
	.cfi_endproc
	.size	sendoff_copy_user, .-sendoff_copy_user

	.section .note.GNU-stack, "", @progbits

// The debugger's bounds on work per request, in one place. docs/limits.md states each of them and why;
// a request beyond a bound is refused with a message naming the bound, never cut silently.

/** Instructions in one disassemble request or console `disassemble`/`x/Ni` (count and |instructionOffset|). */
export const MAX_DISASSEMBLE_INSTRUCTIONS = 10_000;
/** Bytes in one readMemory or writeMemory request. */
export const MAX_MEMORY_REQUEST_BYTES = 16 * 1024 * 1024;
/** Bytes watched by one data breakpoint (the hart marks every page of the range). */
export const MAX_DATA_BREAKPOINT_BYTES = 64 * 1024;
/** Characters in an expression, a breakpoint condition or a console command. */
export const MAX_EXPRESSION_LENGTH = 16 * 1024;
/** Nesting of parentheses and unary operators in an expression. */
export const MAX_EXPRESSION_DEPTH = 256;
/** Breakpoints of one kind in one set*Breakpoints request. */
export const MAX_BREAKPOINTS_PER_REQUEST = 10_000;
/** Characters in any other string argument (paths, names, references). */
export const MAX_STRING_LENGTH = 64 * 1024;
/** Elements of any array argument other than breakpoints (args, filters). */
export const MAX_ARRAY_LENGTH = 10_000;
/** Bytes of a source file the `source` request returns (a client may name any path). */
export const MAX_SOURCE_FILE_BYTES = 64 * 1024 * 1024;

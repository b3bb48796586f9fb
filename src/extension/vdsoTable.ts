// "Show vDSO symbols": the dynamic symbol table of the vDSO as `objdump -T` prints it, plus each symbol's
// runtime address in the debugged process. The table is generated from the built image
// (src/guest/vdso/vdsoSymbols.generated.ts), so this never parses an ELF and loads no emulator code.
import { VDSO_SYMBOLS, VDSO_SONAME, VDSO_BUILD_ID, type VdsoSymbol } from '../guest/vdso/vdsoSymbols.generated';
import { VVAR_NR_PAGES, PAGE_SIZE } from '../kernel/vdso/datapage';

const h16 = (v: bigint | number) => BigInt(v).toString(16).padStart(16, '0');

/** objdump -T's flag columns for a symbol: "g    DF" for a global function, "g    DO" for an object. */
function flags(s: VdsoSymbol): string {
  return `g    D${s.type === 'FUNC' ? 'F' : 'O'}`;
}

export function vdsoBaseFromVvar(vvarDataPage: bigint): bigint {
  return vvarDataPage + BigInt(VVAR_NR_PAGES * PAGE_SIZE);
}

/** The table; `vdsoBase` is where the process mapped the vDSO (AT_SYSINFO_EHDR), undefined when not known. */
export function formatVdsoSymbols(vdsoBase?: bigint, sessionName?: string): string {
  const lines: string[] = [];
  lines.push(`${VDSO_SONAME}:     file format elf64-littleriscv   (build-id ${VDSO_BUILD_ID})`);
  lines.push(vdsoBase !== undefined
    ? `mapped at 0x${vdsoBase.toString(16)} in ${sessionName ?? 'the debugged process'} ([vvar] data page at 0x${(vdsoBase - BigInt(VVAR_NR_PAGES * PAGE_SIZE)).toString(16)})`
    : 'not mapped: start a riscv-vdso debug session of a Linux program and stop it to see runtime addresses');
  lines.push('', 'DYNAMIC SYMBOL TABLE:');
  const rows = [...VDSO_SYMBOLS].sort((a, b) => a.offset - b.offset || a.name.localeCompare(b.name));
  for (const s of rows) {
    const section = s.section === 'ABS' ? '*ABS*' : s.section;
    const runtime = vdsoBase !== undefined && s.section !== 'ABS' ? `  -> 0x${(vdsoBase + BigInt(s.offset)).toString(16)}` : '';
    lines.push(`${h16(s.offset)} ${flags(s)} ${section.padEnd(6)} ${h16(s.size)}  ${(s.version || s.name).padEnd(10)}  ${s.name}${runtime}`);
  }
  return lines.join('\n') + '\n';
}

/** The functions a breakpoint can be put on, for the quick pick. */
export function vdsoFunctions(): VdsoSymbol[] {
  return VDSO_SYMBOLS.filter((s) => s.type === 'FUNC').slice().sort((a, b) => a.name.localeCompare(b.name));
}

/** A hex dump like `xxd`, with addresses starting at `address`. */
export function hexDump(bytes: Uint8Array, address: bigint): string {
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const chunk = bytes.subarray(i, i + 16);
    const hex = Array.from(chunk, (b) => b.toString(16).padStart(2, '0'));
    const groups: string[] = [];
    for (let g = 0; g < 16; g += 4) groups.push(hex.slice(g, g + 4).join(' '));
    const ascii = Array.from(chunk, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    out.push(`${(address + BigInt(i)).toString(16).padStart(12, '0')}:  ${groups.join('  ').padEnd(52)}  ${ascii}`);
  }
  return out.join('\n') + '\n';
}

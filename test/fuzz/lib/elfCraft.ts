// Hand-made ELF files for the targeted cases: a real program with its program header table moved to the end
// of the file and grown to `count` entries (extra PT_LOADs of one page each), and files with corrupt tables.
export function withManyLoads(orig: Uint8Array, count: number): Uint8Array {
  const dv0 = new DataView(orig.buffer, orig.byteOffset, orig.byteLength);
  const phoff = Number(dv0.getBigUint64(32, true)), phnum = dv0.getUint16(56, true);
  const keep: Uint8Array[] = [];
  for (let i = 0; i < phnum; i++) {
    const e = orig.subarray(phoff + i * 56, phoff + (i + 1) * 56);
    if (new DataView(e.buffer, e.byteOffset).getUint32(0, true) !== 6 /* PT_PHDR */) keep.push(e);
  }
  const start = Math.ceil(orig.length / 8) * 8;
  const out = new Uint8Array(start + count * 56);
  out.set(orig);
  const dv = new DataView(out.buffer);
  keep.forEach((e, i) => out.set(e, start + i * 56));
  for (let i = keep.length; i < count; i++) {
    const o = start + i * 56;
    dv.setUint32(o, 1, true); // PT_LOAD
    dv.setUint32(o + 4, 4, true); // PF_R
    dv.setBigUint64(o + 8, 0n, true); // p_offset
    dv.setBigUint64(o + 16, 0x20000000n + BigInt(i) * 0x1000n, true); // p_vaddr
    dv.setBigUint64(o + 24, 0x20000000n + BigInt(i) * 0x1000n, true);
    dv.setBigUint64(o + 32, 0x1000n, true); // p_filesz
    dv.setBigUint64(o + 40, 0x1000n, true); // p_memsz
    dv.setBigUint64(o + 48, 0x1000n, true); // p_align
  }
  dv.setBigUint64(32, BigInt(start), true);
  dv.setUint16(56, count, true);
  return out;
}

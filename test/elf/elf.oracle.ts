// Oracle suite: compares src/elf with riscv64-linux-gnu-readelf / objdump on the fixtures and
// the toolchain's own libc.so.6 and ld-linux. Needs the cross binutils.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ElfFile, ElfSymbol, SHN, STT, objdumpVersionString, symBindName, symTypeName, symVisName } from '../../src/elf/elf';
import { LineIndex } from '../../src/elf/dwarfLine';
import { CfiTable, executeCfi, formatCfa, formatRule, riscvRegName } from '../../src/elf/dwarfCfi';

const fx = join(__dirname, '..', 'fixtures', 'elf', 'build');
const sysroot = '/usr/riscv64-linux-gnu/lib';
const fixtures = ['bare', 'bare-dw4', 'pie', 'libfix.so'].map((n) => join(fx, n));
const libs = [join(sysroot, 'libc.so.6'), join(sysroot, 'ld-linux-riscv64-lp64d.so.1')];
const run = (tool: string, args: string[]) => execFileSync(`riscv64-linux-gnu-${tool}`, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
const open = (p: string) => new ElfFile(new Uint8Array(readFileSync(p)));

for (const path of [...fixtures, ...libs]) {
  const name = basename(path);

  test(`${name}: headers, program headers and sections match readelf -h -l -S`, () => {
    const e = open(path);
    const out = run('readelf', ['-W', '-h', '-l', '-S', path]);
    assert.equal(e.header.entry, BigInt(/Entry point address:\s+(0x[0-9a-f]+)/.exec(out)![1]));
    assert.equal(e.header.phnum, Number(/Number of program headers:\s+(\d+)/.exec(out)![1]));
    assert.equal(e.header.shnum, Number(/Number of section headers:\s+(\d+)/.exec(out)![1]));
    const ph = [...out.matchAll(/^\s+([A-Z_]+)\s+(0x[0-9a-f]+) (0x[0-9a-f]+) (0x[0-9a-f]+) (0x[0-9a-f]+) (0x[0-9a-f]+) /gm)];
    assert.equal(ph.length, e.programHeaders.length);
    ph.forEach((m, i) => {
      const p = e.programHeaders[i];
      assert.deepEqual([p.offset, p.vaddr, p.paddr, p.filesz, p.memsz], m.slice(2, 7).map((x) => BigInt(x)), `phdr ${i} ${m[1]}`);
    });
    const sh = [...out.matchAll(/^\s+\[\s*(\d+)\] (\S*)\s+\S+\s+([0-9a-f]{16}) ([0-9a-f]{6,}) ([0-9a-f]{6,}) /gm)];
    assert.equal(sh.length, e.sections.length);
    for (const m of sh) {
      const s = e.sections[Number(m[1])];
      assert.deepEqual([s.name, s.addr, s.offset, s.size], [m[2], BigInt('0x' + m[3]), BigInt('0x' + m[4]), BigInt('0x' + m[5])]);
    }
    const interp = /Requesting program interpreter: ([^\]]+)\]/.exec(out);
    assert.equal(e.interp, interp?.[1]);
  });

  test(`${name}: .symtab and .dynsym match readelf -s --dyn-syms`, () => {
    const e = open(path);
    const out = run('readelf', ['-W', '-s', '--dyn-syms', path]);
    const tables = out.split(/\nSymbol table '/).slice(1);
    let compared = 0;
    for (const t of tables) {
      const tname = /^([^']+)'/.exec(t)![1];
      const syms: ElfSymbol[] = tname === '.dynsym' ? e.dynamicSymbols() : e.symbols();
      const lines = [...t.matchAll(/^\s+(\d+): ([0-9a-f]{16})\s+(\S+) (\S+)\s+(\S+)\s+(\S+)\s+(?:\[[^\]]*\]\s+)?(\S+) ?(.*)$/gm)];
      assert.equal(lines.length, syms.length, `${tname} count`);
      for (const m of lines) {
        const s = syms[Number(m[1])];
        const size = BigInt(m[3]);
        const ndx = m[7] === 'UND' ? SHN.UNDEF : m[7] === 'ABS' ? SHN.ABS : m[7] === 'COM' ? SHN.COMMON : Number(m[7]);
        // readelf appends @VER / @@VER (and " (n)" for needed versions) to dynamic names.
        const rname = m[8].replace(/ \(\d+\)$/, '').replace(/@.*$/, '');
        assert.deepEqual(
          [s.value, s.size, symTypeName(s.type), symBindName(s.bind), symVisName(s.visibility), s.shndx, (s.type === STT.SECTION && !s.name ? e.sections[s.shndx]?.name ?? '' : s.name).replace(/@.*$/, '')],
          [BigInt('0x' + m[2]), size, m[4], m[5], m[6], ndx, rname],
          `${tname}[${m[1]}]`,
        );
        if (tname === '.dynsym' && s.version && m[8].includes('@')) {
          const ver = /@@?([^ ]+)/.exec(m[8])![1];
          assert.equal(s.version.name, ver, `${tname}[${m[1]}] version`);
          assert.equal(m[8].includes('@@'), !s.version.hidden && s.version.file === undefined && s.shndx !== SHN.UNDEF, `${tname}[${m[1]}] default`);
        }
        compared++;
      }
    }
    assert.ok(compared > 0 || !/Symbol table/.test(out));
  });

  test(`${name}: versions match objdump -T and readelf -V`, () => {
    const e = open(path);
    const dyn = e.dynamicSymbols();
    if (!dyn.length) return;
    const out = run('objdump', ['-T', path]);
    const rows = out.split('\n').filter((l) => /^[0-9a-f]{16} /.test(l));
    assert.equal(rows.length, dyn.length - 1);
    rows.forEach((l, i) => {
      const tail = l.slice(l.indexOf('\t') + 1 + 16).trim().split(/\s+/);
      const [ver, nm] = tail.length >= 2 ? [tail[0], tail[tail.length - 1]] : ['', tail[0]];
      const s = dyn[i + 1];
      assert.equal(s.name || nm, nm, `objdump -T row ${i}`);
      assert.equal(objdumpVersionString(s), ver, `version of ${nm}`);
    });
    const v = run('readelf', ['-W', '-V', path]);
    const defNames = [...v.matchAll(/Index: (\d+)\s+Cnt: \d+\s+Name: (\S+)/g)].map((m) => `${m[1]}:${m[2]}`);
    assert.deepEqual(e.versions().defs.map((d) => `${d.ndx}:${d.names[0]}`), defNames);
    const needNames = [...v.matchAll(/Name: (\S+)\s+Flags: \S+\s+Version: (\d+)/g)].map((m) => `${m[2]}:${m[1]}`);
    assert.deepEqual(e.versions().needs.flatMap((n) => n.entries.map((a) => `${a.other}:${a.name}`)), needNames);
  });

  test(`${name}: CFI rows match readelf --debug-dump=frames-interp`, () => {
    const e = open(path);
    const out = run('readelf', ['--debug-dump=frames-interp', path]);
    let fdeCount = 0;
    let rowCount = 0;
    for (const [secName, which] of [['.eh_frame', 'eh'], ['.debug_frame', 'debug']] as const) {
      const start = out.indexOf(`Contents of the ${secName} section:`);
      if (start < 0) continue;
      const next = out.indexOf('Contents of the', start + 10);
      const body = out.slice(start, next < 0 ? undefined : next);
      const t = CfiTable.fromElf(e, 0n, which);
      const byOff = new Map(t.fdes.map((f) => [f.offset, f]));
      for (const blk of body.split(/\n\n+/)) {
        const hm = /^([0-9a-f]{8}) [0-9a-f]+ [0-9a-f]+ FDE cie=([0-9a-f]+) pc=([0-9a-f]+)\.\.([0-9a-f]+)/m.exec(blk);
        if (!hm) continue;
        const fde = byOff.get(parseInt(hm[1], 16));
        assert.ok(fde, `FDE at ${hm[1]}`);
        assert.equal(fde.cie.offset, parseInt(hm[2], 16));
        assert.equal(fde.pcBegin, BigInt('0x' + hm[3]));
        assert.equal(fde.pcEnd, BigInt('0x' + hm[4]));
        fdeCount++;
        const lines = blk.split('\n');
        const hdr = lines.findIndex((l) => /^\s+LOC\s+CFA/.test(l));
        if (hdr < 0) {
          assert.ok(executeCfi(fde.cie, fde).allNops, `FDE ${hm[1]} has rows but readelf shows none`);
          continue;
        }
        const cols = lines[hdr].trim().split(/\s+/).slice(2);
        const mine = t.rows(fde);
        const theirs = lines.slice(hdr + 1).filter((l) => /^[0-9a-f]{16} /.test(l));
        assert.equal(mine.length, theirs.length, `row count of FDE ${hm[1]}`);
        theirs.forEach((l, i) => {
          const f = l.trim().split(/\s+/);
          const r = mine[i];
          const regCols = cols.map((c) => {
            const n = Array.from({ length: 64 }, (_, k) => k).find((k) => riscvRegName(k) === c) ?? (c === 'fp' ? 8 : -1);
            return formatRule(r.regs.get(n));
          });
          assert.equal(r.loc, BigInt('0x' + f[0]), `FDE ${hm[1]} row ${i} loc`);
          assert.equal([formatCfa(r.cfa), ...regCols].join(' '), f.slice(1).join(' '), `FDE ${hm[1]} row ${i}`);
          // Registers readelf has no column for must have no rule in our row.
          for (const n of r.regs.keys()) assert.ok(cols.includes(riscvRegName(n)), `FDE ${hm[1]} extra register ${n}`);
          rowCount++;
        });
      }
    }
    console.log(`# ${name}: CFI ${fdeCount} FDEs, ${rowCount} rows compared`);
  });
}

for (const path of fixtures) {
  const name = basename(path);
  test(`${name}: every .debug_line row matches objdump --dwarf=decodedline`, () => {
    const e = open(path);
    const out = run('objdump', ['--dwarf=decodedline', path]);
    const theirs = [...out.matchAll(/^(\S+)\s+(\d+|-)\s+(0x[0-9a-f]+)(?:\s+\d+)?(\s+x)?\s*$/gm)];
    const mine = LineIndex.fromElf(e).rows();
    assert.equal(mine.length, theirs.length, 'row count');
    mine.forEach((r, i) => {
      const m = theirs[i];
      assert.deepEqual(
        [basename(r.file), r.endSequence ? '-' : String(r.line), r.address, r.endSequence ? false : r.isStmt],
        [m[1], m[2], BigInt(m[3]), m[4] !== undefined],
        `row ${i}`,
      );
    });
    console.log(`# ${name}: ${mine.length} line rows compared`);
  });
}

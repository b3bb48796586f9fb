// Symbol index for one loaded object: name lookup (optionally versioned), address -> nearest
// preceding function, iteration. All addresses are runtime addresses = link address + bias.

import { ElfFile, ElfSymbol, SHN, STB, STT } from './elf';
import { hex } from './reader';

export interface IndexedSymbol extends ElfSymbol {
  /** Runtime address (value + bias; TLS and ABS symbols are not biased). */
  address: bigint;
  /** 'symtab' or 'dynsym'. */
  table: 'symtab' | 'dynsym';
}

export interface SymbolLocation {
  symbol: IndexedSymbol;
  offset: bigint;
  /** 'name' or 'name+0x1c'. */
  text: string;
}

export class SymbolIndex {
  readonly bias: bigint;
  private readonly all: IndexedSymbol[] = [];
  private readonly byName = new Map<string, IndexedSymbol[]>();
  /** Defined function (and, as a fallback, notype) symbols sorted by address. */
  private readonly sorted: IndexedSymbol[];

  constructor(symbols: { symtab?: ElfSymbol[]; dynsym?: ElfSymbol[] }, bias = 0n) {
    this.bias = bias;
    const add = (list: ElfSymbol[] | undefined, table: 'symtab' | 'dynsym') => {
      for (const s of list ?? []) {
        if (s.index === 0 || s.name === '') continue;
        const biased = s.shndx !== SHN.UNDEF && s.shndx !== SHN.ABS && s.type !== STT.TLS;
        const is: IndexedSymbol = { ...s, address: biased ? s.value + bias : s.value, table };
        this.all.push(is);
        let l = this.byName.get(s.name);
        if (!l) this.byName.set(s.name, (l = []));
        l.push(is);
      }
    };
    add(symbols.dynsym, 'dynsym');
    add(symbols.symtab, 'symtab');
    const fns = this.all.filter(
      (s) => s.shndx !== SHN.UNDEF && s.shndx !== SHN.ABS && s.shndx < SHN.LORESERVE && (s.type === STT.FUNC || s.type === STT.GNU_IFUNC),
    );
    // Prefer global over local, and symtab over dynsym, among aliases at one address.
    const rank = (s: IndexedSymbol) => (s.bind === STB.GLOBAL ? 0 : s.bind === STB.WEAK ? 1 : 2) * 2 + (s.table === 'symtab' ? 0 : 1);
    fns.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : rank(a) - rank(b) || (a.name < b.name ? -1 : 1)));
    this.sorted = fns;
  }

  /** Builds an index from an ELF file's .symtab and .dynsym; `bias` = runtime base - link base. */
  static fromElf(elf: ElfFile, bias = 0n): SymbolIndex {
    return new SymbolIndex({ symtab: elf.symbols(), dynsym: elf.dynamicSymbols() }, bias);
  }

  /** Returns the same symbols under a different load bias. */
  withBias(bias: bigint): SymbolIndex {
    const strip = (t: 'symtab' | 'dynsym') => this.all.filter((s) => s.table === t);
    return new SymbolIndex({ symtab: strip('symtab'), dynsym: strip('dynsym') }, bias);
  }

  [Symbol.iterator](): Iterator<IndexedSymbol> {
    return this.all[Symbol.iterator]();
  }

  get size(): number {
    return this.all.length;
  }

  /**
   * Looks a symbol up by name. `name@VER` / `name@@VER` or the `version` argument restrict the
   * version; without one the default (non-hidden) definition wins, then any defined one.
   */
  lookup(name: string, version?: string): IndexedSymbol | undefined {
    let n = name;
    let v = version;
    const at = name.indexOf('@');
    if (at > 0 && v === undefined) {
      n = name.slice(0, at);
      v = name.slice(at).replace(/^@@?/, '');
    }
    const list = this.byName.get(n);
    if (!list) return undefined;
    const defined = list.filter((s) => s.shndx !== SHN.UNDEF);
    if (v !== undefined) {
      return defined.find((s) => s.version?.name === v) ?? list.find((s) => s.version?.name === v);
    }
    return (
      defined.find((s) => s.table === 'dynsym' && s.version && !s.version.hidden) ??
      defined.find((s) => s.bind !== STB.LOCAL) ??
      defined[0] ??
      list[0]
    );
  }

  /** All entries for a name (both tables, all versions). */
  lookupAll(name: string): IndexedSymbol[] {
    return [...(this.byName.get(name) ?? [])];
  }

  /**
   * The function symbol containing or nearest preceding `address`. When the nearest symbol has
   * a non-zero size and the address is beyond it, undefined is returned unless `allowOutside`.
   */
  functionAt(address: bigint, allowOutside = false): IndexedSymbol | undefined {
    const a = this.sorted;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid].address <= address) lo = mid + 1;
      else hi = mid;
    }
    let i = lo - 1;
    if (i < 0) return undefined;
    // Move to the best-ranked alias at this address (the sort put it first).
    const addr = a[i].address;
    while (i > 0 && a[i - 1].address === addr) i--;
    const s = a[i];
    if (!allowOutside && s.size > 0n && address >= s.address + s.size) {
      // A zero-size or larger alias at the same address may still cover it.
      for (let j = i; j < a.length && a[j].address === addr; j++) if (a[j].size === 0n || address < a[j].address + a[j].size) return a[j];
      return undefined;
    }
    return s;
  }

  /** 'sym+0x1c' (or 'sym') for an address; undefined if no function precedes it. */
  describe(address: bigint, allowOutside = false): SymbolLocation | undefined {
    const s = this.functionAt(address, allowOutside);
    if (!s) return undefined;
    const offset = address - s.address;
    return { symbol: s, offset, text: offset === 0n ? s.name : `${s.name}+${hex(offset)}` };
  }

  /** Defined functions sorted by address (aliases included). */
  functions(): readonly IndexedSymbol[] {
    return this.sorted;
  }
}

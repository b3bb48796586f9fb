// The [vvar] inspector's model: the data page decoded (src/kernel/vdso/datapage.ts is the one layout), each
// field compared with the previous stop, base times also as readable dates. Pure (no `vscode`), so the
// extension host computes it and the webview (media/vvar.js) only draws it.
import {
  decodeDataPage, DATAPAGE_FIELDS, VDSO_DATA_ARRAY_SIZE, VDSO_CLOCKMODE_ARCHTIMER, VDSO_CLOCKMODE_NONE, VDSO_CLOCKMODE_TIMENS,
} from '../../kernel/vdso/datapage';

export interface VvarRow {
  /** Field name inside its vdso_data entry, e.g. "seq", "basetime[CLOCK_REALTIME].sec". */
  name: string;
  /** Byte offset in the data page. */
  offset: number;
  value: string;
  hex: string;
  /** Differs from the previous stop (false at the first one). */
  changed: boolean;
  /** A readable note: "write in progress", a date, the clock mode's name. */
  note?: string;
  /** The row is a warning (seq odd). */
  warn?: boolean;
}

export interface VvarEntry {
  title: string;
  seq: string;
  writeInProgress: boolean;
  rows: VvarRow[];
}

export interface VvarModel {
  address: string;
  /** Stop counter (1 at the first stop of a session). */
  stop: number;
  /** Why the program stopped, as the adapter said. */
  reason?: string;
  entries: VvarEntry[];
  changedCount: number;
}

const WALL = /REALTIME|TAI/;
const pad = (n: bigint | number, w: number) => n.toString().padStart(w, '0');

/** Seconds since the epoch as "2026-11-25 04:47:20.123456789 UTC". */
export function readableDate(sec: bigint, ns: bigint): string | undefined {
  const ms = Number(sec) * 1000;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return undefined;
  const iso = new Date(ms).toISOString(); // yyyy-mm-ddThh:mm:ss.000Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${pad(ns % 1_000_000_000n, 9)} UTC`;
}

/** A monotonic time as a duration since boot: "0d 00:01:02.000000123". */
export function readableDuration(sec: bigint, ns: bigint): string {
  const d = sec / 86400n, h = (sec / 3600n) % 24n, m = (sec / 60n) % 60n, s = sec % 60n;
  return `${d}d ${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(ns % 1_000_000_000n, 9)} since boot`;
}

function clockModeName(v: bigint): string | undefined {
  const n = Number(BigInt.asIntN(32, v));
  if (n === VDSO_CLOCKMODE_NONE) return 'VDSO_CLOCKMODE_NONE: every call falls back to the ecall';
  if (n === VDSO_CLOCKMODE_ARCHTIMER) return 'VDSO_CLOCKMODE_ARCHTIMER: the time CSR';
  if (n === VDSO_CLOCKMODE_TIMENS) return 'VDSO_CLOCKMODE_TIMENS: time-namespace page';
  return undefined;
}

/** Build the model from the page's bytes (at least VDSO_DATA_ARRAY_SIZE) and the previous stop's values. */
export function buildVvarModel(page: Uint8Array, address: bigint, previous: Map<string, bigint> | undefined, stop: number, reason?: string): { model: VvarModel; values: Map<string, bigint> } {
  if (page.byteLength < VDSO_DATA_ARRAY_SIZE) throw new Error(`the [vvar] read returned ${page.byteLength} bytes, need ${VDSO_DATA_ARRAY_SIZE}`);
  const values = decodeDataPage(page);
  const entries: VvarEntry[] = [];
  let changedCount = 0;
  for (const entry of [0, 1]) {
    const prefix = `vd[${entry}].`;
    const get = (n: string) => values.get(prefix + n) ?? 0n;
    const seq = get('seq');
    const shift = get('shift');
    const rows: VvarRow[] = [];
    for (const f of DATAPAGE_FIELDS) {
      if (f.entry !== entry) continue;
      const v = values.get(f.name)!;
      const name = f.name.slice(prefix.length);
      const prev = previous?.get(f.name);
      const changed = prev !== undefined && prev !== v;
      if (changed) changedCount++;
      const shown = f.signed ? BigInt.asIntN(32, v) : v;
      const row: VvarRow = { name, offset: f.offset, value: shown.toString(), hex: '0x' + v.toString(16).padStart(f.size * 2, '0'), changed };
      if (name === 'seq') {
        row.note = v & 1n ? 'odd: write in progress (readers retry)' : 'even: consistent';
        row.warn = (v & 1n) === 1n;
      } else if (name === 'clock_mode') {
        row.note = clockModeName(v);
      } else if (/^basetime\[\w+\]\.nsec$/.test(name)) {
        row.note = /COARSE/.test(name) ? 'nanoseconds (coarse clocks are not shifted)'
          : `nanoseconds << shift: ${v} >> ${shift} = ${v >> shift} ns`;
      } else if (name === 'shift') {
        row.note = `ns = ((cycles - cycle_last) * mult + nsec) >> ${v}`;
      } else if (name === 'mult') {
        row.note = 'time CSR ticks -> shifted nanoseconds';
      } else if (name === 'cycle_last') {
        row.note = 'time CSR value at the last update';
      } else if (name === 'hrtimer_res') {
        row.note = 'ns (clock_getres of the high-resolution clocks)';
      } else {
        const m = /^basetime\[(\w+)\]\.sec$/.exec(name);
        if (m && (v !== 0n || values.get(`${prefix}basetime[${m[1]}].nsec`))) {
          const rawNs = values.get(`${prefix}basetime[${m[1]}].nsec`) ?? 0n;
          // High-resolution clocks keep shifted nanoseconds; the coarse ones plain nanoseconds.
          const ns = m[1].includes('COARSE') ? rawNs : rawNs >> shift;
          row.note = WALL.test(m[1]) ? readableDate(v, ns) : readableDuration(v, ns);
        }
      }
      rows.push(row);
    }
    entries.push({
      title: `vd[${entry}] ${entry === 0 ? 'CS_HRES_COARSE' : 'CS_RAW'}`,
      seq: seq.toString(),
      writeInProgress: (seq & 1n) === 1n,
      rows,
    });
  }
  return { model: { address: '0x' + address.toString(16), stop, reason, entries, changedCount }, values };
}

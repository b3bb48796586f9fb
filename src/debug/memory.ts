// readMemory / writeMemory over the guest's virtual memory as the hart currently sees it. Memory references
// are addresses in hex ('0x3fffff8000'); symbols and expressions are accepted too ('$sp', 'main').
import type { DebugRuntime } from './runtime';
import { PAGE_SIZE } from '../kernel/pagetable';

const hex = (v: bigint) => '0x' + v.toString(16);

export function resolveReference(rt: DebugRuntime, ref: string): bigint {
  if (typeof ref !== 'string' || !ref.trim()) throw new Error('memoryReference is missing');
  try {
    return rt.evaluate(ref);
  } catch (e) {
    throw new Error(`memoryReference '${ref}': ${(e as Error).message}`);
  }
}

export interface MemoryRead { address: bigint; data: Uint8Array; unreadable: number }

/** Read up to `count` bytes; stops at the first unreadable byte (the rest is reported unreadable). */
export function readMemory(rt: DebugRuntime, ref: string, offset = 0, count = 0): MemoryRead {
  if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a non-negative integer (got ${count})`);
  if (!Number.isInteger(offset)) throw new Error(`offset must be an integer (got ${offset})`);
  if (count > 16 * 1024 * 1024) throw new Error(`count ${count} is too large (at most 16 MiB per request)`);
  const address = BigInt.asUintN(64, resolveReference(rt, ref) + BigInt(offset));
  const hart = rt.hart;
  const out = new Uint8Array(count);
  let done = 0;
  while (done < count) {
    const a = address + BigInt(done);
    const chunk = Math.min(count - done, PAGE_SIZE - Number(a & BigInt(PAGE_SIZE - 1)));
    const b = hart.readVirt(a, chunk);
    if (!b) break;
    out.set(b, done);
    done += chunk;
  }
  if (done === 0 && count > 0) {
    const where = rt.mappingAt(address);
    throw new Error(`cannot read memory at ${hex(address)}: ${where ? `page not present in ${where.path || 'an anonymous mapping'}` : 'the address is outside any mapping'}`);
  }
  return { address, data: out.subarray(0, done), unreadable: count - done };
}

export function writeMemory(rt: DebugRuntime, ref: string, offset: number, data: Uint8Array): { address: bigint; written: number } {
  const address = BigInt.asUintN(64, resolveReference(rt, ref) + BigInt(offset ?? 0));
  if (!rt.hart.writeVirt(address, data)) {
    throw new Error(`cannot write ${data.length} bytes at ${hex(address)}: ${rt.mappingAt(address) ? 'not all of the range is present' : 'the address is outside any mapping'}`);
  }
  return { address, written: data.length };
}

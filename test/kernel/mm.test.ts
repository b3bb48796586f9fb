// The kernel model's access to user memory (src/kernel/mm.ts read/write, copy_from/to_user): its cache of the
// last page must follow every change of the address space (munmap, mprotect, mremap, brk, fork's copy-on-write).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Hart } from '../../src/hart/hart';
import { PageAllocator, PageTable } from '../../src/kernel/pagetable';
import { MM, PROT_NONE, PROT_READ, PROT_WRITE, MAP_PRIVATE, MAP_ANONYMOUS, MAP_FIXED, MREMAP_MAYMOVE } from '../../src/kernel/mm';

function space(): { mm: MM; alloc: PageAllocator; kernel: PageTable; hart: Hart } {
  const hart = new Hart({ ramBytes: 8 * 1024 * 1024 });
  const alloc = new PageAllocator(hart, 64 * 1024);
  const kernel = new PageTable(hart, alloc);
  return { mm: new MM(hart, alloc, new PageTable(hart, alloc, kernel)), alloc, kernel, hart };
}
const bytes = (...b: number[]) => new Uint8Array(b);
const A = 0x200000n;

test('user-memory access follows munmap, mprotect, mremap and a fresh mapping at the same address', () => {
  const { mm } = space();
  mm.mmap(A, 0x2000n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
  assert.ok(mm.write(A + 8n, bytes(1, 2, 3)));
  assert.deepEqual(mm.read(A + 8n, 3), bytes(1, 2, 3));
  // read-only: reads go on, writes fail; PROT_NONE: both fail; back to read-write: the data is gone (dropped)
  mm.mprotect(A, 0x1000n, PROT_READ);
  assert.equal(mm.write(A + 8n, bytes(9)), false);
  assert.deepEqual(mm.read(A + 8n, 1), bytes(1));
  mm.mprotect(A, 0x1000n, PROT_NONE);
  assert.equal(mm.read(A + 8n, 1), undefined);
  mm.mprotect(A, 0x1000n, PROT_READ | PROT_WRITE);
  assert.deepEqual(mm.read(A + 8n, 3), bytes(0, 0, 0));
  assert.ok(mm.write(A + 8n, bytes(4, 5)));
  mm.munmap(A, 0x2000n);
  assert.equal(mm.write(A + 8n, bytes(6)), false);
  assert.equal(mm.read(A + 8n, 1), undefined);
  mm.mmap(A, 0x1000n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
  assert.deepEqual(mm.read(A + 8n, 2), bytes(0, 0), 'a new mapping reads zeros, not the old page');
  // mremap moves the page: the old address faults, the new one has the data
  assert.ok(mm.write(A + 16n, bytes(7)));
  mm.mmap(A + 0x1000n, 0x1000n, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED); // no room to grow in place
  const to = mm.mremap(A, 0x1000n, 0x3000n, MREMAP_MAYMOVE);
  assert.notEqual(to, A);
  assert.deepEqual(mm.read(to + 16n, 1), bytes(7));
  assert.deepEqual(mm.read(A + 16n, 1), undefined);
  assert.equal(mm.write(A + 16n, bytes(8)), false);
});

test('after fork a write reaches only the writer\'s copy; brk shrinking unmaps', () => {
  const { mm, hart, alloc, kernel } = space();
  mm.mmap(A, 0x1000n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
  assert.ok(mm.write(A, bytes(1)));
  assert.deepEqual(mm.read(A, 1), bytes(1));
  const child = mm.fork(new PageTable(hart, alloc, kernel));
  assert.ok(mm.write(A, bytes(2)));
  assert.deepEqual(mm.read(A, 1), bytes(2));
  assert.deepEqual(child.read(A, 1), bytes(1), 'the child keeps the page as it was at fork');
  assert.ok(child.write(A, bytes(3)));
  assert.deepEqual(mm.read(A, 1), bytes(2));
  assert.deepEqual(child.read(A, 1), bytes(3));
  mm.startBrk = 0x400000n;
  mm.brk = 0x400000n;
  assert.equal(mm.setBrk(0x402000n), 0x402000n);
  assert.ok(mm.write(0x401000n, bytes(5)));
  assert.deepEqual(mm.read(0x401000n, 1), bytes(5));
  assert.equal(mm.setBrk(0x400800n), 0x400800n);
  assert.equal(mm.write(0x401000n, bytes(6)), false);
  assert.equal(mm.read(0x401000n, 1), undefined);
});

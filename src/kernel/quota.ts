// models mm/shmem.c's size= accounting of a tmpfs (the private /tmp): the bytes of every /tmp file's data,
// including files unlinked while still open, count against one quota; growth beyond it is ENOSPC.
import { KernelError, ENOSPC } from './errno';
import type { TmpFile } from './vfs';

export class TmpQuota {
  /** Bytes held by /tmp file data now. */
  used = 0;
  constructor(readonly limit: number) {}

  get free(): number { return Math.max(0, this.limit - this.used); }

  /**
   * Give a file's data room for `need` bytes (growing by doubling while the quota allows, so appends stay
   * cheap), or shrink it to `need` when `shrink`. ENOSPC when the quota cannot hold `need`.
   */
  fit(t: TmpFile, need: number, shrink = false): void {
    const cap = t.data.length;
    if (need <= cap && !(shrink && need < cap)) return;
    let want = need;
    if (need > cap) {
      if (need - cap > this.free) throw new KernelError(ENOSPC);
      want = Math.min(Math.max(need, cap * 2), cap + this.free);
    }
    const nb = Buffer.alloc(want);
    t.data.copy(nb, 0, 0, Math.min(t.size, want));
    this.used += want - cap;
    t.data = nb;
  }

  /** The file's data is gone (unlinked and closed). */
  release(t: TmpFile): void {
    this.used -= t.data.length;
    t.data = Buffer.alloc(0);
    t.size = 0;
  }
}

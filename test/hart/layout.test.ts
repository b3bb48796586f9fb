import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as L from '../../src/hart/layout';

test('layout regions do not overlap and RAM starts after the page-flag map', () => {
  const regions: [string, number, number][] = [
    ['state', L.STATE, L.STATE_END],
    ['watch', L.WATCH, L.WATCH + L.WATCH_MAX * L.WATCH_ENTRY],
    ['itlb', L.ITLB, L.ITLB + L.TLB_N * L.TLB_ENTRY],
    ['rtlb', L.RTLB, L.RTLB + L.TLB_N * L.TLB_ENTRY],
    ['wtlb', L.WTLB, L.WTLB + L.TLB_N * L.TLB_ENTRY],
    ['scratch', L.SCRATCH, L.SCRATCH + L.SCRATCH_SIZE],
    ['dec', L.DEC, L.DEC + L.DEC_N * L.DEC_ENTRY],
    ['pageflags', L.PAGEFLAGS, L.PAGEFLAGS + L.PAGEFLAGS_SIZE],
    ['blk', L.BLK, L.BLK + L.BLK_N * L.BLK_ENTRY],
    ['jit-slots', L.JIT_DONE, L.JIT_GEN + 4],
    ['mmio-data', L.MMIO_DATA, L.MMIO_DATA + 8],
    ['bp-filter', L.BP_FILTER, L.BP_FILTER + L.BP_FILTER_BITS / 8],
  ];
  regions.sort((a, b) => a[1] - b[1]);
  for (let i = 1; i < regions.length; i++) {
    assert.ok(regions[i - 1][2] <= regions[i][1], `${regions[i - 1][0]} overlaps ${regions[i][0]}`);
  }
  assert.ok(regions[regions.length - 1][2] <= L.RAM_OFF);
});

// Locates the committed guest images (built by scripts/build-guest.sh) at run time. Binaries stay binary
// files; this module finds them next to the code in both layouts:
//   source tree (tsx, tests):   __dirname = src/guest  -> src/guest/vdso/build/vdso.so, src/guest/kernel/build/entry.elf
//   bundled (esbuild -> dist/): __dirname = dist       -> dist/guest/vdso.so, dist/guest/entry.elf
// (the bundler step copies the three files into dist/guest/).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type GuestImageName = 'vdso.so' | 'vdso.so.dbg' | 'entry.elf';

const SOURCE_SUBDIR: Record<GuestImageName, string> = {
  'vdso.so': join('vdso', 'build'),
  'vdso.so.dbg': join('vdso', 'build'),
  'entry.elf': join('kernel', 'build'),
};

/** Candidate locations of a guest image, in search order. */
export function guestImageCandidates(name: GuestImageName, baseDir: string = __dirname): string[] {
  return [
    join(baseDir, SOURCE_SUBDIR[name], name), // src/guest layout
    join(baseDir, 'guest', name), // dist/ layout
    join(baseDir, 'guest', SOURCE_SUBDIR[name], name), // dist/ with the source layout copied under guest/
  ];
}

/** Path of a committed guest image; throws when it is in neither layout. */
export function guestImagePath(name: GuestImageName, baseDir: string = __dirname): string {
  const candidates = guestImageCandidates(name, baseDir);
  for (const p of candidates) if (existsSync(p)) return p;
  throw new Error(`guest image ${name} not found (looked in ${candidates.join(', ')}); run npm run build:guest`);
}

/** The bytes of a committed guest image. */
export function readGuestImage(name: GuestImageName, baseDir: string = __dirname): Uint8Array {
  return new Uint8Array(readFileSync(guestImagePath(name, baseDir)));
}

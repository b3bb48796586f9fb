// `npm run gen`: regenerates every generated file that needs no cross toolchain. Each one has a unit test that
// fails when the committed file is stale. (The guest images and their symbol tables need the GNU toolchain:
// `npm run build:guest`.)
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { generateOps, OPS_FILE } from './gen-ops';
import { generateDecoder, DECODER_FILE } from './gen-decoder';
import { generateEncodingAs, generateEncodingTs, ENCODING_AS_FILE, ENCODING_TS_FILE } from './gen-encoding';
import { generateGrammar, GRAMMAR_PATH } from './gen-grammar';
import { datapageHeader } from './gen-datapage-header';

export const DATAPAGE_HEADER_FILE = join(__dirname, '..', 'src', 'guest', 'vdso', 'datapage.generated.h');

const outputs: [string, () => string][] = [
  [OPS_FILE, generateOps],
  [DECODER_FILE, generateDecoder],
  [ENCODING_AS_FILE, generateEncodingAs],
  [ENCODING_TS_FILE, generateEncodingTs],
  [GRAMMAR_PATH, generateGrammar],
  [DATAPAGE_HEADER_FILE, datapageHeader],
];
for (const [file, gen] of outputs) {
  writeFileSync(file, gen());
  console.log(`wrote ${relative(join(__dirname, '..'), file)}`);
}

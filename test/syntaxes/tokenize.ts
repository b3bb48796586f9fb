// Tokenizes text with the generated grammar through vscode-textmate (the engine vscode-tmgrammar-test and
// VS Code use; it comes with vscode-tmgrammar-test).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vsctm from 'vscode-textmate';
import * as oniguruma from 'vscode-oniguruma';

export const GRAMMAR_FILE = join(__dirname, '..', '..', 'syntaxes', 'riscv-asm.tmLanguage.json');

let grammar: Promise<vsctm.IGrammar> | undefined;
export function loadGrammar(): Promise<vsctm.IGrammar> {
  grammar ??= (async () => {
    const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (s: string[]) => new oniguruma.OnigScanner(s),
        createOnigString: (s: string) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async () => vsctm.parseRawGrammar(readFileSync(GRAMMAR_FILE, 'utf8'), GRAMMAR_FILE),
    });
    const g = await registry.loadGrammar('source.riscv-asm');
    if (!g) throw new Error('grammar did not load');
    return g;
  })();
  return grammar;
}

export interface LineTokens {
  readonly line: string;
  readonly tokens: { text: string; scopes: string[] }[];
  /** Scopes still open at the end of the line (beyond the root scope). */
  readonly openAtEnd: string[];
}

export async function tokenize(text: string): Promise<LineTokens[]> {
  const g = await loadGrammar();
  let stack = vsctm.INITIAL;
  const out: LineTokens[] = [];
  for (const line of text.split(/\r?\n/)) {
    const r = g.tokenizeLine(line, stack);
    stack = r.ruleStack;
    // the scopes a zero-length token at the start of the next line would get
    const probe = g.tokenizeLine('', stack);
    out.push({
      line,
      tokens: r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes })),
      openAtEnd: probe.tokens[0]?.scopes.slice(1) ?? [],
    });
  }
  return out;
}

if (process.argv[1] && /tokenize\.ts$/.test(process.argv[1])) {
  void tokenize(readFileSync(process.argv[2], 'utf8')).then((ls) => {
    for (const l of ls) {
      console.log(JSON.stringify(l.line), l.tokens.map((t) => `${JSON.stringify(t.text)}=${t.scopes.slice(1).join(' ')}`).join(' | '),
        l.openAtEnd.length ? `OPEN: ${l.openAtEnd.join(' ')}` : '');
    }
  });
}

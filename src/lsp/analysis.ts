// Parsed documents, cached per version, shared by all features.

import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parse, isPreprocessedUri, type ParsedDoc } from './parser';

const cache = new Map<string, { version: number; doc: ParsedDoc }>();

export function analyse(td: TextDocument): ParsedDoc {
  const hit = cache.get(td.uri);
  if (hit && hit.version === td.version) return hit.doc;
  const doc = parse(td.getText(), isPreprocessedUri(td.uri));
  cache.set(td.uri, { version: td.version, doc });
  return doc;
}

export function forget(uri: string): void {
  cache.delete(uri);
}

/** Linker scripts run through cpp (*.lds.S) are not assembly. */
export function isAssembly(uri: string): boolean {
  return !/\.lds\.S$/.test(uri);
}

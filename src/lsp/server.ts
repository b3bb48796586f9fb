// The RISC-V assembly language server: connection and document wiring only; the features live in ./features.

import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyse, forget, isAssembly } from './analysis';
import { computeDiagnostics } from './features/diagnostics';
import { hover } from './features/hover';
import { complete } from './features/completion';
import { definition, references } from './features/definition';
import { documentSymbols } from './features/documentSymbols';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

connection.onInitialize(() => ({
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Incremental,
    hoverProvider: true,
    completionProvider: { triggerCharacters: ['.', '%', ' ', ','] },
    definitionProvider: true,
    referencesProvider: true,
    documentSymbolProvider: true,
  },
}));

documents.onDidChangeContent(({ document }) => {
  const diagnostics = isAssembly(document.uri) ? computeDiagnostics(analyse(document)) : [];
  void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
});
documents.onDidClose(({ document }) => {
  forget(document.uri);
  void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
});

const doc = (uri: string) => {
  const td = documents.get(uri);
  return td ? analyse(td) : undefined;
};
connection.onHover((p) => { const d = doc(p.textDocument.uri); return d ? hover(d, p.position.line, p.position.character) : null; });
connection.onCompletion((p) => { const d = doc(p.textDocument.uri); return d ? complete(d, p.position.line, p.position.character) : []; });
connection.onDefinition((p) => { const d = doc(p.textDocument.uri); return d ? definition(d, p.textDocument.uri, p.position.line, p.position.character) : []; });
connection.onReferences((p) => {
  const d = doc(p.textDocument.uri);
  return d ? references(d, p.textDocument.uri, p.position.line, p.position.character, p.context.includeDeclaration) : [];
});
connection.onDocumentSymbol((p) => { const d = doc(p.textDocument.uri); return d ? documentSymbols(d) : []; });

documents.listen(connection);
connection.listen();

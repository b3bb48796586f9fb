// The part of the WebAssembly JS API the hart uses (Node has it; TypeScript's ES lib does not declare it).
declare namespace WebAssembly {
  interface ModuleImportDescriptor { module: string; name: string; kind: string; }
  interface ModuleExportDescriptor { name: string; kind: string; }
  class Module {
    constructor(bytes: Uint8Array);
    static imports(m: Module): ModuleImportDescriptor[];
    static exports(m: Module): ModuleExportDescriptor[];
  }
  class Instance { constructor(module: Module, imports?: Record<string, Record<string, unknown>>); readonly exports: Record<string, unknown>; }
  class Memory { readonly buffer: ArrayBuffer; grow(pages: number): number; }
  class Table { constructor(d: { element: 'anyfunc'; initial: number }); readonly length: number; grow(n: number): number; set(i: number, f: unknown): void; }
}

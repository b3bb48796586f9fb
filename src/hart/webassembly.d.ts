// The part of the WebAssembly JS API the hart uses (Node has it; TypeScript's ES lib does not declare it).
declare namespace WebAssembly {
  class Module { constructor(bytes: Uint8Array); }
  class Instance { constructor(module: Module, imports?: Record<string, Record<string, unknown>>); readonly exports: Record<string, unknown>; }
  class Memory { readonly buffer: ArrayBuffer; grow(pages: number): number; }
  class Table { constructor(d: { element: 'anyfunc'; initial: number }); readonly length: number; grow(n: number): number; set(i: number, f: unknown): void; }
}

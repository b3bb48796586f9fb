// The core's runtime: none. The execution core must allocate nothing, ever: it runs for as long as a guest
// program does (billions of instructions, millions of traps), and AssemblyScript's stub runtime never frees,
// so one allocation per trap once grew a heap from the end of the static data into the hart's state (see
// docs/architecture.md, "Memory layout"). With this file as the runtime (asconfig.json "runtime"), every
// allocation helper calls the host's `coreAllocated`, which throws; an allocation anywhere in the core keeps
// that import in hart.wasm, which test/hart/noalloc.test.ts rejects, so the mistake is caught when it is
// built, not after hours of running. AssemblyScript (custom runtime: globals the compiler expects).

// @ts-ignore: decorator
@external('env', 'coreAllocated')
declare function coreAllocated(size: usize): void;

// @ts-ignore: decorator
@unsafe @global
function __alloc(size: usize): usize { coreAllocated(size); unreachable(); return 0; }

// @ts-ignore: decorator
@unsafe @global
function __realloc(ptr: usize, size: usize): usize { coreAllocated(size); unreachable(); return ptr; }

// @ts-ignore: decorator
@unsafe @global
function __free(ptr: usize): void { coreAllocated(0); unreachable(); }

// @ts-ignore: decorator
@unsafe @global
function __reset(): void { coreAllocated(0); unreachable(); }

// @ts-ignore: decorator
@unsafe @global
function __new(size: usize, id: u32): usize { coreAllocated(size); unreachable(); return 0; }

// @ts-ignore: decorator
@unsafe @global
function __renew(oldPtr: usize, size: usize): usize { coreAllocated(size); unreachable(); return oldPtr; }

// @ts-ignore: decorator
@global @unsafe
function __link(parentPtr: usize, childPtr: usize, expectMultiple: bool): void {}

// @ts-ignore: decorator
@global @unsafe
function __pin(ptr: usize): usize { return ptr; }

// @ts-ignore: decorator
@global @unsafe
function __unpin(ptr: usize): void {}

// @ts-ignore: decorator
@global @unsafe
function __visit(ptr: usize, cookie: u32): void {}

// @ts-ignore: decorator
@global @unsafe
function __collect(): void {}

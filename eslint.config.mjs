// eslint with typescript-eslint: the TypeScript parser and rules that know TypeScript (unused locals and
// parameters as errors; the base no-unused-vars does not understand types, overloads or parameter properties).
// Run by `npm test` (npm run lint) and so by CI. AssemblyScript (src/hart/core/) is not TypeScript to eslint's
// parser (decorators on functions, <T>casts on its own types): `asc` checks it, and its unused exports are
// found by the build.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'build/', '.vscode-test/', 'src/hart/core/', '**/fixtures/**', 'samples/', 'bench/**/build/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {
        args: 'all', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true,
      }],
    },
  },
);

// Typed lint rules; the model side and the webview app may not import `vscode` (they are tested without it).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.cache/**', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // esbuild turns each `import * as vscode from 'vscode'` into its own copy of the whole API object (a getter per
    // name, some 200 of them, in every importing file: most of the extension's load time). `import x = require()`
    // and named imports use the object as it is.
    files: ['src/**/*.ts'],
    rules: {
      // The one `require()` call: src/lazy.ts loading the feature code on first use.
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true, allow: ['^\\./features$'] }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='vscode'][importKind='value'] > :matches(ImportNamespaceSpecifier, ImportDefaultSpecifier)",
          message: "Write `import vscode = require('vscode');`: the bundle copies the API object once per `import * as vscode` (issue 10).",
        },
      ],
    },
  },
  {
    files: [
      'src/providers/**/*.ts',
      'src/config/**/*.ts',
      'src/webview/app/**/*.ts',
      'src/cli.ts',
      'src/cli/**/*.ts',
      'src/lm/mapping.ts',
      'src/lm/modelInfo.ts',
      'src/ids.ts',
      'src/tools/definitions.ts',
      'src/participant/plan.ts',
      'src/chat/**/*.ts',
      // The pure parts of inline edits; inlineEdit.ts, editMarks.ts, session.ts and streamToEditor.ts use vscode.
      'src/edit/{prompts,extract,rebase,tokens,rangeTracker,scope}.ts',
      // Ghost-text completions are pure (the engine, prompt, post-processing, cache); src/ghostText adapts them.
      'src/completions/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'vscode', message: 'Keep the model side and the webview app free of vscode: they are tested without it.' }] },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);

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
    files: [
      'src/providers/**/*.ts',
      'src/config/**/*.ts',
      'src/webview/app/**/*.ts',
      'src/cli.ts',
      'src/cli/**/*.ts',
      'src/lm/mapping.ts',
      'src/tools/definitions.ts',
      'src/participant/plan.ts',
      'src/chat/**/*.ts',
      // The pure parts of inline edits; inlineEdit.ts, editMarks.ts, session.ts and streamToEditor.ts use vscode.
      'src/edit/{prompts,extract,rebase,tokens,rangeTracker,scope}.ts',
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

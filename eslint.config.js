// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const boundaries = {
  patterns: [
    { group: ['**/functions/**', '@azure/functions'], message: 'src/ must not depend on functions/ or the Functions runtime.' },
    { group: ['**/emulator/**', '**/host/**', '**/scripts/**', '**/test/**'], message: 'src/ is the product: no dev tooling in it.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'dist-deploy/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unnecessary-condition': ['error', { allowConstantLoopConditions: true }],
      'no-console': 'error',
      // A Guid comes from parseGuid, a GraphPath from graph-path.ts: a cast would skip the check.
      'no-restricted-syntax': [
        'error',
        ...['TSAsExpression', 'TSTypeAssertion', 'TSTypePredicate'].flatMap((cast) => [
          { selector: `${cast} TSTypeReference[typeName.name=/^(Guid|GraphPath)$/]`, message: 'Make a Guid with parseGuid and a GraphPath with graphPath; never cast.' },
          { selector: `${cast} TSImportType[qualifier.name=/^(Guid|GraphPath)$/]`, message: 'Make a Guid with parseGuid and a GraphPath with graphPath; never cast.' },
        ]),
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', boundaries] },
  },
  {
    // Only src/graph and the composition root talk to Graph and Entra's token endpoints.
    files: ['src/**/*.ts'],
    ignores: ['src/graph/**', 'src/composition.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...boundaries.patterns,
            { group: ['@microsoft/microsoft-graph-client', '@microsoft/microsoft-graph-client/*', '@azure/identity', '@azure/msal-node'], message: 'Only src/graph and src/composition.ts use the Graph client, @azure/identity and MSAL.' },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.ts', 'host/**/*.ts', 'emulator/**/*.ts', 'test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['eslint.config.js', 'scripts/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['scripts/*.mjs'],
    languageOptions: { globals: { process: 'readonly' } },
  },
);

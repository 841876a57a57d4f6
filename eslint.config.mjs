// ESLint with the conventions of aws-cdk-lib and projen's construct libraries.
import { defineConfig } from 'eslint/config';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const style = {
  'import-x/order': ['error', {
    groups: ['builtin', 'external'],
    alphabetize: { order: 'asc', caseInsensitive: true },
  }],
  'import-x/no-duplicates': 'error',
  'max-len': ['error', {
    code: 150,
    ignoreUrls: true,
    ignoreStrings: true,
    ignoreTemplateLiterals: true,
    ignoreComments: true,
    ignoreRegExpLiterals: true,
  }],
};

export default defineConfig(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'cdk.out/',
      'lambda-bundle/',
      'coverage/',
      '.cdk-home/',
      'lib/**/*.js',
      'lib/**/*.d.ts',
      'test/**/*.snapshot/',
      'test/**/cdk.out/',
      'test/cdk-integ.out.*/',
    ],
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: {
        project: './tsconfig.dev.json',
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: {
      '@typescript-eslint': tseslint.plugin,
      'import-x': importX,
    },
    rules: {
      ...style,
      '@typescript-eslint/member-ordering': ['error', {
        default: [
          'public-static-field',
          'public-static-method',
          'protected-static-field',
          'protected-static-method',
          'private-static-field',
          'private-static-method',
          'field',
          'constructor',
          'method',
        ],
      }],
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    plugins: { 'import-x': importX },
    rules: style,
  },
  {
    // The library runs inside users' apps: it reports through errors and annotations, never the console.
    files: ['lib/**/*.ts'],
    rules: {
      'no-console': 'error',
    },
  },
);

// @swc/jest instead of ts-jest: Nest 12 ships ESM-only files that jest's CommonJS runtime can only load
// after SWC has rewritten them (see docs/adr/0001-stack-and-versions.md). Type checking runs separately (npm run typecheck).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];

const shared = {
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|file-type|strtok3|token-types|@tokenizer|@borewit|uint8array-extras|@scure|@noble|@otplib)/)',
  ],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  moduleNameMapper: {
    '^@mla/contracts$': '<rootDir>/libs/contracts/src',
    '^@mla/contracts/(.*)$': '<rootDir>/libs/contracts/src/$1',
    '^@mla/api-client$': '<rootDir>/libs/api-client/src',
    '^@mla/api-client/(.*)$': '<rootDir>/libs/api-client/src/$1',
  },
  testEnvironment: 'node',
};

/** @type {import('jest').Config} */
module.exports = {
  // Global, not per project (jest ignores it there): an e2e file boots the app on a fresh database,
  // which takes seconds on a busy 2-core machine.
  testTimeout: 60000,
  // Two test files at a time: an e2e file spends much of its time waiting on the database (commits,
  // fsync) or on a portal process it started, so two share the two cores of a build machine well,
  // where one at a time (jest's default there) leaves the CI run far over its 20 minutes.
  maxWorkers: 2,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
  ],
};

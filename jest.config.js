const tsJest = ['ts-jest', { tsconfig: 'test/tsconfig.json' }];

module.exports = {
	testTimeout: 60_000,
	projects: [
		{
			displayName: 'unit',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/**/*.test.ts'],
			testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/workflow/', '<rootDir>/test/e2e/'],
		},
		{
			displayName: 'workflow',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/workflow/**/*.test.ts'],
		},
	],
};

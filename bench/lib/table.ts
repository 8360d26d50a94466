// Moved to src/cli/table.ts (scripts use it too).
export * from '../../src/cli/table.ts';

// This directory is repository tooling, linted like test/: see test/eslint.config.mjs.
export { default } from '../test/eslint.config.mjs';

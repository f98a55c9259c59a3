/**
 * How `npm run test:faults -- --write-docs` (test/faults/run.ts) tells the matrix inside jest to
 * rewrite docs/reliability.md: jest takes no flags of its own, so an environment variable.
 */
export const WRITE_DOCS_ENV = 'VIEWCOMFY_FAULTS_WRITE_DOCS';

export const writeDocsRequested = () => process.env[WRITE_DOCS_ENV] === '1';

export { issue, loadOrIssue, keyTypes, type CertSpec, type Issued, type KeyType } from './issue';
export { createTestPki, type TestPki } from './testPki';

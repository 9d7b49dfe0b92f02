// What the module's own routes are built from, for a host whose routes should answer the same way:
// the one error shape, cursor paging, PostgreSQL error states, text PostgreSQL can store.

export { CursorCodec, type PagePosition } from './cursor';
export { type HttpReply, isAnswered, sendDomainError } from './error-response';
export { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, PageQueryDto } from './page-query.dto';
export { isRefusedStatement, isServerShutdown, sqlState } from './sql-state';
export { hasLoneSurrogate, storable } from './storable-text';
export { type FieldProblem, validationException, validationProblems } from './validation-errors';

export * from './directory';
export * from './error-codes';
export * from './permissions';
export * from './refusal-grounds';
export * from './request-lifecycle';
export * from './request-vocabulary';
export * from './roles';
export * from './instrument-profile';

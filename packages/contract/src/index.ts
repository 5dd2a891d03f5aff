// What the servers and the web client share. Browser-safe by rule: nothing here may import a Node
// built-in or a server-only package (the tsconfig has no Node types, so such an import fails typecheck).
export * from './activity-inputs.ts';
export * from './activity-kinds.ts';
export * from './auth-errors.ts';
export * from './credential-inputs.ts';
export * from './csrf.ts';
export * from './limits.ts';
export * from './note-inputs.ts';
export * from './revocation-reasons.ts';
export * from './session-inputs.ts';

/**
 * The SCIM 2.0 protocol engine: pure functions, no Express, no database.
 * Routes (src/http) and the store (src/store) import from here.
 */
export * from './errors.js';
export * from './schemas.js';
export * from './filter/index.js';
export * from './patch/index.js';
export * from './resources.js';
export * from './render.js';
export * from './projection.js';
export * from './list.js';

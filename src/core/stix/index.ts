/** STIX 2.1 for cases: identifiers, TLP 2.0 markings, schemas of incoming objects, versioning. */
export * from './bundle.js';
export * from './formats.js';
export * from './ids.js';
export * from './pattern.js';
export * from './schemas.js';
export * from './timestamps.js';
export * from './tlp.js';
export * from './version.js';

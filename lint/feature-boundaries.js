// @ts-check
import path from 'node:path';

/**
 * The dependency rule between features (docs/architecture.md): a feature is a folder
 * src/server/features/<name>/, and the only file of it that code elsewhere may import is
 * its public.ts. The composition files at the root of features/ (the module list, the
 * module contract) may also import a feature's index.ts, its module. Tests are exempt: a
 * test may look inside what it tests.
 */
const FEATURES_DIR = path.join('src', 'server', 'features');
const ROOT_FILES_MAY_IMPORT = new Set(['public', 'index']);

/**
 * Where a path is relative to the features folder: `{ feature, rest }` for a file inside a
 * feature, `{ feature: undefined }` for a file at the features root, undefined elsewhere.
 * @param {string} file an absolute path
 * @param {string} root the repository's root
 */
function placeOf(file, root) {
  const relative = path.relative(path.join(root, FEATURES_DIR), file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  const parts = relative.split(path.sep);
  if (parts.length === 1) return { feature: undefined, rest: parts[0] ?? '' };
  return { feature: parts[0], rest: parts.slice(1).join('/') };
}

/** @type {import('eslint').Rule.RuleModule} */
export const featureBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: "Another feature's code is reached only through its public.ts." },
    schema: [],
    messages: {
      internal:
        "'{{source}}' reaches inside the feature {{target}}: import what it offers from '{{target}}/public.js' instead.",
      module:
        "'{{source}}' reaches inside the feature {{target}}: only its public.ts (or, from the features root, its index.ts) may be imported.",
    },
  },
  create(context) {
    const root = context.cwd;
    const file = context.filename;
    if (/\.test\.tsx?$/.test(file) || !file.startsWith(path.join(root, 'src') + path.sep)) {
      return {};
    }
    const from = placeOf(file, root);
    /** @param {import('estree').Node & { source?: import('estree').Literal | null }} node */
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = placeOf(path.resolve(path.dirname(file), source), root);
      if (!target?.feature) return; // not inside a feature folder
      if (from?.feature === target.feature) return; // a feature's own files
      const base = target.rest.replace(/\.(js|ts)$/, '');
      if (base === 'public') return;
      if (from && from.feature === undefined && ROOT_FILES_MAY_IMPORT.has(base)) return;
      context.report({
        node,
        messageId: from?.feature ? 'internal' : 'module',
        data: { source, target: target.feature },
      });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression(node) {
        if (node.source.type === 'Literal') check({ ...node, source: node.source });
      },
    };
  },
};

export default { rules: { 'feature-boundaries': featureBoundaries } };

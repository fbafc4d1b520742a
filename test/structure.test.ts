import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The size rules of docs/architecture.md: a file of the server holds one use case family
 * (at most 500 lines), and a function fits on a screen or two (at most 80 lines), except
 * route tables (register…Routes) and migrations, which are lists.
 */
const root = path.resolve(import.meta.dirname, '..');
const MAX_FILE_LINES = 500;
const MAX_FUNCTION_LINES = 80;

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [relative] : [];
  });
}

function nameOf(node: ts.Node, source: ts.SourceFile): string {
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name !== undefined) {
    return node.name.getText(source);
  }
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) {
    return parent.name.getText(source);
  }
  return '(anonymous)';
}

/** Functions longer than the limit, as `file:line name (N lines)`. */
function longFunctions(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      const name = nameOf(node, source);
      // A route table is a list of one-line handlers; it and what it holds are exempt.
      if (/^register\w*Routes$/.test(name)) return;
      if (lines > MAX_FUNCTION_LINES) found.push(`${file}:${start + 1} ${name} (${lines} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the shape of the server', () => {
  const files = sourceFiles(path.join('src', 'server')).filter(
    (file) => !file.includes(`${path.sep}migrations${path.sep}`),
  );

  it(`has no file over ${MAX_FILE_LINES} lines`, () => {
    const long = files
      .map((file) => ({
        file,
        lines: readFileSync(path.join(root, file), 'utf8').split('\n').length,
      }))
      .filter(({ lines }) => lines > MAX_FILE_LINES)
      .map(({ file, lines }) => `${file} (${lines} lines)`);
    expect(long).toEqual([]);
  });

  it(`has no function over ${MAX_FUNCTION_LINES} lines but route tables and migrations`, () => {
    expect(files.flatMap(longFunctions)).toEqual([]);
  });

  it('reads the whole server', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files).toContain(path.join('src', 'server', 'node.ts'));
  });
});

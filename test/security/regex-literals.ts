import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export interface RegexLiteral {
  /** src-relative file and line, e.g. "src/core/text.ts:12". */
  where: string;
  file: string;
  source: string;
  flags: string;
}

const ROOT = new URL('../../', import.meta.url).pathname;

function typeScriptFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Every regular expression literal in src/, found by the TypeScript parser (so none hides in a
 * comment or a string), and every `new RegExp(…)` / `RegExp(…)`, which cannot be checked statically.
 */
export function regexLiteralsInSrc(): { literals: RegexLiteral[]; constructed: string[] } {
  const literals: RegexLiteral[] = [];
  const constructed: string[] = [];
  for (const path of typeScriptFiles(join(ROOT, 'src'))) {
    const file = relative(ROOT, path);
    const sourceFile = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const where = (node: ts.Node) =>
      `${file}:${sourceFile.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const text = node.getText();
        const slash = text.lastIndexOf('/');
        literals.push({
          where: where(node),
          file,
          source: text.slice(1, slash),
          flags: text.slice(slash + 1),
        });
      }
      if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && node.expression.getText() === 'RegExp') {
        constructed.push(where(node));
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
  }
  return { literals, constructed };
}

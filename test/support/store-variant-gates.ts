/**
 * Finds store-parametrised tests that would throw instead of skipping where PostgreSQL is missing: every use of
 * `SERVER_STORE_KINDS` and every call to `createTestDatabase` / `cloneTestDatabase` must sit behind the skip helper
 * (`requirements.ts`), so a machine without the server reports those tests as skipped, with the reason.
 *
 * Gated means one of, around the use:
 * - the callback of `describe.skipIf(…)` / `it.skipIf(…)` / `test.skipIf(…)` (or `runIf`);
 * - the callback of `describe.each(SERVER_STORE_KINDS)` that has a `beforeEach` skipping on `needs.skip`
 *   (`if (kind.needs.skip) context.skip(kind.needs.reason)`);
 * - an object literal with a `skip` or `needs` property: a table of stores whose entries say when to skip them;
 * - a helper in a support file (not `*.test.ts`), whose callers are checked where they gate it.
 */
import ts from "typescript";

const DATABASE_FACTORIES = new Set(["createTestDatabase", "cloneTestDatabase"]);
const KINDS = "SERVER_STORE_KINDS";

/** `describe.skipIf(x)(title, fn)`: the outer call, whose callee is a call of `<x>.skipIf` or `<x>.runIf`. */
function isConditionalSuite(node: ts.Node): boolean {
  if (!ts.isCallExpression(node) || !ts.isCallExpression(node.expression)) return false;
  const callee = node.expression.expression;
  return ts.isPropertyAccessExpression(callee) && ["skipIf", "runIf"].includes(callee.name.text);
}

/** `describe.each(SERVER_STORE_KINDS)(title, [options], fn)`: the outer call. */
function isStoreKindsSuite(node: ts.Node): node is ts.CallExpression {
  if (!ts.isCallExpression(node) || !ts.isCallExpression(node.expression)) return false;
  const inner = node.expression;
  return (
    ts.isPropertyAccessExpression(inner.expression) &&
    inner.expression.name.text === "each" &&
    inner.arguments.length === 1 &&
    ts.isIdentifier(inner.arguments[0] as ts.Expression) &&
    (inner.arguments[0] as ts.Identifier).text === KINDS
  );
}

/** Whether the suite's callback skips each of its tests when its store is missing. */
function skipsWhenMissing(suite: ts.CallExpression, source: ts.SourceFile): boolean {
  const body = suite.arguments[suite.arguments.length - 1];
  if (!body || !(ts.isArrowFunction(body) || ts.isFunctionExpression(body)) || !ts.isBlock(body.body)) return false;
  return body.body.statements.some((statement) => {
    if (!ts.isExpressionStatement(statement) || !ts.isCallExpression(statement.expression)) return false;
    const call = statement.expression;
    if (!ts.isIdentifier(call.expression) || call.expression.text !== "beforeEach") return false;
    const text = call.getText(source);
    return /needs\.skip\)/.test(text) && /\.skip\(/.test(text);
  });
}

function isGated(node: ts.Node, source: ts.SourceFile, isTestFile: boolean): boolean {
  for (let at: ts.Node | undefined = node.parent; at; at = at.parent) {
    if (isConditionalSuite(at)) return true;
    if (isStoreKindsSuite(at) && skipsWhenMissing(at, source)) return true;
    if (
      ts.isObjectLiteralExpression(at) &&
      at.properties.some((property) => property.name && ["skip", "needs"].includes(property.name.getText(source)))
    ) {
      return true;
    }
    if (!isTestFile && ts.isFunctionDeclaration(at)) return true;
  }
  return false;
}

/** `path:line: what` for each ungated use in one file. */
export function ungatedStoreVariants(path: string, text: string): string[] {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const isTestFile = path.endsWith(".test.ts");
  const found: string[] = [];
  const report = (node: ts.Node, what: string) =>
    found.push(`${path}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}: ${what}`);
  const visit = (node: ts.Node): void => {
    if (isStoreKindsSuite(node) && !skipsWhenMissing(node, source)) {
      report(node, `${KINDS} suite without a beforeEach that skips when kind.needs.skip`);
    } else if (ts.isIdentifier(node) && node.text === KINDS && !ts.isImportSpecifier(node.parent)) {
      const each = node.parent;
      const suite = each?.parent;
      if (!(each && ts.isCallExpression(each) && suite && isStoreKindsSuite(suite))) {
        report(node, `${KINDS} used outside describe.each(${KINDS}) (which the guard can check)`);
      }
    } else if (
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      DATABASE_FACTORIES.has(node.expression.text) &&
      !isGated(node, source, isTestFile)
    ) {
      report(node, `${node.expression.text}() outside a skipIf/runIf suite or a gated ${KINDS} suite`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * The layering rules of issue #14, read from the source with the TypeScript compiler:
 * SQL lives in @pulse/db's repos (domain files hold rules and call repos), and every router
 * procedure is a zod input plus ONE call. Each rule is checked on a sample first, so the
 * checks can fail.
 */

const srcDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');

function parse(fileName: string, text: string): ts.SourceFile {
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

function sourceFiles(dir: string): { name: string; source: ts.SourceFile }[] {
  return readdirSync(path.join(srcDir, dir))
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => ({ name: f, source: parse(f, readFileSync(path.join(srcDir, dir, f), 'utf8')) }));
}

function walk(node: ts.Node, visit: (n: ts.Node) => void): void {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

/** Methods of Kysely's query builders and database that start a query. */
const queryStarters = new Set(['selectFrom', 'selectNoFrom', 'insertInto', 'updateTable', 'deleteFrom', 'replaceInto', 'mergeInto', 'with']);

/** Where a file imports `sql` from kysely or builds a query, as `line: what` strings. */
function sqlFindings(source: ts.SourceFile): string[] {
  const found: string[] = [];
  const at = (n: ts.Node, what: string) => found.push(`${source.getLineAndCharacterOfPosition(n.getStart(source)).line + 1}: ${what}`);
  walk(source, (n) => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier) && n.moduleSpecifier.text === 'kysely') {
      const bindings = n.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings) && !n.importClause.isTypeOnly) {
        for (const el of bindings.elements) if (!el.isTypeOnly && (el.propertyName ?? el.name).text === 'sql') at(el, 'imports sql from kysely');
      }
    }
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && queryStarters.has(n.expression.name.text)) {
      at(n, `.${n.expression.name.text}(`);
    }
    if (ts.isPropertyAccessExpression(n) && n.name.text === 'fn') at(n, '.fn');
    if (ts.isTaggedTemplateExpression(n) && ts.isIdentifier(n.tag) && n.tag.text === 'sql') at(n, 'sql`…`');
    if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'sql') at(n, `sql.${n.name.text}`);
  });
  return found;
}

const procedureKinds = new Set(['query', 'mutation', 'subscription']);

/** The name of a procedure: the keys of the router objects it sits in, joined with dots. */
function procedureName(call: ts.CallExpression, file: string): string {
  const keys: string[] = [];
  for (let n: ts.Node = call; !ts.isSourceFile(n); n = n.parent) {
    if (ts.isPropertyAssignment(n) && (ts.isIdentifier(n.name) || ts.isStringLiteral(n.name))) keys.unshift(n.name.text);
  }
  return [file.replace(/\.ts$/, ''), ...keys].join('.');
}

/** Whether a node awaits anything: a second step of the procedure. */
function awaits(node: ts.Node): boolean {
  let found = false;
  walk(node, (n) => {
    if (ts.isAwaitExpression(n)) found = true;
  });
  return found;
}

/** Whether an expression is one call, `f(…)` or `await f(…)`, in parentheses or not, whose arguments await nothing. */
function isOneCall(e: ts.Expression): boolean {
  let inner = e;
  while (ts.isParenthesizedExpression(inner) || ts.isAwaitExpression(inner)) inner = inner.expression;
  return ts.isCallExpression(inner) && !inner.arguments.some(awaits);
}

/** Whether a resolver is an arrow function whose body is one call (possibly returned or awaited). */
function isOneCallResolver(resolver: ts.Expression | undefined): boolean {
  if (!resolver || !ts.isArrowFunction(resolver)) return false;
  const body = resolver.body;
  if (!ts.isBlock(body)) return isOneCall(body);
  const [only, ...rest] = body.statements;
  return rest.length === 0 && only !== undefined && ts.isReturnStatement(only) && only.expression !== undefined && isOneCall(only.expression);
}

/** Procedures whose resolver is not one call, as `file.procedure` names. */
function routerFindings(source: ts.SourceFile, file: string): string[] {
  const found: string[] = [];
  walk(source, (n) => {
    if (!ts.isCallExpression(n) || !ts.isPropertyAccessExpression(n.expression) || !procedureKinds.has(n.expression.name.text)) return;
    if (!isOneCallResolver(n.arguments[0])) found.push(procedureName(n, file));
  });
  return found;
}

describe('architecture', () => {
  it('finds every kind of query building in a sample, and none in a file of rules', () => {
    const violating = parse(
      'sample.ts',
      [
        "import { sql, type Kysely } from 'kysely';",
        "const a = db.selectFrom('accounts').select('id');",
        "const k = db.selectNoFrom((eb) => [eb.lit(1).as('one')]);",
        "const b = tx.insertInto('notes').values(row);",
        "const c = tx.updateTable('tasks').set({ status: 'done' });",
        "const d = tx.deleteFrom('tasks');",
        "const e = tx.replaceInto('x');",
        "const f = tx.mergeInto('x');",
        "const g = db.with('recent', (q) => q);",
        'const h = db.fn.count("id");',
        'const i = sql`select 1`;',
        "const j = sql.ref('a.b');",
      ].join('\n'),
    );
    expect(sqlFindings(violating)).toEqual([
      '1: imports sql from kysely',
      '2: .selectFrom(',
      '3: .selectNoFrom(',
      '4: .insertInto(',
      '5: .updateTable(',
      '6: .deleteFrom(',
      '7: .replaceInto(',
      '8: .mergeInto(',
      '9: .with(',
      '10: .fn',
      '11: sql`…`',
      '12: sql.ref',
    ]);
    const clean = parse(
      'clean.ts',
      [
        "import type { Kysely } from 'kysely';",
        "import { accounts, withTenant } from '@pulse/db';",
        'const rows = await accounts.listAccounts(db, tenantId, filters);',
      ].join('\n'),
    );
    expect(sqlFindings(clean)).toEqual([]);
  });

  it('no domain file builds SQL', () => {
    const withSql = sourceFiles('domain')
      .filter((f) => sqlFindings(f.source).length > 0)
      .map((f) => f.name);
    expect(withSql).toEqual([]);
  });

  it('tells a one-call procedure from one that does more', () => {
    const sample = parse(
      'things.ts',
      [
        'export const thingsRouter = router({',
        '  list: p.input(i).query(({ ctx, input }) => listThings(ctx.db, ctx.tenant.id, input)),',
        '  byId: p.input(i).query(async ({ ctx, input }) => { return await getThing(ctx.db, input.id); }),',
        '  save: p.input(i).mutation(async ({ ctx, input }) => { const { id, ...rest } = input; return saveThing(ctx.db, id, rest); }),',
        '  count: p.query(({ ctx }) => ctx.db.things.length),',
        '  mine: p.query(async ({ ctx }) => countThings(ctx.db, await ownerOf(ctx))),',
        '  nested: router({ remove: p.mutation(removeThing) }),',
        '});',
      ].join('\n'),
    );
    expect(routerFindings(sample, 'things.ts')).toEqual(['things.save', 'things.count', 'things.mine', 'things.nested.remove']);
  });

  it('every router procedure is one call', () => {
    const violators = sourceFiles('routers').flatMap((f) => routerFindings(f.source, f.name));
    expect(violators).toEqual([]);
  });
});

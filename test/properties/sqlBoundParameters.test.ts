/**
 * Static check behind the claim "SQL is built only with bound parameters" (issue #7, item 3): every template literal
 * that builds SQL in the read-model code (projections/*.ts) and the SQLite event store interpolates only constant SQL
 * fragments or identifiers on the list below, each with the reason it cannot carry a value; every fragment pushed into
 * a list that is joined into SQL is itself constant; and no SQL is concatenated with `+`. Values travel as `?` or
 * `@name` parameters. A new interpolation fails this test until it is reviewed and listed here.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');

/**
 * The expressions a file may interpolate into SQL (exact source text), and why each carries no value from input.
 * Conditional expressions whose branches are literals or safe templates, and number or string literals, are safe by
 * construction and need no entry.
 */
const ALLOWED: Record<string, Record<string, string>> = {
  'infra/eventstore/sqliteIntegrity.ts': {
    id: "eventChecksum(): the text hashed into an event's checksum, not SQL",
    stream: "eventChecksum(): the text hashed into an event's checksum, not SQL",
    revision: "eventChecksum(): the text hashed into an event's checksum, not SQL",
    type: "eventChecksum(): the text hashed into an event's checksum, not SQL",
    data: "eventChecksum(): the text hashed into an event's checksum, not SQL",
    metadata: "eventChecksum(): the text hashed into an event's checksum, not SQL",
  },
  'infra/eventstore/sqliteSnapshots.ts': {
    stream: "snapshotChecksum(): the text hashed into a snapshot's checksum, not SQL",
    revision: "snapshotChecksum(): the text hashed into a snapshot's checksum, not SQL",
    format: "snapshotChecksum(): the text hashed into a snapshot's checksum, not SQL",
    state: "snapshotChecksum(): the text hashed into a snapshot's checksum, not SQL",
  },
  'projections/miQueries.ts': {
    "where.join(' AND ')": 'where holds constant fragments only (checked below); the filter values are @parameters',
    where: "miBase()'s WHERE clause: `WHERE ${where.join(' AND ')}` over constant fragments (checked below)",
    cte: 'a constant WITH RECURSIVE clause (no interpolation)',
    overdueSql: 'a constant condition over columns and @now',
    key: "a column name chosen from a constant map by the zod enum groupBy ('course' | 'department' | 'orgUnit')",
    'scope.sql':
      'reportingScope(): constant fragments and @scopeUsers<i>/@scopeCourses<i> parameter names; the ids are JSON parameters',
    NO_DUE_DATE: 'a numeric constant (Number.MIN_SAFE_INTEGER) from readModelSchema.ts',
    condition: 'narrow(): one of the four constant range conditions of a literal tuple; the dates are @parameters',
  },
  'projections/courseQueries.ts': {
    COUNTED: 'a constant condition over columns and the @courses JSON parameter',
  },
  'projections/ruleTallies.ts': {
    OVERDUE: 'a constant condition over columns and @now',
    NO_DUE_DATE: 'a numeric constant (Number.MIN_SAFE_INTEGER) from readModelSchema.ts',
    HOLDERS: 'a constant FROM/JOIN/WHERE clause over columns and @parameters',
  },
  'projections/userViews.ts': {
    'COLUMNS[view]': "records(): a constant column list chosen by the view's type ('dashboard' | 'admin')",
  },
  'projections/peopleQueries.ts': {
    "where.join(' AND ')":
      'searchUsers(): where holds constant fragments only (checked below); the filter values are @parameters',
  },
  'projections/readModelSchema.ts': {
    NO_DUE_DATE: 'a numeric constant (Number.MIN_SAFE_INTEGER)',
    row: "countTrigger(): 'OLD' or 'NEW' (its parameter's type), the trigger's row names",
    counted: 'countTrigger(): a constant condition over the OLD or NEW row',
    "key('OLD')": 'countTrigger(): a constant condition over the OLD row',
    name: 'countTrigger(): a trigger name given by the constant schema text',
    on: "countTrigger(): 'INSERT', 'DELETE' or 'UPDATE' (its parameter's type)",
    "steps.join(' ')": 'countTrigger(): constant statements built above',
    when: "countTrigger(): '' or a WHEN clause over the constant MI_COUNTED_CHANGE",
    MI_COUNTED_CHANGE: 'a constant condition over the OLD and NEW rows',
    "countTrigger('mi_counts_insert', 'INSERT', ['NEW'])": 'a constant trigger definition',
    "countTrigger('mi_counts_delete', 'DELETE', ['OLD'])": 'a constant trigger definition',
    "countTrigger('mi_counts_update', 'UPDATE', ['OLD', 'NEW'])": 'a constant trigger definition',
    TALLY_SCHEMA: "tallySchema.ts's constant tables and triggers",
  },
  'projections/tallySchema.ts': {
    NO_DUE_DATE: 'a numeric constant (Number.MIN_SAFE_INTEGER)',
    e: "'OLD' or 'NEW' (the parameter's type): the exemption row of a trigger",
    a: "'OLD' or 'NEW' (the parameter's type): the assignment row of a trigger",
    row: "'OLD' or 'NEW' (the parameter's type): the assignment row of a trigger",
    key: 'a constant condition over the OLD or NEW row, built just above',
    'IN_MI(row)': 'a constant condition over the OLD or NEW row',
    "IN_MI('OLD')": 'a constant condition over the OLD row',
    "IN_MI('NEW')": 'a constant condition over the NEW row',
    RULE_COUNTED_CHANGE: 'a constant condition over the OLD and NEW rows',
    VERSION_COUNTED_CHANGE: 'a constant condition over the OLD and NEW rows',
    "PAIR_FROM_EXEMPTION.add('NEW')": 'constant trigger statements',
    "PAIR_FROM_EXEMPTION.remove('OLD')": 'constant trigger statements',
    "PAIR_FROM_ASSIGNMENT.add('NEW')": 'constant trigger statements',
    "PAIR_FROM_ASSIGNMENT.remove('OLD')": 'constant trigger statements',
    "VERSION.add('NEW')": 'constant trigger statements',
    "VERSION.remove('OLD')": 'constant trigger statements',
    name: 'trigger(): a trigger name given as a literal in TALLY_TRIGGERS',
    body: 'trigger(): a constant trigger body given in TALLY_TRIGGERS',
  },
  'projections/streamRebuild.ts': {
    trigger: 'iterates the constant COUNT_TRIGGERS',
    index: 'iterates the constant DEFERRED_INDEXES',
  },
  'projections/reportingScope.ts': {
    i: 'the index of a grant in forEach (a number), naming a parameter @scopeUsers<i> / @scopeCourses<i>',
    "parts.join(' AND ')": 'parts holds constant fragments only (checked below)',
    "clauses.join(' OR ')": 'clauses holds constant fragments only (checked below)',
  },
  'projections/readModelDb.ts': {
    table: 'iterates the constant READ_MODEL_TABLES',
    'options.file': 'a file path in fs calls (setting a damaged file aside), not SQL',
    suffix: "'', '-wal' or '-shm': a file name's ending in fs calls, not SQL",
    setAside: 'a file path in fs calls, not SQL',
    cacheKib: 'checked to be a positive safe integer just before',
  },
  'projections/verifyReadModels.ts': {
    table: 'from the constant VERIFIED_TABLES',
    order: 'key columns from the constant VERIFIED_TABLES',
  },
  'infra/eventstore/sqliteOpen.ts': {
    busyTimeoutMs: 'checked to be a non-negative safe integer just before',
    synchronous: "checked to be 'FULL' or 'NORMAL' just before",
    WAL_BACKSTOP_PAGES: 'a numeric constant (10,000) declared in the same file',
  },
  'infra/eventstore/sqliteGroupCommit.ts': {
    busyTimeoutMs: "the store's busy timeout, checked to be a non-negative safe integer when the file was opened",
  },
  'infra/eventstore/sqliteSchema.ts': {
    REFERENCE_STREAMS: 'a constant condition over the stream column',
    COMMANDS_COLUMNS: 'the constant column list of the command records, declared in the same file',
  },
  'infra/eventstore/sqliteSchemaUpgrades.ts': {
    COMMANDS_COLUMNS: 'the constant column list of the command records (from sqliteSchema.ts)',
  },
  'infra/eventstore/sqliteStatements.ts': {
    REFERENCE_STREAMS: 'a constant condition over the stream column (from sqliteSchema.ts)',
    EVENT_COLUMNS: 'a constant column list, the order of the EventRow tuple every event read returns',
  },
};

/** Arrays whose elements are joined into SQL: every push must be constant or allowed. */
const FRAGMENT_LISTS = new Set(['where', 'parts', 'clauses']);

const SQL_WORDS =
  /\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|FROM|WHERE|JOIN|VALUES|LIMIT|ORDER BY|GROUP BY|WITH|AND|OR|NOT|IN|LIKE|ESCAPE|SUM|COUNT|COALESCE)\b|\b(busy_timeout|synchronous|journal_mode)\b|@[a-zA-Z]/;
const SQL_CALLS = new Set(['prepare', 'exec', 'pragma', 'statement', 'run', 'all', 'get', 'iterate']);

/** Every .ts file of a folder whose name starts with `prefix`. */
function tsFiles(folder: string, prefix = ''): string[] {
  return fs
    .readdirSync(path.join(ROOT, folder))
    .filter((name) => name.startsWith(prefix) && name.endsWith('.ts'))
    .map((name) => `${folder}/${name}`);
}

/** The read models, and every file of the SQLite event store (infra/eventstore/sqlite*.ts), however it is split. */
function filesUnderTest(): string[] {
  return [...tsFiles('projections'), ...tsFiles('infra/eventstore', 'sqlite')];
}

interface Finding {
  file: string;
  line: number;
  text: string;
  problem: string;
}

function inspect(
  file: string,
  text = fs.readFileSync(path.join(ROOT, file), 'utf8'),
): { findings: Finding[]; sqlTemplates: number } {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const allowed = ALLOWED[file] ?? {};
  const findings: Finding[] = [];
  let sqlTemplates = 0;
  const report = (node: ts.Node, problem: string) =>
    findings.push({
      file,
      line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1,
      text: node.getText(source).slice(0, 120),
      problem,
    });

  /** Safe: literals, allowed identifiers, and conditionals/templates/parentheses made only of safe parts. */
  const safe = (expression: ts.Expression): boolean => {
    if (
      ts.isStringLiteral(expression) ||
      ts.isNumericLiteral(expression) ||
      ts.isNoSubstitutionTemplateLiteral(expression)
    )
      return true;
    if (ts.isParenthesizedExpression(expression)) return safe(expression.expression);
    if (ts.isConditionalExpression(expression)) return safe(expression.whenTrue) && safe(expression.whenFalse);
    if (ts.isTemplateExpression(expression)) return expression.templateSpans.every((span) => safe(span.expression));
    return Object.prototype.hasOwnProperty.call(allowed, expression.getText(source));
  };

  const literalText = (template: ts.TemplateExpression) =>
    [template.head.text, ...template.templateSpans.map((span) => span.literal.text)].join(' ');
  const calledAs = (node: ts.Node): string | undefined => {
    const parent = node.parent;
    if (parent && ts.isCallExpression(parent) && parent.arguments.includes(node as ts.Expression)) {
      const callee = parent.expression;
      if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
      if (ts.isIdentifier(callee)) return callee.text;
    }
    return undefined;
  };
  const pushedToFragments = (node: ts.Node) => {
    const call = node.parent;
    return (
      calledAs(node) === 'push' &&
      ts.isCallExpression(call) &&
      ts.isPropertyAccessExpression(call.expression) &&
      FRAGMENT_LISTS.has(call.expression.expression.getText(source))
    );
  };
  const isSql = (template: ts.TemplateExpression) =>
    SQL_WORDS.test(literalText(template)) ||
    SQL_CALLS.has(calledAs(template) ?? '') ||
    pushedToFragments(template) ||
    /^[\s()]*$/.test(literalText(template));
  /** Messages: error texts and thrown values are not SQL. */
  const inMessage = (node: ts.Node): boolean => {
    for (let current: ts.Node | undefined = node.parent; current; current = current.parent) {
      if (ts.isThrowStatement(current) || ts.isNewExpression(current)) return true;
      if (
        ts.isCallExpression(current) &&
        /^(notFound|forbidden|ruleViolation|DomainError)$/.test(current.expression.getText(source))
      )
        return true;
      if (ts.isPropertyAssignment(current) && /^(message|upgrade|text)$/.test(current.name.getText(source)))
        return true;
      if (ts.isFunctionLike(current) || ts.isBlock(current)) return false;
    }
    return false;
  };

  const visit = (node: ts.Node): void => {
    if (ts.isTemplateExpression(node) && isSql(node) && !inMessage(node)) {
      sqlTemplates++;
      for (const span of node.templateSpans)
        if (!safe(span.expression)) report(span.expression, 'interpolated into SQL and not on the allowed list');
    }
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'push' &&
      FRAGMENT_LISTS.has(node.expression.expression.getText(source))
    ) {
      for (const argument of node.arguments)
        if (!safe(argument))
          report(
            argument,
            `pushed into the SQL fragment list ${node.expression.expression.getText(source)} and not constant`,
          );
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const sides = [node.left, node.right];
      if (
        sides.some(
          (side) => (ts.isStringLiteral(side) || ts.isNoSubstitutionTemplateLiteral(side)) && SQL_WORDS.test(side.text),
        )
      )
        report(node, 'SQL concatenated with +');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { findings, sqlTemplates };
}

describe('SQL is built only with bound parameters (static check of projections/*.ts and the SQLite event store)', () => {
  const files = filesUnderTest();

  test.each(files)('%s interpolates into SQL only constant fragments and reviewed identifiers', (file) => {
    const { findings } = inspect(file);
    expect(findings).toEqual([]);
  });

  test('the check sees the SQL it is meant to see, and reports a value interpolated into a query, an unchecked fragment and a concatenation', () => {
    const total = files.reduce((sum, file) => sum + inspect(file).sqlTemplates, 0);
    expect(total).toBeGreaterThanOrEqual(8);
    const planted = [
      "export const byId = (db: { prepare(sql: string): { get(): unknown } }, userId: string) => db.prepare(`SELECT * FROM users WHERE user_id = '${userId}'`).get();",
      "export function filter(where: string[], department: string) { where.push(`u.department = '${department}'`); where.push(department); }",
      "export const byName = (name: string) => 'SELECT * FROM users WHERE name = ' + name;",
    ].join('\n');
    const { findings } = inspect('projections/queryEngine.ts', planted);
    expect(findings.map((finding) => finding.problem).sort()).toEqual(
      [
        'interpolated into SQL and not on the allowed list',
        'interpolated into SQL and not on the allowed list',
        'pushed into the SQL fragment list where and not constant',
        'pushed into the SQL fragment list where and not constant',
        'SQL concatenated with +',
      ].sort(),
    );
  });
});

/**
 * Checks Graph write bodies against Microsoft's published TypeScript types for Graph: every body
 * becomes a typed literal in one generated source (`const caseN: V1.AccessPackageAssignmentPolicy
 * = {…}`), compiled once, strictly, so that an unknown property, a wrong value type or a value
 * outside an enum's union fails as it would in code. `@odata.type` is not in the types: it is
 * taken out of the literal and names the type its object is checked as, `(({…} satisfies T) as T)`,
 * which then has to fit the property it sits in, and has to be the type its place declares (the
 * case's type at the top, the property's type below) or derive from it, through the d.ts's `extends`
 * clauses: TypeScript compares shapes only. Types Graph declares abstract must not be sent.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { PUBLISHED_TYPE_LAGS, type PublishedTypeLag } from './published-type-lags.js';

export type { GraphVersion } from './published-type-lags.js';
import type { GraphVersion } from './published-type-lags.js';

export interface BodyCase {
  readonly name: string;
  readonly version: GraphVersion;
  /** `microsoft.graph.fooBar` (a `#` in front is fine), or an action of ACTIONS. */
  readonly type: string;
  readonly body: unknown;
  /** Lags accepted for this case; all of published-type-lags.ts unless said. */
  readonly lags?: readonly PublishedTypeLag[];
}

const PACKAGES: Readonly<Record<GraphVersion, string>> = { 'v1.0': '@microsoft/microsoft-graph-types', beta: '@microsoft/microsoft-graph-types-beta' };
const ALIAS: Readonly<Record<GraphVersion, string>> = { 'v1.0': 'V1', beta: 'Beta' };

/**
 * Types Graph's metadata declares abstract (the TS types cannot say so), for the bodies we write.
 * Each reference page says "abstract": customCalloutExtension, customExtensionAuthenticationConfiguration,
 * customExtensionCallbackConfiguration, customExtensionData, customExtensionEndpointConfiguration,
 * subjectSet (https://learn.microsoft.com/en-us/graph/api/resources/<name>?view=graph-rest-1.0 and
 * ?view=graph-rest-beta), and beta's userSet ("a userSet is an abstract base class").
 */
const SHARED_ABSTRACT = ['customCalloutExtension', 'customExtensionAuthenticationConfiguration', 'customExtensionCallbackConfiguration', 'customExtensionData', 'customExtensionEndpointConfiguration', 'subjectSet'];
export const ABSTRACT_TYPES: Readonly<Record<GraphVersion, ReadonlySet<string>>> = {
  'v1.0': new Set(SHARED_ABSTRACT),
  beta: new Set([...SHARED_ABSTRACT, 'userSet']),
};

/** Action parameters, which the published types do not declare; `ns` is V1 or Beta. */
export const ACTIONS: Readonly<Record<string, (ns: string) => string>> = {
  // https://learn.microsoft.com/en-us/graph/api/accesspackageassignmentrequest-resume?view=graph-rest-1.0 (and ?view=graph-rest-beta):
  // source String, type String, data customExtensionData (a derived type, named by its @odata.type).
  'accessPackageAssignmentRequest.resume': (ns) => `{ source: string; type: string; data: ${ns}.CustomExtensionData }`,
  // https://learn.microsoft.com/en-us/graph/api/identitygovernance-taskprocessingresult-resume?view=graph-rest-1.0:
  // source String, type String, data microsoft.graph.identityGovernance.customTaskExtensionCallbackData.
  'identityGovernance.taskProcessingResult.resume': (ns) => `{ source: string; type: string; data: ${ns}.IdentityGovernanceNamespace.CustomTaskExtensionCallbackData }`,
};

const upperFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** `#microsoft.graph.identityGovernance.fooBar` → `identityGovernance.fooBar`. */
const graphName = (type: string): string => type.replace(/^#/, '').replace(/^microsoft\.graph\./, '');
const actionAlias = (version: GraphVersion, name: string): string => `${ALIAS[version]}_${name.replace(/\W/g, '_')}`;

const require = createRequire(import.meta.url);
const dts = (version: GraphVersion): string => require.resolve(`${PACKAGES[version]}/microsoft-graph.d.ts`);
/** `IdentityGovernanceNamespace` → `identityGovernance` (the d.ts adds `Namespace` where an entity type has the plain name). */
const graphScope = (tsName: string): string => tsName.split('.').map((p) => lowerFirst(p.replace(/Namespace$/, ''))).join('.');
/** Sub-namespaces by Graph name, as the d.ts names them. */
const NAMESPACES = Object.fromEntries((['v1.0', 'beta'] as const).map((version) => {
  const names = [...readFileSync(dts(version), 'utf8').matchAll(/^export namespace ([\w.]+) \{/gm)].map((m) => m[1] ?? '');
  return [version, new Map(names.map((name) => [graphScope(name), name]))];
})) as Record<GraphVersion, Map<string, string>>;

function typeRef(version: GraphVersion, type: string): string {
  if (ACTIONS[type] !== undefined) return actionAlias(version, type);
  const parts = graphName(type).split('.');
  const name = upperFirst(parts.pop() ?? '');
  const scope = parts.join('.');
  return [ALIAS[version], ...(scope === '' ? [] : [NAMESPACES[version].get(scope) ?? parts.map(upperFirst).join('.')]), name].join('.');
}

/** A line of the generated source: the case it belongs to (-1: none) and the path of the value on it. */
interface Line { readonly text: string; readonly at: number; readonly path: string }
/** Where a value is: its version, the nearest object of known type, the path from that object. */
interface Scope { readonly version: GraphVersion; readonly type: string; readonly rel: string }
const where = (path: string): string => path || '(body)';

/** Writes the literals, one property a line, each line remembering its case and path. */
class Emitter {
  readonly lines: Line[] = [];
  readonly problems: { at: number; message: string }[] = [];
  readonly lagsUsed = new Set<PublishedTypeLag>();
  at = -1;
  lags: readonly PublishedTypeLag[] = [];

  push(text: string, path: string): void {
    this.lines.push({ text, at: this.at, path });
  }

  value(value: unknown, path: string, scope: Scope, prefix: string, suffix: string): void {
    const lag = this.lags.find((l) => l.version === scope.version && l.type === scope.type && l.path === scope.rel && (!('value' in l) || l.value === value));
    if (lag !== undefined) this.lagsUsed.add(lag);
    if (lag !== undefined && 'checkAs' in lag && isObject(value)) {
      this.object(value, path, { version: lag.checkAs.version, type: lag.checkAs.type, rel: '' }, prefix, suffix, ' as unknown as never');
    } else if (lag !== undefined) {
      this.push(`${prefix}(${JSON.stringify(value)} as unknown as never)${suffix}`, path);
    } else if (Array.isArray(value)) {
      this.push(`${prefix}[`, path);
      value.forEach((item, i) => { this.value(item, `${path}[${i}]`, { ...scope, rel: `${scope.rel}[]` }, '', ','); });
      this.push(`]${suffix}`, path);
    } else if (isObject(value)) {
      this.object(value, path, scope, prefix, suffix, undefined);
    } else {
      this.push(`${prefix}${value === undefined ? 'undefined' : JSON.stringify(value)}${suffix}`, path);
    }
  }

  /** `typedAs`: the object is checked as scope.type and cast so (a lag's other-version shape). */
  private object(value: Record<string, unknown>, path: string, scope: Scope, prefix: string, suffix: string, typedAs: string | undefined): void {
    const odata = value['@odata.type'];
    let inner = scope;
    let ref: string | undefined;
    if (typedAs !== undefined) ref = typeRef(scope.version, scope.type);
    else if (typeof odata === 'string') {
      inner = { version: scope.version, type: graphName(odata), rel: '' };
      ref = typeRef(scope.version, odata);
      if (ABSTRACT_TYPES[scope.version].has(inner.type)) this.problems.push({ at: this.at, message: `${where(path)}: @odata.type ${odata} names an abstract type (${scope.version}): name a concrete type derived from it` });
    }
    this.push(`${prefix}${ref === undefined ? '{' : '(({'}`, path);
    for (const [key, item] of Object.entries(value)) {
      if (key === '@odata.type' && typeof item === 'string') continue;
      const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
      this.value(item, path === '' ? key : `${path}.${key}`, { ...inner, rel: inner.rel === '' ? key : `${inner.rel}.${key}` }, `${name}: `, ',');
    }
    this.push(ref === undefined ? `}${suffix}` : `} satisfies ${ref})${typedAs ?? ` as ${ref}`})${suffix}`, path);
  }
}

const HEADER = [
  `import type * as V1 from '${PACKAGES['v1.0']}';`,
  `import type * as Beta from '${PACKAGES.beta}';`,
  ...(['v1.0', 'beta'] as const).flatMap((version) => Object.entries(ACTIONS).map(([name, params]) => `type ${actionAlias(version, name)} = ${params(ALIAS[version])};`)),
];
const GENERATED = join(dirname(fileURLToPath(import.meta.url)), '__graph-bodies__.ts');
const OPTIONS: ts.CompilerOptions = {
  strict: true, noEmit: true, skipLibCheck: true, types: [], lib: ['lib.es2022.d.ts'],
  target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
};
/** The d.ts files parse once per worker, whatever the number of checks. */
const parsed = new Map<string, ts.SourceFile | undefined>();

function compile(text: string): { program: ts.Program; file: ts.SourceFile } {
  const host = ts.createCompilerHost(OPTIONS, true);
  const read = host.getSourceFile.bind(host);
  const file = ts.createSourceFile(GENERATED, text, ts.ScriptTarget.ES2022, true);
  host.getSourceFile = (name, lang) => {
    if (name === GENERATED) return file;
    if (!parsed.has(name)) parsed.set(name, read(name, lang));
    return parsed.get(name);
  };
  const exists = host.fileExists.bind(host);
  host.fileExists = (name) => name === GENERATED || exists(name);
  return { program: ts.createProgram([GENERATED], OPTIONS, host), file };
}

/** The Graph type a d.ts interface stands for (`identityGovernance.customTaskExtension`), and its version; undefined for any other type. */
function graphTypeOf(type: ts.Type | undefined): { version: GraphVersion; name: string; symbol: ts.Symbol } | undefined {
  const symbol = type?.getSymbol();
  const declaration = symbol?.declarations?.[0];
  if (symbol === undefined || declaration === undefined || !ts.isInterfaceDeclaration(declaration)) return undefined;
  const source = declaration.getSourceFile().fileName;
  const version: GraphVersion | undefined = source.includes('microsoft-graph-types-beta') ? 'beta' : source.includes('microsoft-graph-types') ? 'v1.0' : undefined;
  if (version === undefined) return undefined;
  let scope = '';
  for (let n: ts.Node = declaration.parent; !ts.isSourceFile(n); n = n.parent) if (ts.isModuleDeclaration(n)) scope = `${graphScope(n.name.text)}.${scope}`;
  return { version, name: `${scope}${lowerFirst(symbol.name)}`, symbol };
}

/** An object literal without `@odata.type` whose declared type is abstract (a reference by id alone is fine). */
function abstractWithoutType(checker: ts.TypeChecker, node: ts.ObjectLiteralExpression): string | undefined {
  if (ts.isSatisfiesExpression(node.parent) || (node.properties.length > 0 && node.properties.every((p) => p.name !== undefined && ts.isIdentifier(p.name) && p.name.text === 'id'))) return undefined;
  const declared = checker.getContextualType(node);
  const graph = graphTypeOf(declared && checker.getNonNullableType(declared));
  return graph !== undefined && ABSTRACT_TYPES[graph.version].has(graph.name) ? `no @odata.type, and the declared type ${graph.name} (${graph.version}) is abstract: name a concrete type` : undefined;
}

/** Whether `type` is the interface `base` or extends it, through the d.ts's `extends` clauses. */
function extendsType(checker: ts.TypeChecker, type: ts.Type, base: ts.Symbol): boolean {
  if (type.getSymbol() === base) return true;
  return type.isClassOrInterface() && checker.getBaseTypes(type).some((b) => extendsType(checker, b, base));
}

/**
 * An object named by its `@odata.type` (`(({…} satisfies Named) as Named)`) whose named type is not the type
 * its place declares nor derived from it. TypeScript compares shapes, and Graph's properties are mostly
 * optional, so a body of an unrelated type fits; Graph's OData model does not take it. The place is the
 * case's own type at the top, else the declared type of the property (or of the collection's items).
 */
function unrelatedType(checker: ts.TypeChecker, node: ts.AsExpression): string | undefined {
  if (!ts.isTypeReferenceNode(node.type) || !ts.isParenthesizedExpression(node.expression) || !ts.isSatisfiesExpression(node.expression.expression)) return undefined;
  const type = checker.getTypeFromTypeNode(node.type);
  const named = graphTypeOf(type);
  const contextual = checker.getContextualType(ts.isParenthesizedExpression(node.parent) ? node.parent : node);
  if (named === undefined || contextual === undefined) return undefined;
  const nonNull = checker.getNonNullableType(contextual);
  // The declared type: a Graph interface (a lag's `as unknown as never` has none, and is not looked at).
  const declared = (nonNull.isUnion() ? nonNull.types : [nonNull]).map(graphTypeOf).filter((t) => t !== undefined);
  if (declared.length === 0) return undefined;
  if (declared.some((d) => extendsType(checker, type, d.symbol))) return undefined;
  const names = declared.map((d) => d.name).join(' | ');
  return `@odata.type ${named.name} (${named.version}) does not derive from ${names}, the type declared here: name ${names} or a type derived from it`;
}

export interface CheckResult {
  /** The failing cases by name, each with its messages (`path: message`); a case that passes is not here. */
  readonly failures: Map<string, string[]>;
  /** The lags some body needed. */
  readonly lagsUsed: ReadonlySet<PublishedTypeLag>;
}

/** Checks every case in one program. */
export function checkBodies(cases: readonly BodyCase[]): CheckResult {
  if (new Set(cases.map((c) => c.name)).size !== cases.length) throw new Error('checkBodies: case names must be unique');
  const emitter = new Emitter();
  cases.forEach((c, i) => {
    emitter.at = i;
    emitter.lags = c.lags ?? PUBLISHED_TYPE_LAGS;
    emitter.value(c.body, '', { version: c.version, type: graphName(c.type), rel: '' }, `const case${i}: ${typeRef(c.version, c.type)} = `, ';');
  });
  const { program, file } = compile([...HEADER, ...emitter.lines.map((l) => l.text)].join('\n'));
  const problems = [...emitter.problems];
  const report = (pos: number, message: string): void => {
    const line = emitter.lines[file.getLineAndCharacterOfPosition(pos).line - HEADER.length];
    if (line === undefined) throw new Error(`checkBodies: the generated header does not compile: ${message}`);
    problems.push({ at: line.at, message: `${where(line.path)}: ${message}` });
  };
  // 2352: the `as T` after a failed `satisfies T` ("conversion may be a mistake") says again what satisfies said.
  for (const d of [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].filter((x) => x.code !== 2352)) {
    const text = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    const missing = /has no exported member (?:named )?'(\w+)'/.exec(text)?.[1];
    report(d.start ?? 0, missing === undefined ? text : `names a type the ${text.includes('microsoft-graph-types-beta') ? 'beta' : 'v1.0'} types do not declare (${missing})`);
  }
  const checker = program.getTypeChecker();
  const visit = (node: ts.Node): void => {
    const problem = ts.isObjectLiteralExpression(node) ? abstractWithoutType(checker, node) : ts.isAsExpression(node) ? unrelatedType(checker, node) : undefined;
    if (problem !== undefined) report(node.getStart(), problem);
    ts.forEachChild(node, visit);
  };
  visit(file);
  const failures = new Map<string, string[]>();
  for (const { at, message } of problems) {
    const name = cases[at]?.name ?? '?';
    const known = failures.get(name) ?? [];
    if (!known.includes(message)) failures.set(name, [...known, message]);
  }
  return { failures, lagsUsed: emitter.lagsUsed };
}

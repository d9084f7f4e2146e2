/**
 * The declarations of one published Graph d.ts file, parsed with the TypeScript compiler (no type
 * checker): interfaces are Graph's entity and complex types, string-literal unions its enums, and
 * namespaces (`IdentityGovernanceNamespace`) its sub-namespaces (`microsoft.graph.identityGovernance`).
 */
import ts from 'typescript';

/** One interface: where it is declared, its base as written, and its own properties' type nodes. */
export interface Declared {
  readonly name: string;
  readonly scope: string;
  readonly base: string | null;
  readonly own: ReadonlyMap<string, ts.TypeNode>;
}

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);
/** `IdentityGovernanceNamespace` → `identityGovernance`, `Partners.Billing` → `partners.billing`. */
const graphNamespace = (scope: string): string => scope.split('.').filter((p) => p !== '').map((p) => lowerFirst(p.replace(/Namespace$/, ''))).join('.');
const fullName = (scope: string, name: string): string => ['microsoft.graph', graphNamespace(scope), lowerFirst(name)].filter((p) => p !== '').join('.');

/** Every interface and string-literal union of one d.ts file, by full Graph name. */
export class Declarations {
  readonly interfaces = new Map<string, Declared>();
  readonly enums = new Map<string, readonly string[]>();
  /** d.ts path (`Scope.Name`) → full Graph name. */
  private readonly paths = new Map<string, string>();
  private readonly rootAlias: string;

  constructor(private readonly sf: ts.SourceFile) {
    const alias = sf.statements.find(ts.isNamespaceExportDeclaration);
    this.rootAlias = alias?.name.text ?? 'microsoftgraph';
    this.collect(sf.statements, '');
  }

  private collect(statements: readonly ts.Statement[], scope: string): void {
    for (const s of statements) {
      if (ts.isModuleDeclaration(s)) {
        let body = s.body;
        let path = `${scope}${scope === '' ? '' : '.'}${s.name.getText(this.sf)}`;
        while (body !== undefined && ts.isModuleDeclaration(body)) {
          path = `${path}.${body.name.getText(this.sf)}`;
          body = body.body;
        }
        if (body !== undefined && ts.isModuleBlock(body)) this.collect(body.statements, path);
      } else if (ts.isInterfaceDeclaration(s)) {
        this.declare(scope, s.name.text);
        const heritage = s.heritageClauses?.[0]?.types[0];
        const own = new Map<string, ts.TypeNode>();
        for (const m of s.members) {
          if (ts.isPropertySignature(m) && m.type !== undefined) own.set(m.name.getText(this.sf).replace(/^["']|["']$/g, ''), m.type);
        }
        this.interfaces.set(fullName(scope, s.name.text), { name: s.name.text, scope, base: heritage === undefined ? null : heritage.expression.getText(this.sf), own });
      } else if (ts.isTypeAliasDeclaration(s) && s.typeParameters === undefined) {
        const members = literalUnion(s.type);
        if (members === undefined) continue;
        this.declare(scope, s.name.text);
        this.enums.set(fullName(scope, s.name.text), members);
      }
    }
  }

  private declare(scope: string, name: string): void {
    this.paths.set(scope === '' ? name : `${scope}.${name}`, fullName(scope, name));
  }

  /** The full name a reference written in `scope` means: the scope's own declaration first, then the file's. */
  resolve(reference: string, scope: string): string | undefined {
    const prefix = `${this.rootAlias}.`;
    if (reference.startsWith(prefix)) return this.paths.get(reference.slice(prefix.length));
    return (scope === '' ? undefined : this.paths.get(`${scope}.${reference}`)) ?? this.paths.get(reference);
  }
}

function literalUnion(type: ts.TypeNode): string[] | undefined {
  const parts = ts.isUnionTypeNode(type) ? type.types : [type];
  const members = parts.map((p) => (ts.isLiteralTypeNode(p) && ts.isStringLiteral(p.literal) ? p.literal.text : undefined));
  return members.every((m) => m !== undefined) ? members : undefined;
}

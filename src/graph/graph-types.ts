/**
 * Graph's objects as our reads see them, typed from Microsoft's published Graph types (its v1.0
 * and beta type packages, devDependencies: only ever imported with `import type`, so nothing of
 * them is in the build). The property names are always Graph's (a name its type does not have
 * does not compile); what a property holds is only what we have checked.
 */

/**
 * Graph's enums (string unions) read as any string: our schemas check a string, not the members,
 * and Graph's enums are evolvable (members are added over time).
 */
export type Widen<V> = V extends string ? string : V;

/** Graph's properties `T` (a Pick of its type), each always there in what we hold. */
export type Present<T> = { readonly [K in keyof T]-?: Widen<NonNullable<T[K]>> };

/** Graph's properties `T`, each undefined in what we hold when Graph gave none (absent, null or ''). */
export type OrUndefined<T> = { readonly [K in keyof T]-?: Widen<NonNullable<T[K]>> | undefined };

/** Graph's property `K` of `G`, holding our own reading of it (`V`). */
export type Keyed<G, K extends keyof G, V> = { readonly [P in K]-?: V };

/** Graph's properties `K` of `G` as read from an answer nothing has checked yet: each may be anything. */
export type Unchecked<G, K extends keyof G> = { readonly [P in K]?: unknown };

/**
 * The annotation naming the concrete type of an object Graph returns where its type is a base
 * type, e.g. `#microsoft.graph.user` for a directoryObject (OData JSON Format 4.01, §4.5.3
 * "Control Information odata.type"). Graph's published types do not declare annotations.
 */
export interface ODataTyped {
  readonly '@odata.type'?: string;
}

type ItemOf<V> = V extends readonly (infer E)[] ? E : never;
type Kind<V> = V extends string ? 'string' : V extends boolean ? 'boolean' : V extends number ? 'number' | 'integer' : V extends readonly unknown[] ? 'array' : 'object';
/** The JSON Schema `type` names a Graph value of type V may be checked as. */
type TypeNames<V> = Kind<NonNullable<V>> | 'null';
type PropertiesOf<S> = S extends { readonly properties: infer P } ? P : never;
type RequiredOf<S> = S extends { readonly required: readonly (infer R)[] } ? R : never;
type TypesOf<S> = S extends { readonly anyOf: readonly (infer A)[] } ? TypesOf<A> : S extends { readonly type: infer T } ? (T extends readonly (infer E)[] ? E : T) : never;

/** A schema's properties `P` fit Graph's type `G`: every name is one of G's, checked as the kind G has. */
interface Fits<G, P> {
  readonly properties: { readonly [K in keyof P]: K extends keyof G ? FitsValue<G[K], P[K]> : never };
}
type FitsValue<G, S> = S extends { readonly anyOf: readonly (infer A)[] }
  ? { readonly anyOf: readonly FitsValue<G, A>[] }
  : { readonly type: TypeNames<G> | readonly TypeNames<G>[] } & (S extends { readonly items: infer I }
      ? { readonly items: FitsValue<ItemOf<NonNullable<G>>, I> }
      : S extends { readonly properties: infer P }
        ? Fits<NonNullable<G>, P>
        : unknown);

type Field<G, S> = Value<G, S> | ('null' extends TypesOf<S> ? null : never);
type Value<G, S> = S extends { readonly items: infer I }
  ? readonly Field<ItemOf<NonNullable<G>>, I>[]
  : S extends { readonly properties: object }
    ? Shape<NonNullable<G>, S>
    : Widen<NonNullable<G>>;
type Shape<G, S> = { readonly [K in keyof PropertiesOf<S> & RequiredOf<S>]-?: Field<G[K & keyof G], PropertiesOf<S>[K]> } & {
  readonly [K in Exclude<keyof PropertiesOf<S>, RequiredOf<S>>]?: Field<G[K & keyof G], PropertiesOf<S>[K]>;
};

/**
 * A Graph answer of type `G` (a published type) that the JSON Schema `S` (an `as const` object)
 * has validated, as far as S checks it: only S's properties, present where S requires them, null
 * only where S allows it, nested objects and arrays alike. S naming a property G does not have, or
 * checking one as another kind (a string where G has a boolean), does not compile.
 */
export type Answer<G, S extends Fits<G, PropertiesOf<S>>> = Shape<G, S>;

import type * as V1 from '@microsoft/microsoft-graph-types';
import type { OrUndefined, Present } from '../graph/graph-types.js';

/** What users, groups and access packages all have: Graph's id and display name. */
type Named = Pick<V1.User | V1.Group | V1.AccessPackage, 'id' | 'displayName'>;

/** A directory object (or access package) named by id, and by display name where Graph gave one. */
export interface DirectoryRef extends Present<Pick<Named, 'id'>>, OrUndefined<Pick<Named, 'displayName'>> {}

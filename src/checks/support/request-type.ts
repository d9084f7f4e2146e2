/** Request types that take access away: nothing to justify, no schedule to bound. */
export function isRemoval(requestType: string | undefined): boolean {
  return requestType !== undefined && /remove$/i.test(requestType);
}

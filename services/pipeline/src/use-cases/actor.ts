/** Who acts in a use case: the tenant always, the user when a person (not a rule) did it. */
export interface Actor {
  tenantId: string;
  userId: string | null;
}

import type { CampaignsContext } from '../context';

// Contact belongs to leads; campaigns adds campaignMemberships. A reference resolves to its id
// alone and the field goes through a DataLoader: _entities for N contacts is one statement.
export const entityTypes = {
  Contact: {
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    campaignMemberships: (c: { id: string }, _: unknown, ctx: CampaignsContext) => {
      return ctx.loaders.membershipsOfContact.load(c.id);
    },
  },
};

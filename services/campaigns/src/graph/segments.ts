import { ConnectionInfo, PageArgs, pageArgs } from '@crm/service-kit';
import type { Segment } from '../entities';
import type { SegmentRulesInput } from '../domain';
import type { CampaignsContext } from '../context';
import { Input, write } from './common';
import { createSegment, findSegment, listSegments, segmentContactCount, segmentContacts } from '../use-cases/segments';

export const segmentQueries = {
  segment: async (_: unknown, args: { id: string }, ctx: CampaignsContext) => {
    try {
      return await findSegment(ctx.db.manager, ctx.tenantId, args.id, 'id');
    } catch (err) {
      // A well-formed id of no segment is null, like every other single-entity query.
      if ((err as { code?: string }).code === 'NOT_FOUND') return null;
      throw err;
    }
  },
  segments: (_: unknown, __: unknown, ctx: CampaignsContext) => {
    return listSegments(ctx.db.manager, ctx.tenantId);
  },
};

export const segmentMutations = {
  createSegment: (_: unknown, { input }: Input<{ name: string; rules: SegmentRulesInput }>, ctx: CampaignsContext) =>
    write(ctx, (m, actor) => createSegment(m, actor, input)),
};

export const segmentTypes = {
  Segment: {
    contactCount: (s: Segment, _: unknown, ctx: CampaignsContext) => segmentContactCount(ctx.db.manager, ctx.tenantId, s),
    contacts: async (s: Segment, args: PageArgs, ctx: CampaignsContext, info: ConnectionInfo) => {
      const page = await segmentContacts(ctx.db.manager, ctx.tenantId, s, pageArgs(args, info));
      return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: { __typename: 'Contact', id: e.node.id } })) };
    },
  },
};

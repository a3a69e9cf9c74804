// Per service: GraphQL object types whose resolvers receive (and whose fields return) an entity,
// mapped for scripts/codegen.js. Not mapped yet: pipeline's Pipeline and PipelineStage and campaigns' Campaign,
// whose loaders answer `X | null` where the SDL promises a non-null X (Deal.pipeline,
// DealStageChange.to, CampaignMember.campaign): mapping them needs those graph resolvers to say what a missing row is.
// (`Type: '../entities#Entity as EntityEntity'`). Types not listed are left free.
module.exports = {
  leads: { Contact: '../entities#Contact as ContactEntity', Company: '../entities#Company as CompanyEntity' },
  pipeline: { Deal: '../entities#Deal as DealEntity', Activity: '../entities#Activity as ActivityEntity' },
  tickets: {
    Ticket: '../entities#Ticket as TicketEntity',
    TicketComment: '../entities#TicketComment as TicketCommentEntity',
    SlaPolicy: '../entities#SlaPolicy as SlaPolicyEntity',
  },
  campaigns: { Segment: '../entities#Segment as SegmentEntity' },
  analytics: {},
};

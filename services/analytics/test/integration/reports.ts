import type { TestService } from '@crm/testing';
import { PERIOD, scenario } from './scenario';

export const FUNNEL = `query($input: LifecycleFunnelInput!) { lifecycleFunnel(input: $input) { stages {
  stage reached current conversionToNext dropOff avgDaysInStage medianDaysInStage } } }`;
export const PIPELINE = `query($input: PipelineReportInput!) { pipelineReport(input: $input) {
  currency openValue weightedValue openDeals wonValue wonCount lostCount winRate avgDealSize avgSalesCycleDays
  byStage { stageId stageName deals value weightedValue } lossReasons { reason count } } }`;
export const SUPPORT = `query($input: SupportReportInput!) { supportReport(input: $input) {
  openTickets ticketsOpened ticketsResolved firstResponseCompliance resolutionCompliance slaCompliance
  avgFirstResponseMinutes avgResolutionMinutes csat csatResponses nps npsResponses promoters passives detractors } }`;
export const RETENTION = `query($input: RetentionReportInput!) { retentionReport(input: $input) {
  currency customersAtStart newCustomers churned reconquered customersAtEnd churnRate repeatPurchaseRate avgLifetimeValue } }`;
export const ENTITIES = `query($reps: [_Any!]!) { _entities(representations: $reps) {
  ... on Contact { id journey { currentStage stages { stage enteredAt leftAt days } } }
  ... on Campaign { id linear: performance { members responseRate conversionRate influencedRevenue actualCost currency roi }
    first: performance(model: FIRST_TOUCH) { influencedRevenue roi } last: performance(model: LAST_TOUCH) { influencedRevenue roi } } } }`;

/** Every report of the scenario's tenant, as one value to compare. */
export async function allReports(svc: TestService, tenantId: string, ids: ReturnType<typeof scenario>['ids']) {
  const as = { tenantId, roles: ['analyst' as const] };
  const data = async (query: string, variables: Record<string, unknown>) => {
    const res = await svc.call(query, variables, as);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!;
  };
  const entities = await data(ENTITIES, {
    reps: [
      { __typename: 'Contact', id: ids.c2 },
      { __typename: 'Campaign', id: ids.k1 },
      { __typename: 'Campaign', id: ids.k2 },
    ],
  });
  const [c2, k1, k2] = entities._entities;
  return {
    funnel: (await data(FUNNEL, { input: PERIOD })).lifecycleFunnel.stages,
    cohort: (await data(FUNNEL, { input: { ...PERIOD, source: 'web', capturedFrom: PERIOD.from, capturedTo: PERIOD.to } })).lifecycleFunnel
      .stages,
    pipeline: (await data(PIPELINE, { input: PERIOD })).pipelineReport,
    pipelineMidMonth: (await data(PIPELINE, { input: { from: PERIOD.from, to: '2026-01-21T00:00:00.000Z', currency: 'usd' } }))
      .pipelineReport,
    pipelineRep1: (await data(PIPELINE, { input: { ...PERIOD, ownerId: 'rep-1' } })).pipelineReport,
    support: (await data(SUPPORT, { input: PERIOD })).supportReport,
    supportMidMonth: (await data(SUPPORT, { input: { from: PERIOD.from, to: '2026-01-22T12:00:00.000Z' } })).supportReport,
    retention: (await data(RETENTION, { input: PERIOD })).retentionReport,
    journey: {
      ...c2.journey,
      stages: c2.journey.stages.map((s: { days: number; leftAt: string | null }) => (s.leftAt ? s : { ...s, days: 'open' })),
    },
    k1,
    k2,
  };
}

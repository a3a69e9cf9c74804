/** Campaign kinds follow the lifecycle: acquisition brings leads, reconquest wins back the churned. */
export const CAMPAIGN_KINDS = ['ACQUISITION', 'NURTURE', 'ONBOARDING', 'RETENTION', 'RECONQUEST', 'REFERRAL'] as const;
export type CampaignKind = (typeof CAMPAIGN_KINDS)[number];
export const CAMPAIGN_STATUSES = ['DRAFT', 'ACTIVE', 'COMPLETED', 'CANCELLED'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** ROI = (influenced revenue - cost) / cost; undefined (null) while nothing was spent. */
export function campaignRoi(influencedRevenue: number, actualCost: number): number | null {
  if (actualCost <= 0) return null;
  return Math.round(((influencedRevenue - actualCost) / actualCost) * 10_000) / 10_000;
}

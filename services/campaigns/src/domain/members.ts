import { LIFECYCLE_STAGES, MEMBER_STATUSES } from '@crm/events';

export type MemberStatus = (typeof MEMBER_STATUSES)[number];
export type ResponseType = 'OPENED' | 'CLICKED' | 'RESPONDED';
type Stage = (typeof LIFECYCLE_STAGES)[number];

export const memberRank = (s: MemberStatus) => MEMBER_STATUSES.indexOf(s);

/** The further of two statuses: a member never moves backwards. */
export const furthestStatus = (a: MemberStatus, b: MemberStatus): MemberStatus => (memberRank(b) > memberRank(a) ? b : a);

/** The member's status after a response (a lower response is recorded but changes nothing). */
export const statusAfterResponse = (current: MemberStatus, response: ResponseType): MemberStatus => furthestStatus(current, response);

/** The member timestamp a response type sets (the first time only). */
export const RESPONSE_COLUMN: Readonly<Record<ResponseType, 'openedAt' | 'clickedAt' | 'respondedAt'>> = {
  OPENED: 'openedAt',
  CLICKED: 'clickedAt',
  RESPONDED: 'respondedAt',
};

/** A stage change that makes the contact a customer: into CUSTOMER, or skipping past it to PROMOTER. */
export function becomesCustomer(from: Stage | null, to: Stage): boolean {
  const wasCustomer = from === 'CUSTOMER' || from === 'PROMOTER';
  return !wasCustomer && (to === 'CUSTOMER' || to === 'PROMOTER');
}

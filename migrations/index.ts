import { CreateWebhookSubscriptions1763900000000 } from './1763900000000-CreateWebhookSubscriptions';
import { CreateEventsDeliveriesAttempts1763900100000 } from './1763900100000-CreateEventsDeliveriesAttempts';
import { AddSubscriptionBatchAndFailureTracking1763900200000 } from './1763900200000-AddSubscriptionBatchAndFailureTracking';
import { AddClaimDueDeliveriesFunction1763900700000 } from './1763900700000-AddClaimDueDeliveriesFunction';
import { StableDispatchPlans1763900800000 } from './1763900800000-StableDispatchPlans';
import { CreateHrCandidates1763900300000 } from './1763900300000-CreateHrCandidates';
import { CreateHrEmployees1763900400000 } from './1763900400000-CreateHrEmployees';
import { CreateHrContracts1763900500000 } from './1763900500000-CreateHrContracts';
import { CreateHrTrainings1763900600000 } from './1763900600000-CreateHrTrainings';
import { AddHrCandidateProfile1763900900000 } from './1763900900000-AddHrCandidateProfile';
import { CreateHrJobs1763901000000 } from './1763901000000-CreateHrJobs';
import { CreateHrJobApplications1763901100000 } from './1763901100000-CreateHrJobApplications';
import { CreateHrInterviews1763901200000 } from './1763901200000-CreateHrInterviews';
import { CreateHrOffers1763901300000 } from './1763901300000-CreateHrOffers';

/**
 * The webhook module's migrations, in order: a host app that embeds WebhooksModule adds these to
 * its own data source's `migrations`.
 */
export const WEBHOOKS_MIGRATIONS = [
  CreateWebhookSubscriptions1763900000000,
  CreateEventsDeliveriesAttempts1763900100000,
  AddSubscriptionBatchAndFailureTracking1763900200000,
  AddClaimDueDeliveriesFunction1763900700000,
  StableDispatchPlans1763900800000,
];

/** The HR modules' migrations, in order (they need no webhook table). */
export const HR_MIGRATIONS = [
  CreateHrCandidates1763900300000,
  CreateHrEmployees1763900400000,
  CreateHrContracts1763900500000,
  CreateHrTrainings1763900600000,
  AddHrCandidateProfile1763900900000,
  CreateHrJobs1763901000000,
  CreateHrJobApplications1763901100000,
  CreateHrInterviews1763901200000,
  CreateHrOffers1763901300000,
];

/** Every migration of this app, in order (listed, not globbed, so jest and the CLI load them alike). */
export const ALL_MIGRATIONS = [...WEBHOOKS_MIGRATIONS, ...HR_MIGRATIONS];

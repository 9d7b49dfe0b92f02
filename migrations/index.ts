import { WEBHOOKS_MIGRATIONS } from 'nest-webhooks/migrations';
import { CreateHrCandidates1763900300000 } from './1763900300000-CreateHrCandidates';
import { CreateHrEmployees1763900400000 } from './1763900400000-CreateHrEmployees';
import { CreateHrContracts1763900500000 } from './1763900500000-CreateHrContracts';
import { CreateHrTrainings1763900600000 } from './1763900600000-CreateHrTrainings';
import { AddHrCandidateProfile1763900900000 } from './1763900900000-AddHrCandidateProfile';
import { CreateHrJobs1763901000000 } from './1763901000000-CreateHrJobs';
import { CreateHrJobApplications1763901100000 } from './1763901100000-CreateHrJobApplications';
import { CreateHrInterviews1763901200000 } from './1763901200000-CreateHrInterviews';
import { CreateHrOffers1763901300000 } from './1763901300000-CreateHrOffers';

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

export { WEBHOOKS_MIGRATIONS };

/**
 * Every migration of this app, in order: the webhook module's (from its package), then HR's
 * (listed, not globbed, so jest and the CLI load them alike).
 */
export const ALL_MIGRATIONS = [...WEBHOOKS_MIGRATIONS, ...HR_MIGRATIONS];

import { Module } from '@nestjs/common';
import { WebhooksModule } from 'nest-webhooks';
import { CandidatesModule } from '../candidates/candidates.module';
import { HrCursors } from '../common/hr-cursors';
import { HrUnitOfWork } from '../common/hr-unit-of-work';
import { hrEventTypes } from '../hr-event-types';
import { ApplicationMoves } from './applications/application-moves';
import { ApplicationRepository } from './applications/application.repository';
import { ApplicationsController } from './applications/applications.controller';
import { ApplicationsService } from './applications/applications.service';
import { InterviewRepository } from './interviews/interview.repository';
import { InterviewsController } from './interviews/interviews.controller';
import { InterviewsService } from './interviews/interviews.service';
import { JobRepository } from './jobs/job.repository';
import { JobsController } from './jobs/jobs.controller';
import { JobsService } from './jobs/jobs.service';
import { OfferRepository } from './offers/offer.repository';
import { OffersController } from './offers/offers.controller';
import { OffersService } from './offers/offers.service';

/**
 * Recruiting: job postings (`/api/jobs`), applications to them (`/api/applications`), interviews
 * and offers; an accepted offer hires the candidate through CandidatesModule's life cycle.
 */
@Module({
  imports: [
    CandidatesModule,
    WebhooksModule.forFeature({
      eventTypes: hrEventTypes(
        'job.published',
        'job_posting.published',
        'job.closed',
        'application.submitted',
        'application.reviewed',
        'candidate.matched',
        'interview.scheduled',
        'offer.sent',
        'offer.accepted',
      ),
    }),
  ],
  controllers: [JobsController, ApplicationsController, InterviewsController, OffersController],
  providers: [
    JobRepository,
    ApplicationRepository,
    InterviewRepository,
    OfferRepository,
    ApplicationMoves,
    JobsService,
    ApplicationsService,
    InterviewsService,
    OffersService,
    HrUnitOfWork,
    HrCursors,
  ],
})
export class RecruitingModule {}

import { Module } from '@nestjs/common';
import { WebhooksModule } from 'nest-webhooks';
import { HrCursors } from '../common/hr-cursors';
import { HrUnitOfWork } from '../common/hr-unit-of-work';
import { hrEventTypes } from '../hr-event-types';
import { CandidateLifeCycle } from './candidate-life-cycle';
import { CandidateRepository } from './candidate.repository';
import { CandidatesController } from './candidates.controller';
import { CandidatesService } from './candidates.service';

/** Candidates, their profile and their hiring life cycle: `/api/candidates`. */
@Module({
  imports: [
    WebhooksModule.forFeature({
      eventTypes: hrEventTypes(
        'candidate.created',
        'candidate.status_changed',
        'candidate.updated',
      ),
    }),
  ],
  controllers: [CandidatesController],
  providers: [CandidateRepository, CandidateLifeCycle, CandidatesService, HrUnitOfWork, HrCursors],
  exports: [CandidateRepository, CandidateLifeCycle],
})
export class CandidatesModule {}

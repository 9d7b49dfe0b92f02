import { Candidate } from './candidates/candidate.entity';
import { Contract } from './contracts/contract.entity';
import { Employee } from './employees/employee.entity';
import { JobApplication } from './recruiting/applications/application.entity';
import { Interview } from './recruiting/interviews/interview.entity';
import { Job } from './recruiting/jobs/job.entity';
import { Offer } from './recruiting/offers/offer.entity';
import { Training } from './training/training.entity';
import { TrainingCompletion } from './training/training-completion.entity';

/** The HR modules' TypeORM entities. */
export const HR_ENTITIES = [
  Candidate,
  Employee,
  Contract,
  Training,
  TrainingCompletion,
  Job,
  JobApplication,
  Interview,
  Offer,
];

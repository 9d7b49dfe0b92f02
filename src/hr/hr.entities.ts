import { Candidate } from './candidates/candidate.entity';
import { Contract } from './contracts/contract.entity';
import { Employee } from './employees/employee.entity';
import { Training } from './training/training.entity';
import { TrainingCompletion } from './training/training-completion.entity';

/** The HR modules' TypeORM entities. */
export const HR_ENTITIES = [Candidate, Employee, Contract, Training, TrainingCompletion];

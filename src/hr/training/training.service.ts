import { Injectable } from '@nestjs/common';
import { HrUnitOfWork } from '../common/hr-unit-of-work';
import { isRowId } from '../common/ids';
import { EmployeeRepository } from '../employees/employee.repository';
import { HrError, HrErrorCode } from '../hr.errors';
import type { CreateTrainingDto } from './dto/create-training.dto';
import type { CreateTrainingCompletionDto } from './dto/create-training-completion.dto';
import type { TrainingDto } from './dto/training.dto';
import type { TrainingCompletionDto } from './dto/training-completion.dto';
import type { Training } from './training.entity';
import { TrainingRepository } from './training.repository';
import { TrainingCompletionRepository } from './training-completion.repository';

function toTrainingDto(row: Training): TrainingDto {
  return {
    id: row.id,
    title: row.title,
    cpfEligible: row.cpfEligible,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Trainings (emit nothing) and their completions (each emits `training.completed`). */
@Injectable()
export class TrainingService {
  constructor(
    private readonly unitOfWork: HrUnitOfWork,
    private readonly trainings: TrainingRepository,
    private readonly completions: TrainingCompletionRepository,
    private readonly employees: EmployeeRepository,
  ) {}

  async create(companyId: string, body: CreateTrainingDto): Promise<TrainingDto> {
    const row = await this.trainings.insertForCompany(companyId, {
      title: body.title,
      cpfEligible: body.cpfEligible,
    });
    return toTrainingDto(row);
  }

  async get(companyId: string, id: string): Promise<TrainingDto> {
    const row = isRowId(id) ? await this.trainings.findOneForCompany(companyId, id) : null;
    if (!row) throw trainingNotFound();
    return toTrainingDto(row);
  }

  /**
   * Records that an employee completed the training, and emits `training.completed`.
   *
   * Decision: the event is emitted for EVERY completion, CPF-eligible or not. A CPF tool reads
   * `cpfHours` (always 0 for a training that is not CPF-eligible, and may ignore those); other
   * consumers (an LMS, HR analytics) need every completion.
   */
  async complete(
    companyId: string,
    trainingId: string,
    body: CreateTrainingCompletionDto,
  ): Promise<TrainingCompletionDto> {
    if (!isRowId(trainingId)) throw trainingNotFound();
    return this.unitOfWork.run(companyId, async ({ manager, publish }) => {
      const training = await this.trainings.findOneForCompany(companyId, trainingId, manager);
      if (!training) throw trainingNotFound();
      if (!training.cpfEligible && body.cpfHours !== 0) {
        throw HrError.invalidField(
          'cpfHours',
          'cpfHours must be 0: the training is not CPF-eligible',
        );
      }
      // Share-locked: a concurrent termination (which locks the row for update) waits for this
      // completion, or this completion waits for it and then sees the employee terminated.
      const employee = await this.employees.findOneForCompany(
        companyId,
        body.employeeId,
        manager,
        'pessimistic_read',
      );
      if (!employee) throw HrError.notFound(HrErrorCode.EmployeeNotFound, 'employee');
      if (employee.terminationDate) {
        throw new HrError(
          HrErrorCode.EmployeeTerminated,
          `The employee was terminated (terminationDate ${employee.terminationDate}) and can no longer complete trainings`,
          'employeeId',
        );
      }
      const completion = await this.completions.insertForCompany(
        companyId,
        { trainingId: training.id, employeeId: employee.id, cpfHours: body.cpfHours },
        manager,
      );
      await publish('training.completed', {
        employeeId: employee.id,
        trainingId: training.id,
        cpfHours: completion.cpfHours,
      });
      return {
        id: completion.id,
        trainingId: completion.trainingId,
        employeeId: completion.employeeId,
        cpfHours: completion.cpfHours,
        createdAt: completion.createdAt,
      };
    });
  }
}

function trainingNotFound(): HrError {
  return HrError.notFound(HrErrorCode.TrainingNotFound, 'training');
}

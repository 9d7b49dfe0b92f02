import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type ValueTransformer,
} from 'typeorm';
import { Employee } from '../employees/employee.entity';
import { Training } from './training.entity';

/** `numeric` comes back from pg as a string; the API and the events speak numbers. */
const hours: ValueTransformer = {
  to: (value: number) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/** One employee completing one training (an employee may complete a training again). */
@Entity({ name: 'hr_training_completions' })
@Index('idx_hr_training_completions_company', ['companyId'])
@Index('idx_hr_training_completions_training', ['trainingId'])
@Index('idx_hr_training_completions_employee', ['employeeId'])
@Check('ck_hr_training_completions_cpf_hours', `"cpf_hours" >= 0 AND "cpf_hours" <= 1000`)
export class TrainingCompletion {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'company_id', type: 'varchar', length: 128 })
  companyId!: string;

  @Column({ name: 'training_id', type: 'uuid' })
  trainingId!: string;

  @ManyToOne(() => Training)
  @JoinColumn({
    name: 'training_id',
    foreignKeyConstraintName: 'fk_hr_training_completions_training',
  })
  training?: Training;

  @Column({ name: 'employee_id', type: 'uuid' })
  employeeId!: string;

  @ManyToOne(() => Employee)
  @JoinColumn({
    name: 'employee_id',
    foreignKeyConstraintName: 'fk_hr_training_completions_employee',
  })
  employee?: Employee;

  /** Hours credited on the employee's CPF, 0 to 1000 with 2 decimals; 0 if not CPF-eligible. */
  @Column({ name: 'cpf_hours', type: 'numeric', precision: 6, scale: 2, transformer: hours })
  cpfHours!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}

import type { EventTypeDefinition } from '../webhooks/catalog/event-type.interface';

const id = { type: 'string', format: 'uuid' };
const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };
const candidateStatus = {
  type: 'string',
  enum: ['new', 'screening', 'interview', 'offer', 'hired', 'rejected'],
};
const contractType = { type: 'string', enum: ['CDI', 'CDD', 'INTERIM', 'APPRENTISSAGE', 'STAGE'] };

/** The events the HR modules emit (CONTRACT.md "Events"), with the JSON Schema of their data. */
export const HR_EVENT_TYPES: EventTypeDefinition[] = [
  {
    type: 'candidate.created',
    description: 'A candidate was registered (for an ATS).',
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['candidateId', 'firstName', 'lastName', 'email', 'status', 'createdAt'],
      properties: {
        candidateId: id,
        firstName: { type: 'string', minLength: 1 },
        lastName: { type: 'string', minLength: 1 },
        email: { type: 'string', format: 'email' },
        status: { const: 'new' },
        createdAt: { type: 'string', format: 'date-time' },
      },
    },
  },
  {
    type: 'candidate.status_changed',
    description: 'A candidate moved along the hiring life cycle (for an ATS).',
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['candidateId', 'oldStatus', 'newStatus'],
      properties: { candidateId: id, oldStatus: candidateStatus, newStatus: candidateStatus },
    },
  },
  {
    type: 'contract.signed',
    description: 'An employment contract was signed (for payroll).',
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['contractId', 'employeeId', 'contractType', 'startDate'],
      properties: { contractId: id, employeeId: id, contractType, startDate: date },
    },
  },
  {
    type: 'training.completed',
    description: 'An employee completed a training, with the hours it counts on their CPF.',
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['employeeId', 'trainingId', 'cpfHours'],
      properties: { employeeId: id, trainingId: id, cpfHours: { type: 'number', minimum: 0 } },
    },
  },
  {
    type: 'employee.terminated',
    description: 'An employment ended: what a DSN end-of-contract report needs.',
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['employeeId', 'terminationDate', 'reason', 'contractId', 'contractType'],
      properties: {
        employeeId: id,
        terminationDate: date,
        reason: {
          type: 'string',
          enum: [
            'RESIGNATION',
            'DISMISSAL',
            'RUPTURE_CONVENTIONNELLE',
            'END_OF_FIXED_TERM',
            'RETIREMENT',
            'TRIAL_PERIOD_END',
          ],
        },
        contractId: id,
        contractType,
      },
    },
  },
];

import type { EventTypeDefinition, JsonSchema } from 'nest-webhooks';
import {
  candidateStatus,
  contractType,
  date,
  exactObject,
  id,
  skills,
} from './hr-event-schema-parts';
import type { CandidateChanges } from './candidates/candidate-profile';
import type { RecruitingEventData } from './recruiting/recruiting-event-data';
import { RECRUITING_EVENT_TYPES } from './recruiting/recruiting-event-types';

/**
 * The `data` of each HR event (CONTRACT.md "Events", the README's "Recruiting"); the schemas
 * below say the same for receivers.
 */
export interface HrEventData extends RecruitingEventData {
  'candidate.created': {
    candidateId: string;
    firstName: string;
    lastName: string;
    email: string;
    status: 'new';
    /** ISO-8601. */
    createdAt: string;
  };
  'candidate.status_changed': {
    candidateId: string;
    oldStatus: string;
    newStatus: string;
  };
  'candidate.updated': {
    candidateId: string;
    /** Only the fields that changed, each with its old and new value. */
    changes: CandidateChanges;
  };
  'contract.signed': {
    contractId: string;
    employeeId: string;
    contractType: string;
    /** YYYY-MM-DD. */
    startDate: string;
  };
  'training.completed': {
    employeeId: string;
    trainingId: string;
    /** Hours credited on the employee's CPF; 0 for a training that is not CPF-eligible. */
    cpfHours: number;
  };
  'employee.terminated': {
    employeeId: string;
    /** YYYY-MM-DD. */
    terminationDate: string;
    reason: string;
    contractId: string;
    contractType: string;
  };
}

export type HrEventType = keyof HrEventData;

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
    type: 'candidate.updated',
    description:
      "A candidate's profile was edited: only the changed fields, each with its old and new value (for an ATS).",
    schema: exactObject({
      candidateId: id,
      changes: {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        properties: {
          firstName: change({ type: 'string', minLength: 1 }),
          lastName: change({ type: 'string', minLength: 1 }),
          email: change({ type: 'string', format: 'email' }),
          phone: change({ type: ['string', 'null'] }),
          skills: change(skills),
        },
      },
    }),
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
    description:
      'An employee completed a training, with the hours it counts on their CPF (0 when the training is not CPF-eligible: every completion is sent).',
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['employeeId', 'trainingId', 'cpfHours'],
      properties: {
        employeeId: id,
        trainingId: id,
        cpfHours: { type: 'number', minimum: 0, maximum: 1000 },
      },
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
  ...RECRUITING_EVENT_TYPES,
];

/** A field's change: its value before and after. */
function change(value: JsonSchema): JsonSchema {
  return exactObject({ old: value, new: value });
}

/** The definitions of the named types (each HR module registers the ones it emits). */
export function hrEventTypes(...types: HrEventType[]): EventTypeDefinition[] {
  return types.map((type) => {
    const definition = HR_EVENT_TYPES.find((candidate) => candidate.type === type);
    if (!definition) throw new Error(`No schema for the HR event type ${type}`);
    return definition;
  });
}

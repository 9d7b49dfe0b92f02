import { HR_ENTITIES } from './hr/hr.entities';
import { WEBHOOKS_ENTITIES } from 'nest-webhooks';

/** Every entity of the app's data source. */
export const APP_ENTITIES = [...WEBHOOKS_ENTITIES, ...HR_ENTITIES];

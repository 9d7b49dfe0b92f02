import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { HR } from '../support/constants';
import { expectStatus, NOT_HR } from './hr-harness';
import { JOB_BODY, OFFER_BODY, useRecruitingHarness } from './recruiting-harness';

// Every recruiting route (and the candidate profile edit): 401 without a valid token, 403 without
// hr.manage, checked before the id is looked up; none of them emits anything.

describe('the recruiting routes: authentication and permission', () => {
  const h = useRecruitingHarness();
  const { emitsNothing } = h;

  const id = randomUUID();
  const routes: ['get' | 'post' | 'patch', string, object?][] = [
    ['post', '/api/jobs', JOB_BODY],
    ['get', '/api/jobs'],
    ['get', `/api/jobs/${id}`],
    ['post', `/api/jobs/${id}/publish`],
    ['post', `/api/jobs/${id}/close`, { reason: 'filled' }],
    ['post', `/api/jobs/${id}/applications`, { candidateId: id }],
    ['get', `/api/jobs/${id}/applications`],
    ['get', `/api/applications/${id}`],
    ['patch', `/api/applications/${id}/status`, { status: 'reviewed' }],
    [
      'post',
      `/api/applications/${id}/interviews`,
      { scheduledAt: '2099-01-01T10:00:00Z', kind: 'video', interviewers: ['A'] },
    ],
    ['get', `/api/interviews/${id}`],
    ['post', `/api/interviews/${id}/reschedule`, { scheduledAt: '2099-01-01T10:00:00Z' }],
    ['post', `/api/applications/${id}/offers`, OFFER_BODY],
    ['get', `/api/offers/${id}`],
    ['post', `/api/offers/${id}/send`],
    ['post', `/api/offers/${id}/accept`],
    ['patch', `/api/candidates/${id}`, { lastName: 'X' }],
  ];
  // Objects, not arrays: jest hands a row shorter than the callback's parameters a `done`.
  it.each(routes.map(([method, path, body]) => ({ method, path, body })))(
    '$method $path: 401 without a token or with a bad one, 403 without hr.manage',
    async ({ method, path, body }) => {
      await emitsNothing('recruiting-auth', async () => {
        expectStatus(await request(h.server)[method](path).send(body), 401);
        const forged = h.t.token('recruiting-auth', [HR], {
          secret: 'not-the-key-not-the-key-123456',
        });
        expectStatus(
          await request(h.server)
            [method](path)
            .set({ Authorization: `Bearer ${forged}` })
            .send(body),
          401,
        );
        expectStatus(
          await request(h.server)[method](path).set(h.auth('recruiting-auth', NOT_HR)).send(body),
          403,
        );
      });
    },
  );
});

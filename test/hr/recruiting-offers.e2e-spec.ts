import { randomUUID } from 'node:crypto';
import { ISO_DATE_TIME, UUID } from '../support/constants';
import { CDI, expectBadRequest, expectStatus, messageOf } from './hr-harness';
import {
  type Application,
  OFFER_BODY,
  type Offer,
  useRecruitingHarness,
} from './recruiting-harness';

// Offers: POST /api/applications/{id}/offers (a draft), POST /api/offers/{id}/send (offer.sent)
// and POST /api/offers/{id}/accept (offer.accepted; the application and the candidate hired).

interface OfferAnswer extends Offer {
  salary: number;
  startDate: string;
  contractType: string;
  sentAt: string | null;
  acceptedAt: string | null;
}

describe('offers', () => {
  const h = useRecruitingHarness();
  const { api, tenant, eventIds, emitsNothing, expectSilent, expectDeliveredSet } = h;

  const send = (company: string, id: string) => api(company).post(`/api/offers/${id}/send`);
  const accept = (company: string, id: string) => api(company).post(`/api/offers/${id}/accept`);
  const readOffer = async (company: string, id: string) =>
    expectStatus<OfferAnswer>(await api(company).get(`/api/offers/${id}`), 200);
  const statusOf = async (company: string, path: string) =>
    expectStatus<{ status: string }>(await api(company).get(path), 200).status;
  const terms = (offer: Offer) => ({
    offerId: offer.id,
    applicationId: offer.applicationId,
    jobId: offer.jobId,
    candidateId: offer.candidateId,
    ...OFFER_BODY,
  });

  it('a draft offer to a shortlisted application: 201, emits nothing', async () => {
    const ats = await tenant('offer-draft');
    const application = await h.applicationIn(ats.company, 'shortlisted');
    await expectSilent(ats, async () => {
      const offer = expectStatus<OfferAnswer>(
        await api(ats.company).post(`/api/applications/${application.id}/offers`, OFFER_BODY),
        201,
      );
      expect(offer).toMatchObject({
        id: expect.stringMatching(UUID),
        applicationId: application.id,
        jobId: application.jobId,
        candidateId: application.candidateId,
        ...OFFER_BODY,
        status: 'draft',
        sentAt: null,
        acceptedAt: null,
      });
      expect(await readOffer(ats.company, offer.id)).toEqual(offer);
    });
  });

  it('send: 200, offer.sent carries the terms', async () => {
    const ats = await tenant('offer-send');
    const draft = await h.offer(ats.company, false);
    const before = await eventIds(ats.company);
    const sent = expectStatus<OfferAnswer>(await send(ats.company, draft.id), 200);
    expect(sent).toMatchObject({ status: 'sent', sentAt: expect.stringMatching(ISO_DATE_TIME) });
    await expectDeliveredSet(ats, before, [
      { type: 'offer.sent', data: { ...terms(draft), sentAt: sent.sentAt } },
    ]);
  });

  it('accept: offer.accepted, the application hired and the candidate offer → hired; a contract can follow', async () => {
    const ats = await tenant('offer-accept');
    const offer = await h.offer(ats.company, true, 'offer');
    const before = await eventIds(ats.company);
    const accepted = expectStatus<OfferAnswer>(await accept(ats.company, offer.id), 200);
    expect(accepted).toMatchObject({
      status: 'accepted',
      acceptedAt: expect.stringMatching(ISO_DATE_TIME),
    });
    const { applicationId, jobId, candidateId } = offer;
    await expectDeliveredSet(ats, before, [
      { type: 'offer.accepted', data: { ...terms(offer), acceptedAt: accepted.acceptedAt } },
      {
        type: 'application.reviewed',
        data: { applicationId, jobId, candidateId, oldStatus: 'shortlisted', newStatus: 'hired' },
      },
      {
        type: 'candidate.status_changed',
        data: { candidateId, oldStatus: 'offer', newStatus: 'hired' },
      },
    ]);
    expect(await statusOf(ats.company, `/api/applications/${applicationId}`)).toBe('hired');
    expect(await statusOf(ats.company, `/api/candidates/${candidateId}`)).toBe('hired');
    const contract = expectStatus<{ candidateId: string }>(
      await api(ats.company).post('/api/contracts', { candidateId, ...CDI }),
      201,
    );
    expect(contract.candidateId).toBe(candidateId);
  });

  it('a candidate still new walks the life cycle to hired: one candidate.status_changed per move', async () => {
    const ats = await tenant('offer-walk');
    const offer = await h.offer(ats.company, true, 'new');
    const before = await eventIds(ats.company);
    const accepted = expectStatus<OfferAnswer>(await accept(ats.company, offer.id), 200);
    const { candidateId } = offer;
    await expectDeliveredSet(ats, before, [
      { type: 'offer.accepted', data: { ...terms(offer), acceptedAt: accepted.acceptedAt } },
      {
        type: 'application.reviewed',
        data: expect.objectContaining({ oldStatus: 'shortlisted', newStatus: 'hired' }),
      },
      {
        type: 'candidate.status_changed',
        data: { candidateId, oldStatus: 'new', newStatus: 'screening' },
      },
      {
        type: 'candidate.status_changed',
        data: { candidateId, oldStatus: 'screening', newStatus: 'interview' },
      },
      {
        type: 'candidate.status_changed',
        data: { candidateId, oldStatus: 'interview', newStatus: 'offer' },
      },
      {
        type: 'candidate.status_changed',
        data: { candidateId, oldStatus: 'offer', newStatus: 'hired' },
      },
    ]);
  });

  it('accepting an unsent offer, accepting twice, sending twice: 409 naming the allowed next states', async () => {
    const ats = await tenant('offer-illegal');
    const draft = await h.offer(ats.company, false);
    const accepted = await h.offer(ats.company, true);
    expectStatus(await accept(ats.company, accepted.id), 200);
    const sent = await h.offer(ats.company, true);
    await expectSilent(ats, async () => {
      const cases: [string, string, string][] = [
        [draft.id, 'accept', 'offer cannot go from draft to accepted; allowed next states: sent'],
        [
          accepted.id,
          'accept',
          'offer cannot go from accepted to accepted; allowed next states: none (accepted is final)',
        ],
        [accepted.id, 'send', 'offer cannot go from accepted to sent; allowed next states: none'],
        [sent.id, 'send', 'offer cannot go from sent to sent; allowed next states: accepted'],
      ];
      for (const [id, action, message] of cases) {
        const res = await api(ats.company).post(`/api/offers/${id}/${action}`);
        expectStatus(res, 409);
        expect(res.body).toMatchObject({ code: 'ILLEGAL_STATUS_TRANSITION' });
        expect(messageOf(res)).toContain(message);
      }
    });
    expect((await readOffer(ats.company, draft.id)).status).toBe('draft');
    expect(await statusOf(ats.company, `/api/applications/${draft.applicationId}`)).toBe(
      'shortlisted',
    );
  });

  it('a rejected or already hired candidate cannot accept: 409, and nothing moves', async () => {
    const ats = await tenant('offer-candidate');
    const rejected = await h.offer(ats.company, true);
    expectStatus(
      await api(ats.company).patch(`/api/candidates/${rejected.candidateId}/status`, {
        status: 'rejected',
      }),
      200,
    );
    const first = await h.offer(ats.company, true);
    expectStatus(await accept(ats.company, first.id), 200);
    // the same (now hired) candidate shortlisted for a second job
    const second: Application = await h.applicationIn(ats.company, 'shortlisted', {
      candidateId: first.candidateId,
    });
    const secondOffer = expectStatus<Offer>(
      await api(ats.company).post(`/api/applications/${second.id}/offers`, OFFER_BODY),
      201,
    );
    expectStatus(await send(ats.company, secondOffer.id), 200);
    await expectSilent(ats, async () => {
      for (const [offer, from] of [
        [rejected, 'rejected'],
        [secondOffer, 'hired'],
      ] as const) {
        const res = await accept(ats.company, offer.id);
        expectStatus(res, 409);
        expect(messageOf(res)).toContain(`the candidate's status cannot go from ${from} to hired`);
        expect((await readOffer(ats.company, offer.id)).status).toBe('sent');
        expect(await statusOf(ats.company, `/api/applications/${offer.applicationId}`)).toBe(
          'shortlisted',
        );
      }
    });
  });

  it('offers need a shortlisted application: to make (409), to send and to accept (409); one per application', async () => {
    const ats = await tenant('offer-shortlisted');
    const reviewed = await h.applicationIn(ats.company, 'reviewed');
    const withdrawnLater = await h.offer(ats.company, false);
    const acceptedLater = await h.offer(ats.company, true);
    for (const offer of [withdrawnLater, acceptedLater]) {
      expectStatus(
        await api(ats.company).patch(`/api/applications/${offer.applicationId}/status`, {
          status: 'withdrawn',
        }),
        200,
      );
    }
    await expectSilent(ats, async () => {
      let res = await api(ats.company).post(`/api/applications/${reviewed.id}/offers`, OFFER_BODY);
      expectStatus(res, 409);
      expect(res.body).toMatchObject({ code: 'APPLICATION_NOT_SHORTLISTED' });
      res = await api(ats.company).post(
        `/api/applications/${withdrawnLater.applicationId}/offers`,
        OFFER_BODY,
      );
      expectStatus(res, 409);
      res = await send(ats.company, withdrawnLater.id);
      expectStatus(res, 409);
      expect(messageOf(res)).toContain('The application is withdrawn');
      res = await accept(ats.company, acceptedLater.id);
      expectStatus(res, 409);
      expect(messageOf(res)).toContain(
        "the application's status cannot go from withdrawn to hired",
      );
    });
    const shortlisted = await h.offer(ats.company, false);
    await emitsNothing(ats.company, async () => {
      const res = await api(ats.company).post(
        `/api/applications/${shortlisted.applicationId}/offers`,
        OFFER_BODY,
      );
      expectStatus(res, 409);
      expect(res.body).toMatchObject({ code: 'OFFER_ALREADY_MADE' });
    });
  });

  const BAD: { label: string; body: object; field: string }[] = [
    { label: 'no salary', body: { salary: undefined }, field: 'salary' },
    { label: 'a salary of 0', body: { salary: 0 }, field: 'salary' },
    { label: 'a salary with decimals', body: { salary: 52000.5 }, field: 'salary' },
    { label: 'a salary as a string', body: { salary: '52000' }, field: 'salary' },
    {
      label: 'a start date that does not exist',
      body: { startDate: '2026-02-30' },
      field: 'startDate',
    },
    {
      label: 'a start date with a time',
      body: { startDate: '2026-09-01T09:00:00Z' },
      field: 'startDate',
    },
    {
      label: 'a contract type not on the list',
      body: { contractType: 'FREELANCE' },
      field: 'contractType',
    },
    { label: 'a status', body: { status: 'sent' }, field: 'status' },
    { label: 'an unknown field', body: { bonus: 3000 }, field: 'bonus' },
  ];
  it.each(BAD)('$label: 400 naming the field, nothing stored', async ({ body, field }) => {
    const company = `offer-bad-${h.nextSequence()}`;
    const application = await h.applicationIn(company, 'shortlisted');
    await emitsNothing(company, async () => {
      expectBadRequest(
        await api(company).post(`/api/applications/${application.id}/offers`, {
          ...OFFER_BODY,
          ...body,
        }),
        field,
      );
    });
    // nothing stored: the application still takes its one offer
    expectStatus(
      await api(company).post(`/api/applications/${application.id}/offers`, OFFER_BODY),
      201,
    );
  });

  it("unknown ids, ids that are not UUIDs, another company's application or offer: 404, left as they were", async () => {
    const owner = await tenant('offer-owner');
    const intruder = await tenant('offer-intruder');
    const application = await h.applicationIn(owner.company, 'shortlisted');
    const draft = await h.offer(owner.company, false);
    const sent = await h.offer(owner.company, true);
    await expectSilent(owner, async () => {
      await emitsNothing(intruder.company, async () => {
        for (const id of [randomUUID(), 'not-a-uuid', application.id]) {
          const res = await api(intruder.company).post(
            `/api/applications/${id}/offers`,
            OFFER_BODY,
          );
          expectStatus(res, 404);
          expect(res.body).toMatchObject({ code: 'APPLICATION_NOT_FOUND' });
        }
        for (const id of [randomUUID(), 'not-a-uuid', draft.id, sent.id]) {
          for (const res of [
            await send(intruder.company, id),
            await accept(intruder.company, id),
            await api(intruder.company).get(`/api/offers/${id}`),
          ]) {
            expectStatus(res, 404);
            expect(res.body).toMatchObject({ code: 'OFFER_NOT_FOUND' });
          }
        }
      });
    });
    expect((await readOffer(owner.company, draft.id)).status).toBe('draft');
    expect((await readOffer(owner.company, sent.id)).status).toBe('sent');
    expect(await statusOf(owner.company, `/api/candidates/${sent.candidateId}`)).toBe('offer');
  });
});

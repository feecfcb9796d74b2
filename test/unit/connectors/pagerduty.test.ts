import { describe, expect, it } from 'vitest';
import { pagerdutyConnector } from '../../../connectors/pagerduty/index.ts';
import { PayloadError, VerificationError } from '../../../src/errors.ts';
import { connectorContext, loadFixture, signedRequest } from '../../helpers/connector-request.ts';
import { itVerifiesSignedBodies } from '../../helpers/signed-connector-cases.ts';

const NOW = new Date('2020-10-02T18:45:30Z');
const ctx = connectorContext(pagerdutyConnector, { type: 'pagerduty', secret: 'pd-secret' }, NOW, 'pd');
const rotated = connectorContext(pagerdutyConnector, { type: 'pagerduty', secret: ['pd-new', 'pd-secret'] }, NOW, 'pd');
const wrong = connectorContext(pagerdutyConnector, { type: 'pagerduty', secret: 'nope' }, NOW, 'pd');
const triggered = loadFixture('pagerduty', 'incident.triggered.json');
const meta = { id: 'ignored', event: 'incident.triggered' };

// Published vector: PagerDuty's official Go client, webhookv3/webhookv3_test.go (TestVerifySignature),
// https://github.com/PagerDuty/go-pagerduty/blob/main/webhookv3/webhookv3_test.go
const GO_PAGERDUTY_SECRET = 'lDQHScfUeXUKaQRNF+8XIiDKZ7XX3itBAYzwU0TARw8lJqRnkKl2iB1anSb0Z+IK';
const GO_PAGERDUTY_BODY =
  '{"event":{"id":"01BWDWL3NYY7LUFPZCC28QUCMK","event_type":"incident.priority_updated","resource_type":"incident","occurred_at":"2021-04-26T17:36:27.458Z","agent":{"html_url":"https://acme.pagerduty.com/users/PLH1HKV","id":"PLH1HKV","self":"https://api.pagerduty.com/users/PLH1HKV","summary":"Tenex Engineer","type":"user_reference"},"client":null,"data":{"id":"PGR0VU2","type":"incident","self":"https://api.pagerduty.com/incidents/PGR0VU2","html_url":"https://acme.pagerduty.com/incidents/PGR0VU2","number":2,"status":"triggered","title":"A little bump in the road","service":{"html_url":"https://acme.pagerduty.com/services/PF9KMXH","id":"PF9KMXH","self":"https://api.pagerduty.com/services/PF9KMXH","summary":"API Service","type":"service_reference"},"assignees":[{"html_url":"https://acme.pagerduty.com/users/PTUXL6G","id":"PTUXL6G","self":"https://api.pagerduty.com/users/PTUXL6G","summary":"User 123","type":"user_reference"}],"escalation_policy":{"html_url":"https://acme.pagerduty.com/escalation_policies/PUS0KTE","id":"PUS0KTE","self":"https://api.pagerduty.com/escalation_policies/PUS0KTE","summary":"Default","type":"escalation_policy_reference"},"teams":[{"html_url":"https://acme.pagerduty.com/teams/PFCVPS0","id":"PFCVPS0","self":"https://api.pagerduty.com/teams/PFCVPS0","summary":"Engineering","type":"team_reference"}],"priority":{"html_url":"https://acme.pagerduty.com/account/incident_priorities","id":"PSO75BM","self":"https://api.pagerduty.com/priorities/PSO75BM","summary":"P1","type":"priority_reference"},"urgency":"high","conference_bridge":{"conference_number":1000,"conference_url":"https://example.com"},"resolve_reason":null}}}';
const GO_PAGERDUTY_VALID = 'v1=0c0b9495b893a39e70d1fea2fe11fbe0a825f88b9f67846f6cc07dd2bc5476cd';
const GO_PAGERDUTY_MISMATCH = 'v1=7020c8a7ec668a9b7012bc3dd82e483394b038f4230acc6785efbf2a7d8bcaf5';

describe('pagerduty connector: published vector (go-pagerduty webhookv3_test.go)', () => {
  const vectorCtx = connectorContext(pagerdutyConnector, { type: 'pagerduty', secret: GO_PAGERDUTY_SECRET }, NOW, 'pd');
  const request = (signature: string) => ({
    method: 'POST',
    url: '/hooks/pd',
    headers: { 'content-type': 'application/json', 'x-pagerduty-signature': signature },
    body: Buffer.from(GO_PAGERDUTY_BODY, 'utf8'),
  });

  it('accepts the "valid" case', async () => {
    const { events } = await pagerdutyConnector.handle(request(GO_PAGERDUTY_VALID), vectorCtx);
    expect(events[0]).toMatchObject({ id: '01BWDWL3NYY7LUFPZCC28QUCMK', type: 'pagerduty.incident.priority_updated' });
  });

  it('rejects the "mismatch" case', async () => {
    await expect(async () => pagerdutyConnector.handle(request(GO_PAGERDUTY_MISMATCH), vectorCtx)).rejects.toThrow(VerificationError);
  });

  it('accepts when any of several comma-separated signatures matches', async () => {
    const header = `${GO_PAGERDUTY_MISMATCH},${GO_PAGERDUTY_VALID}`;
    expect((await pagerdutyConnector.handle(request(header), vectorCtx)).events).toHaveLength(1);
    const spaced = `${GO_PAGERDUTY_MISMATCH}, ${GO_PAGERDUTY_VALID}`;
    expect((await pagerdutyConnector.handle(request(spaced), vectorCtx)).events).toHaveLength(1);
  });

  it('skips unknown signature versions and rejects when no v1 remains', async () => {
    const v2Only = GO_PAGERDUTY_VALID.replace('v1=', 'v2=');
    await expect(async () => pagerdutyConnector.handle(request(v2Only), vectorCtx)).rejects.toThrow(/malformed/);
  });
});

describe('pagerduty connector: verification', () => {
  itVerifiesSignedBodies({
    connector: pagerdutyConnector,
    ctx,
    rotated,
    wrong,
    body: triggered,
    meta,
    signatureHeaders: ['x-pagerduty-signature'],
    tampered: Buffer.from(triggered.toString().replace('"high"', '"low"')),
  });

  it('answers 400 for a signed body that is not a v3 event', async () => {
    const request = signedRequest(pagerdutyConnector, ctx, Buffer.from('{"messages":[]}'), meta);
    await expect(async () => pagerdutyConnector.handle(request, ctx)).rejects.toThrow(PayloadError);
  });
});

describe('pagerduty connector: normalization of every fixture', () => {
  const incident = { subject: 'PGR0VU2', title: 'A little bump in the road', url: 'https://acme.pagerduty.com/incidents/PGR0VU2' };
  const expected: Record<string, Record<string, unknown>> = {
    'incident.triggered': { id: '01DEN4HPBQAJQWN2ZRX1CVXU9W', ...incident, actor: 'API Service', time: '2020-04-09T15:16:27.891Z' },
    'incident.priority_updated': { id: '5ac64822-4adc-4fda-ade0-410becf0de4f', ...incident, actor: 'Tenex Engineer' },
    'incident.annotated': { id: '01BWDWL3NYY7LUFPZCC28QUCMK', ...incident, actor: 'Tenex Engineer' },
    'service.updated': {
      id: '01BRB6ZP4M6T8ZG4X6BP63ZB9O',
      subject: 'PF9KMXH',
      title: 'testing service updates',
      url: 'https://acme.pagerduty.com/services/PF9KMXH',
      time: '2021-03-02T13:35:11.682Z',
    },
    'pagey.ping': { id: '01CXAU3YZ5GDNHE0A5Q9CLEE5Q', title: 'Hello from your friend Pagey!' },
  };

  it('has an expectation for every sample', () => {
    expect(Object.keys(pagerdutyConnector.samples).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [event, file] of Object.entries(pagerdutyConnector.samples)) {
    it(`normalizes ${file}`, async () => {
      const body = loadFixture('pagerduty', file);
      const { events } = await pagerdutyConnector.handle(signedRequest(pagerdutyConnector, ctx, body, { id: 'x', event }), ctx);
      expect(events[0]).toMatchObject({ type: `pagerduty.${event}`, source: '/connectors/pd', ...expected[event] });
      expect(events[0]?.data).toEqual(JSON.parse(body.toString()));
    });
  }
});

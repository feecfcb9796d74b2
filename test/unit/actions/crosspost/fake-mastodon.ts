/**
 * A Mastodon instance as the REST API shows it, for the fake API server: POST /api/v1/statuses
 * honouring Idempotency-Key for one hour of the instance's clock, GET /api/v1/accounts/verify_credentials,
 * and GET /api/v1/accounts/:id/statuses newest first with limit, max_id, exclude_reblogs and a Link
 * header. A status's `content` is rendered from its text as Mastodon's TextFormatter does
 * (app/lib/text_formatter.rb): escaped, links split into spans, hashtags and mentions linked, blank
 * lines as paragraphs and line breaks as `<br />`.
 */
import { jsonBody, type FakeHandler, type FakeReply, type FakeRequest } from '../ci/fake-api.ts';

export const MASTODON_BASE = 'https://mastodon.example';
const ACCOUNT_ID = '109347';
const KEY_LIFETIME_MS = 3_600_000;

export interface FakeStatus {
  id: string;
  text: string;
  spoiler: string;
  createdAt: number;
  reblog?: boolean;
}

export interface MastodonState {
  /** The instance's clock (ms): a new status's created_at, and when an Idempotency-Key is forgotten. */
  now: number;
  statuses: FakeStatus[];
  keys: Map<string, { status: FakeStatus; at: number }>;
  /** Remote accounts the instance knows (`alice@other.example`): mentions of them are linked. */
  known: Set<string>;
  /** Answer GET /api/v1/accounts/:id/statuses with this instead. */
  statusesFailure?: FakeReply;
  /** Keep the answer to the next status back (the status is made): the client gives up first. */
  hold?: () => Promise<FakeReply>;
}

export function mastodonState(now: string, statuses: FakeStatus[] = []): MastodonState {
  return { now: Date.parse(now), statuses, keys: new Map(), known: new Set(['alice@other.example']) };
}

/** Ids grow with time, as Mastodon's do (milliseconds shifted left 16 bits, plus a sequence). */
export function statusId(createdAt: number, sequence = 0): string {
  return (BigInt(createdAt) * 65_536n + BigInt(sequence)).toString();
}

export function fakeMastodon(state: MastodonState): FakeHandler {
  return (req) => {
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (token !== 'masto-token') return { status: 401, body: { error: 'The access token is invalid' } };
    if (req.method === 'GET' && req.path === '/api/v1/accounts/verify_credentials')
      return { status: 200, body: { id: ACCOUNT_ID, username: 'hub', acct: 'hub', display_name: 'Hub', note: '<p>Releases</p>' } };
    if (req.method === 'GET' && req.path === `/api/v1/accounts/${ACCOUNT_ID}/statuses`)
      return state.statusesFailure ?? listStatuses(state, req);
    if (req.method === 'POST' && req.path === '/api/v1/statuses') return createStatus(state, req);
    return { status: 404, body: { error: 'Record not found' } };
  };
}

function listStatuses(state: MastodonState, req: FakeRequest): FakeReply {
  const limit = Math.min(Number(req.query.get('limit') ?? 20), 40);
  const maxId = req.query.get('max_id');
  const listed = state.statuses
    .filter((s) => !(req.query.get('exclude_reblogs') === 'true' && s.reblog))
    .filter((s) => maxId === null || BigInt(s.id) < BigInt(maxId))
    .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1))
    .slice(0, limit);
  const last = listed.at(-1);
  const headers: Record<string, string> =
    last && listed.length === limit
      ? { link: `<${MASTODON_BASE}/api/v1/accounts/${ACCOUNT_ID}/statuses?limit=${limit}&max_id=${last.id}>; rel="next"` }
      : {};
  return { status: 200, body: listed.map((s) => statusJson(state, s)), headers };
}

function createStatus(state: MastodonState, req: FakeRequest): FakeReply | Promise<FakeReply> {
  const body = jsonBody(req);
  const key = req.headers['idempotency-key'];
  const remembered = typeof key === 'string' ? state.keys.get(key) : undefined;
  if (remembered && state.now - remembered.at < KEY_LIFETIME_MS) return { status: 200, body: statusJson(state, remembered.status) };
  const status = {
    id: statusId(state.now, state.statuses.length),
    text: typeof body.status === 'string' ? body.status : '',
    spoiler: typeof body.spoiler_text === 'string' ? body.spoiler_text : '',
    createdAt: state.now,
  };
  state.statuses.push(status);
  if (typeof key === 'string') state.keys.set(key, { status, at: state.now });
  const hold = state.hold;
  state.hold = undefined;
  return hold ? hold() : { status: 200, body: statusJson(state, status) };
}

function statusJson(state: MastodonState, s: FakeStatus): Record<string, unknown> {
  const account = { id: ACCOUNT_ID, username: 'hub', acct: 'hub', display_name: 'Hub', url: `${MASTODON_BASE}/@hub` };
  return {
    id: s.id,
    created_at: new Date(s.createdAt).toISOString(),
    spoiler_text: s.spoiler,
    visibility: 'public',
    uri: `${MASTODON_BASE}/users/hub/statuses/${s.id}`,
    url: `${MASTODON_BASE}/@hub/${s.id}`,
    content: s.reblog ? '' : renderContent(s.text, state.known),
    reblog: s.reblog ? { id: '1', content: renderContent(s.text, state.known) } : null,
    account,
    media_attachments: [],
    mentions: [],
    tags: [],
    emojis: [],
    card: null,
    poll: null,
  };
}

const h = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** TextFormatter#to_s: entities linked, the rest escaped, then simple_format with its newlines deleted. */
export function renderContent(text: string, known: ReadonlySet<string>): string {
  const entity = /(https?:\/\/[^\s<>"]*[^\s<>".,;:!?'")])|(?<=^|\s)#(\w+)|(?<=^|\s)@(\w+)(?:@([\w.-]*\w))?/g;
  let html = '';
  let last = 0;
  for (const match of text.matchAll(entity)) {
    html += h(text.slice(last, match.index)) + linkFor(match, known);
    last = match.index + match[0].length;
  }
  html += h(text.slice(last));
  const paragraphs = html.split(/\n\n+/).map((p) => `<p>${p.replace(/([^\n]\n)(?=[^\n])/g, '$1<br />')}</p>`);
  return paragraphs.join('\n\n').replace(/\n/g, '');
}

function linkFor(match: RegExpMatchArray, known: ReadonlySet<string>): string {
  const [whole, url, tag, user, domain] = match;
  if (url !== undefined) {
    const prefix = /^(https?:\/\/(www\.)?)/.exec(url)?.[0] ?? '';
    const rest = url.slice(prefix.length);
    const shown = `<span class="${rest.length > 30 ? 'ellipsis' : ''}">${h(rest.slice(0, 30))}</span>`;
    return `<a href="${h(url)}" target="_blank" rel="nofollow noopener noreferrer"><span class="invisible">${h(prefix)}</span>${shown}<span class="invisible">${h(rest.slice(30))}</span></a>`;
  }
  if (tag !== undefined) return `<a href="${MASTODON_BASE}/tags/${h(tag)}" class="mention hashtag" rel="tag">#<span>${h(tag)}</span></a>`;
  if (user === undefined || domain === undefined || !known.has(`${user}@${domain}`)) return h(whole);
  return `<span class="h-card" translate="no"><a href="https://${domain}/@${h(user)}" class="u-url mention">@<span>${h(user)}</span></a></span>`;
}

import { describe, expect, it } from 'vitest';
import { createLiveSecrets, MAX_LIVE_SECRETS } from '../../../src/operations/live-secrets.ts';

const HOUR = 3_600_000;

/** A clock the test moves by hand. */
function manualClock(start = Date.parse('2026-12-07T12:00:00Z')) {
  let time = start;
  return { now: () => new Date(time), advance: (ms: number) => (time += ms), at: (ms: number) => new Date(start + ms) };
}

describe('the secrets the hub obtains while it runs', () => {
  it('keep every installation token while it can work, however many installations mint one', () => {
    const clock = manualClock();
    const live = createLiveSecrets(clock.now);
    const tokens = Array.from({ length: 40 }, (_, i) => `ghs_installation_${String(i).padStart(4, '0')}`);
    for (const token of tokens) live.add([token], clock.at(HOUR));
    for (const token of tokens) expect(live.forms()).toContain(token);
  });

  it('drop a value once it expired, and keep the creds-file ones for good', () => {
    const clock = manualClock();
    const live = createLiveSecrets(clock.now);
    live.add(['creds-file-seed-0123']);
    live.add(['app-jwt-0123456789'], clock.at(10 * 60_000));
    live.add(['ghs_installation_0001'], clock.at(HOUR));
    const before = live.forms();
    expect(live.forms()).toBe(before);
    clock.advance(10 * 60_000);
    // Kept a while past its expiry: the hub's clock may run ahead of GitHub's.
    expect(live.forms()).toContain('app-jwt-0123456789');
    clock.advance(5 * 60_000);
    expect(live.forms()).not.toContain('app-jwt-0123456789');
    expect(live.forms()).toContain('ghs_installation_0001');
    clock.advance(HOUR);
    expect(live.forms()).not.toContain('ghs_installation_0001');
    expect(live.forms()).toContain('creds-file-seed-0123');
    live.add(['ghs_already_expired_01'], clock.at(0));
    expect(live.forms()).not.toContain('ghs_already_expired_01');
  });

  it('past the cap, forget the values that expire soonest first', () => {
    const clock = manualClock();
    const live = createLiveSecrets(clock.now);
    live.add(['creds-file-seed-0123']);
    live.add(['ghs_expires_soonest'], clock.at(60_000));
    const installations = Array.from({ length: MAX_LIVE_SECRETS - 2 }, (_, i) => `ghs_installation_${String(i).padStart(4, '0')}`);
    live.add(installations, clock.at(HOUR));
    expect(live.forms()).toContain('ghs_expires_soonest');
    live.add(['ghs_minted_last_0001'], clock.at(HOUR));
    expect(live.forms()).not.toContain('ghs_expires_soonest');
    expect(live.forms()).toContain('ghs_minted_last_0001');
    expect(live.forms()).toContain('creds-file-seed-0123');
    expect(live.forms()).toContain('ghs_installation_0000');
  });
});

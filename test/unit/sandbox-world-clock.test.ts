// The sandbox world's clock and the console's WQL subset: pure pieces, no servers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorldClock } from '../../src/sandbox/world/clock';
import { ConsoleError } from '../../src/sandbox/world/console';
import { evaluateWql } from '../../src/sandbox/world/site-console';

test('the world clock: real time times the speed, plus advance; a speed change keeps the time reached', () => {
  let real = 1_000;
  const clock = new WorldClock({ now: 50_000, speed: 60 }, () => real);
  assert.equal(clock.now(), 50_000);
  real += 1_000;
  assert.equal(clock.now(), 110_000, 'a real second is a minute at speed 60');
  clock.setSpeed(0);
  real += 5_000;
  assert.equal(clock.now(), 110_000, 'stopped');
  clock.advance(15 * 60_000);
  assert.equal(clock.now(), 110_000 + 900_000);
  assert.deepEqual(clock.snapshot(), { now: 1_010_000, speed: 0 });
  assert.throws(() => clock.setSpeed(-1), /0 or more/);
  assert.throws(() => clock.advance(Number.NaN), /0 or more/);
});

test('query rules: the WQL forms of the sample site are evaluated, any other is refused by name', () => {
  const data = {
    users: [
      { ResourceID: 1, mail: 'a@contoso.com', upn: 'a@contoso.com' },
      { ResourceID: 2, mail: null, upn: 'b@fabrikam.com' },
      { ResourceID: 3, mail: null, upn: null },
    ],
    groupsOf: new Map([
      ['contoso\\sales team', [1, 3]],
      ['contoso\\marketing', [2]],
    ]),
    systems: [
      { ResourceID: 10, os: 'iOS 12.1' },
      { ResourceID: 11, os: 'Android 9' },
      { ResourceID: 12, os: 'Microsoft Windows NT Workstation 10.0' },
    ],
  };
  const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);
  assert.deepEqual(sorted(evaluateWql('select * from SMS_R_User', true, data)), [1, 2, 3]);
  assert.deepEqual(
    sorted(
      evaluateWql(
        'select * from SMS_R_User where SMS_R_User.UserGroupName = "CONTOSO\\\\Sales Team" or SMS_R_User.UserGroupName = "CONTOSO\\\\Marketing"',
        true,
        data,
      ),
    ),
    [1, 2, 3],
  );
  assert.deepEqual(evaluateWql('select * from SMS_R_User where SMS_R_User.Mail is not null', true, data), [1]);
  assert.deepEqual(evaluateWql('select * from SMS_R_User where SMS_R_User.UserPrincipalName like "%@contoso.com"', true, data), [1]);
  assert.deepEqual(
    sorted(
      evaluateWql(
        'select * from SMS_R_System where SMS_R_System.OperatingSystemNameandVersion like "%iOS%" or SMS_R_System.OperatingSystemNameandVersion like "%Android%"',
        false,
        data,
      ),
    ),
    [10, 11],
  );
  assert.throws(
    () => evaluateWql('select * from SMS_R_User where SMS_R_User.LastLogonTimestamp > "2019-01-01"', true, data),
    (e) => e instanceof ConsoleError && /LastLogonTimestamp/.test(e.message),
  );
  assert.throws(
    () => evaluateWql('select * from SMS_R_System', true, data),
    (e) => e instanceof ConsoleError && /user collection/.test(e.message),
  );
});

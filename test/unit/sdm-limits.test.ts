// Digest reading costs time in proportion to the digest, and an absurd digest (too large, too
// deep) is a problem on its object, with a clear reason, not the end of the site read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConfigurationItem } from '../../src/core/site/model';
import { parseConfigurationItem, parseSiteObjects } from '../../src/core/site/sdm';
import { DIGEST_SIZE_LIMIT } from '../../src/core/site/sdm/xml';

const DC = 'http://schemas.microsoft.com/SystemsCenterConfigurationManager/2009/07/10/DesiredConfiguration';
const RULES = 'http://schemas.microsoft.com/SystemsCenterConfigurationManager/2009/06/14/Rules';
const rule = (i: number) =>
  `<Rule xmlns="${RULES}" id="R_${i}" Severity="Warning"><Expression><Operator>Equals</Operator><Operands><SettingReference AuthoringScopeId="ScopeId_T" LogicalName="OperatingSystem_1" SettingLogicalName="Vendor_Setting_${i}" DataType="String"/><ConstantValue Value="value &amp; ${i}" DataType="String"/></Operands></Expression></Rule>`;
/** A realistic digest of about `chars` characters: many setting rules and OMA-URI settings. */
function digestOf(chars: number): string {
  const head =
    `<?xml version="1.0" encoding="utf-16"?><DesiredConfigurationDigest xmlns="${DC}"><OperatingSystem AuthoringScopeId="ScopeId_T" LogicalName="OperatingSystem_1" Version="1">` +
    `<PlatformApplicabilityCondition><OperatingSystemExpression xmlns="${RULES}"><Operator>OneOf</Operator><Operands><RuleExpression RuleId="Windows/All_Windows_10_and_higher_Clients"/></Operands></OperatingSystemExpression></PlatformApplicabilityCondition><Settings><OmaUriSettings>`;
  const oma = (i: number) => `<OmaUri Name="Custom ${i}" Uri="./Vendor/MSFT/Policy/Config/Setting${i}" DataType="String" Value="v${i}"/>`;
  const parts: string[] = [head];
  let length = head.length;
  for (let i = 0; length < chars / 2; i++) length += parts[parts.push(oma(i)) - 1].length;
  parts.push('</OmaUriSettings></Settings><Rules>');
  for (let i = 0; length < chars; i++) length += parts[parts.push(rule(i)) - 1].length;
  parts.push('</Rules></OperatingSystem></DesiredConfigurationDigest>');
  return parts.join('');
}
const ci = (digest: string, ciId = 1): ConfigurationItem => ({
  ciId,
  uniqueId: `ScopeId_T/OperatingSystem_${ciId}/1`,
  modelName: `ScopeId_T/OperatingSystem_${ciId}`,
  ciTypeId: 3,
  name: `CI ${ciId}`,
  description: '',
  version: 1,
  isEnabled: true,
  isExpired: false,
  dateLastModified: '2019-01-01T00:00:00.000Z',
  digest,
});

describe('digest cost and limits', () => {
  it('reading a digest takes time in proportion to its size (1 MB against 8 MB)', () => {
    const time = (chars: number) => {
      const digest = digestOf(chars);
      const start = process.hrtime.bigint();
      const [object] = parseConfigurationItem(ci(digest), () => null);
      const elapsed = Number(process.hrtime.bigint() - start);
      assert.deepEqual(object.problems, []);
      assert.ok(object.kind === 'configuration' && object.omaSettings.length > 0 && object.unknownSettings.length > 0);
      return elapsed;
    };
    time(100_000); // warm up the parser
    const small = time(1_000_000);
    const large = time(8_000_000);
    // Linear: about 8 times; quadratic would be about 64.
    assert.ok(large / small < 24, `8 MB took ${(large / small).toFixed(1)} times as long as 1 MB`);
  });

  it('a digest over the size limit is refused unread, on that object only', () => {
    const huge = digestOf(DIGEST_SIZE_LIMIT + 1000);
    const start = Date.now();
    const { objects } = parseSiteObjects({
      siteCode: 'P01',
      origin: 'test',
      collections: [],
      users: [],
      userGroups: [],
      devices: [],
      affinities: [],
      baselines: [],
      ciAssignments: [],
      applications: [],
      appAssignments: [],
      configurationItems: [ci(huge, 1), ci(digestOf(5_000), 2)],
    });
    assert.ok(Date.now() - start < 5_000, 'refused without parsing');
    assert.equal(objects.length, 2);
    assert.match(
      objects[0].problems[0],
      /^the digest is 8\.0 M characters, over the 8 M a digest may have \(ConfigMgr's are a few KB\); refused unread$/,
    );
    assert.deepEqual(objects[1].problems, []);
  });
});

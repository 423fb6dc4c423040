// The probe's rule for which attribute values it may write (enum-like only), and the report over
// the whole Contoso site read from its SQL fixture: shapes and vocabulary in, people and places out.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { describe as describeAttribute, probeSite, type ProbeReport } from '../../src/core/site/probe';
import type { SiteModel } from '../../src/core/site/model';
import { loadContosoModel } from '../fixtures/contoso/load';

describe('site probe: which values are written', () => {
  it('a known enum attribute with bare tokens: the value set', () => {
    assert.deepEqual(describeAttribute('Security', ['WPA2Enterprise', 'WPA2Personal', 'WPA2Enterprise']), {
      count: 3,
      distinct: 2,
      values: ['WPA2Enterprise', 'WPA2Personal'],
    });
    assert.deepEqual(describeAttribute('KeyUsage', ['DigitalSignature,KeyEncipherment']).values, ['DigitalSignature,KeyEncipherment']);
  });

  it('numbers and booleans: shown for any attribute', () => {
    assert.deepEqual(describeAttribute('Port', ['3128', '8080']).values, ['3128', '8080']);
  });

  it('free text, or a token in an attribute not known to be an enumeration: withheld', () => {
    assert.deepEqual(describeAttribute('Ssid', ['CorpNet', 'Guest']), { count: 2, distinct: 2, withheld: 'free text' });
    assert.equal(describeAttribute('Realm', ['NORTHWIND']).withheld, 'free text');
    assert.equal(describeAttribute('Security', ['Guest network (lobby)']).withheld, 'free text');
    assert.equal(describeAttribute('Host', ['mail.northwind.test']).withheld, 'free text');
  });

  it('more than 20 distinct values is not an enumeration', () => {
    const many = Array.from({ length: 21 }, (_, i) => `Value${i}`);
    assert.equal(describeAttribute('SubjectNameFormat', many).withheld, 'too many values');
  });
});

describe('site probe over Contoso', () => {
  let model: SiteModel;
  let report: ProbeReport;
  let text: string;
  before(async () => {
    model = await loadContosoModel();
    report = probeSite(model);
    text = JSON.stringify(report);
  });

  it('covers every digest, grouped by CI type and shape', () => {
    const scanned = Object.values(report.configurationItems).reduce((n, g) => n + g.digests, 0);
    assert.equal(scanned, model.configurationItems.length);
    assert.ok(Object.keys(report.configurationItems).some((k) => /ConfigurationPolicy\/ScepCertificate$/.test(k)));
    assert.ok(Object.keys(report.deploymentTypes).length > 0);
  });

  it('holds no user, collection, CI name, host or certificate of the site', () => {
    for (const u of model.users.slice(0, 50)) {
      if (u.upn) assert.ok(!text.includes(u.upn), u.upn);
      assert.ok(!text.includes(u.uniqueName.replace(/\\/g, '\\\\')), u.uniqueName);
    }
    for (const c of model.collections) assert.ok(!text.includes(`"${c.name}"`), c.name);
    for (const ci of model.configurationItems) if (ci.name.length > 4) assert.ok(!text.includes(ci.name), ci.name);
    assert.doesNotMatch(text, /contoso\.com|https?:|MII[A-Za-z0-9+/]/);
  });
});

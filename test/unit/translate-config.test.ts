import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KIOSK_REASON, markerFor, parseMarker, translateObject } from '../../src/core/translate';
import { assertDocumentedBody } from '../support/graph-types';
import { compliance, configuration, uid } from '../support/site-objects';

describe('configuration items', () => {
  it('maps iOS general settings to iosGeneralDeviceConfiguration with passcode names', () => {
    const obj = configuration({
      settings: { passwordRequired: true, passwordMinimumLength: 6, cameraBlocked: true, iCloudBlockBackup: true },
    });
    const t = translateObject(obj);
    assert.equal(t.verdict.status, 'importable');
    assert.equal(t.request?.odataType, '#microsoft.graph.iosGeneralDeviceConfiguration');
    assert.equal(t.request?.apiVersion, 'v1.0');
    assert.equal(t.request?.resource, 'deviceConfigurations');
    assert.equal(t.request?.body.passcodeRequired, true);
    assert.equal(t.request?.body.passcodeMinimumLength, 6);
    assert.equal(t.request?.body.cameraBlocked, true);
    assert.equal(t.request?.body.iCloudBlockBackup, true);
    assert.equal(t.request?.body.passwordRequired, undefined);
    assert.equal(t.request?.body.displayName, 'iOS – Passcode & restrictions (Zoë’s team)');
    assert.deepEqual(t.dependencies, []);
    assertDocumentedBody(t);
  });

  it('uses the general type of each platform', () => {
    const expected = {
      android: 'androidGeneralDeviceConfiguration',
      windows: 'windows10GeneralConfiguration',
      macos: 'macOSGeneralDeviceConfiguration',
    } as const;
    for (const [platform, type] of Object.entries(expected)) {
      const t = translateObject(
        configuration({ platform: platform as 'android', settings: { passwordRequired: true, passwordMinimumLength: 8 } }),
      );
      assert.equal(t.request?.odataType, `#microsoft.graph.${type}`);
      assert.equal(t.request?.body.passwordMinimumLength, 8);
      assertDocumentedBody(t);
    }
  });

  it('puts the marker at the end of the description and keeps the ConfigMgr name', () => {
    const id = uid('OperatingSystem', 77, 4);
    const t = translateObject(
      configuration({ uniqueId: id, description: 'Baseline for "Sales" – ünïcode', settings: { cameraBlocked: true } }),
    );
    const description = t.request?.body.description as string;
    assert.ok(description.startsWith('Baseline for "Sales" – ünïcode'));
    assert.ok(description.endsWith(markerFor(t.key)));
    assert.equal(parseMarker(description), t.key);
    // the revision (/4) is not part of the key: editing the CI in ConfigMgr keeps the pairing
    assert.equal(t.key, `${id.replace(/\/4$/, '')}#ios`);
  });

  it('drops kiosk mode settings with the importer reason and stays partly importable', () => {
    const t = translateObject(
      configuration({
        name: "Reception iPads – 'Kiosk'",
        settings: { cameraBlocked: true },
        kioskMode: { kioskModeAppStoreUrl: 'https://itunes.apple.com/us/app/id1234567890', kioskModeAllowVolumeButtons: false },
      }),
    );
    assert.equal(t.verdict.status, 'partial');
    assert.deepEqual(
      t.verdict.droppedSettings.map((d) => d.name),
      ['kioskModeAppStoreUrl', 'kioskModeAllowVolumeButtons'],
    );
    assert.ok(t.verdict.droppedSettings.every((d) => d.reason === KIOSK_REASON));
    assert.match(t.verdict.reasons.join(' '), /2 kiosk mode settings dropped \(kioskModeAppStoreUrl, kioskModeAllowVolumeButtons\)/);
    assert.equal(t.request?.body.cameraBlocked, true);
    assert.equal('kioskModeAppStoreUrl' in (t.request?.body ?? {}), false);
  });

  it('is not importable when only kiosk settings were there', () => {
    const t = translateObject(configuration({ kioskMode: { kioskModeAppStoreUrl: 'https://itunes.apple.com/us/app/id1' } }));
    assert.equal(t.verdict.status, 'notImportable');
    assert.equal(t.request, undefined);
    assert.match(t.verdict.reasons.join(' '), /nothing is left/);
  });

  it('drops settings the platform profile lacks and unknown settings, naming them', () => {
    const t = translateObject(
      configuration({
        platform: 'macos',
        settings: { passwordRequired: true, storageRequireEncryption: true },
        unknownSettings: [{ name: 'AllowVoiceDialing', value: 'false' }],
      }),
    );
    assert.equal(t.verdict.status, 'partial');
    const dropped = Object.fromEntries(t.verdict.droppedSettings.map((d) => [d.name, d.reason]));
    assert.match(
      dropped['Require encryption on the device (storageRequireEncryption)'],
      /macOSGeneralDeviceConfiguration\) has no such setting/,
    );
    assert.match(dropped.AllowVoiceDialing, /does not know this setting/);
    assert.equal(t.request?.body.passwordRequired, true);
  });

  it('lists settings of the other platform of a split CI without calling the object partial', () => {
    const t = translateObject(
      configuration({ platform: 'android', settings: { passwordRequired: true }, droppedSettings: ['AllowICloudBackup'] }),
    );
    assert.equal(t.verdict.status, 'importable');
    assert.equal(t.verdict.droppedSettings[0].name, 'AllowICloudBackup');
    assert.match(t.verdict.droppedSettings[0].reason, /does not apply to Android/);
  });

  it('refuses an object whose digest had problems (e.g. a DTD)', () => {
    const t = translateObject(configuration({ problems: ['the digest declares a DTD or entities, which cm2intune refuses'] }));
    assert.equal(t.verdict.status, 'notImportable');
    assert.equal(t.request, undefined);
    assert.match(t.verdict.reasons[0], /DTD or entities/);
  });

  it('makes OMA-URI settings a windows10CustomConfiguration with typed values', () => {
    const t = translateObject(
      configuration({
        platform: 'windows',
        name: 'Windows – Custom OMA-URI',
        omaSettings: [
          { name: 'Allow Cortana', omaUri: './Vendor/MSFT/Policy/Config/Experience/AllowCortana', dataType: 'integer', value: '0' },
          { name: 'Banner', omaUri: './Vendor/MSFT/Policy/Config/Test/Banner', dataType: 'string', value: 'Contoso – 試験' },
          { name: 'Broken', omaUri: './Vendor/MSFT/Policy/Config/Test/Broken', dataType: 'integer', value: 'ten' },
        ],
      }),
    );
    assert.equal(t.request?.odataType, '#microsoft.graph.windows10CustomConfiguration');
    assert.deepEqual(t.request?.body.omaSettings, [
      {
        '@odata.type': '#microsoft.graph.omaSettingInteger',
        displayName: 'Allow Cortana',
        omaUri: './Vendor/MSFT/Policy/Config/Experience/AllowCortana',
        value: 0,
      },
      {
        '@odata.type': '#microsoft.graph.omaSettingString',
        displayName: 'Banner',
        omaUri: './Vendor/MSFT/Policy/Config/Test/Banner',
        value: 'Contoso – 試験',
      },
    ]);
    assert.equal(t.verdict.status, 'partial');
    assert.match(t.verdict.droppedSettings[0].reason, /not a whole number/);
    assertDocumentedBody(t);
  });

  it('makes an Apple configuration profile an iosCustomConfiguration', () => {
    const t = translateObject(
      configuration({ appleProfile: { fileName: 'wallpaper.mobileconfig', payloadBase64: 'PD94bWwgdmVyc2lvbj0iMS4wIj8+' } }),
    );
    assert.equal(t.request?.odataType, '#microsoft.graph.iosCustomConfiguration');
    assert.equal(t.request?.body.payload, 'PD94bWwgdmVyc2lvbj0iMS4wIj8+');
    assert.equal(t.request?.body.payloadFileName, 'wallpaper.mobileconfig');
    assert.equal(t.verdict.status, 'importable');
    assertDocumentedBody(t);
  });
});

describe('compliance policies', () => {
  it('sends exactly one block action and the platform property names', () => {
    const t = translateObject(
      compliance({ settings: { passwordRequired: true, passwordMinimumLength: 6, osMinimumVersion: '12.0', jailBroken: true } }),
    );
    assert.equal(t.request?.odataType, '#microsoft.graph.iosCompliancePolicy');
    assert.equal(t.request?.resource, 'deviceCompliancePolicies');
    assert.equal(t.request?.apiVersion, 'v1.0');
    const body = t.request!.body;
    assert.equal(body.passcodeRequired, true);
    assert.equal(body.securityBlockJailbrokenDevices, true);
    assert.equal(body.osMinimumVersion, '12.0');
    const actions = (body.scheduledActionsForRule as { scheduledActionConfigurations: { actionType: string }[] }[]).flatMap(
      (r) => r.scheduledActionConfigurations,
    );
    assert.equal(actions.length, 1);
    assert.equal(actions.filter((a) => a.actionType === 'block').length, 1);
    assertDocumentedBody(t);
  });

  it('drops a rule the platform policy lacks', () => {
    const t = translateObject(
      compliance({ platform: 'android', settings: { passwordRequired: true, passwordBlockSimple: true, storageRequireEncryption: true } }),
    );
    assert.equal(t.request?.odataType, '#microsoft.graph.androidCompliancePolicy');
    assert.equal(t.verdict.status, 'partial');
    assert.deepEqual(
      t.verdict.droppedSettings.map((d) => d.name),
      ['Allow simple passwords (passwordBlockSimple)'],
    );
    assert.equal(t.request?.body.storageRequireEncryption, true);
    assertDocumentedBody(t);
  });

  it('uses windows10CompliancePolicy and macOSCompliancePolicy', () => {
    for (const [platform, type] of [
      ['windows', 'windows10CompliancePolicy'],
      ['macos', 'macOSCompliancePolicy'],
    ] as const) {
      const t = translateObject(compliance({ platform, settings: { storageRequireEncryption: true, passwordBlockSimple: true } }));
      assert.equal(t.request?.odataType, `#microsoft.graph.${type}`);
      assert.equal(t.verdict.status, 'importable');
      assertDocumentedBody(t);
    }
  });
});

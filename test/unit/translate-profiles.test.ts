import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bodyWithBinds, objectKey, PFX_REASON, translateObject } from '../../src/core/translate';
import { assertDocumentedBody } from '../support/graph-types';
import { email, pfx, scep, trustedRoot, uid, vpn, wifi } from '../support/site-objects';

const ROOT = uid('TrustedRootCertificate', 900);
const SCEP = uid('ScepCertificate', 901);

describe('certificate profiles', () => {
  it('trusted root: beta type per platform with the certificate', () => {
    const expected = {
      ios: 'iosTrustedRootCertificate',
      android: 'androidTrustedRootCertificate',
      windows: 'windows81TrustedRootCertificate',
      macos: 'macOSTrustedRootCertificate',
    } as const;
    for (const [platform, type] of Object.entries(expected)) {
      const t = translateObject(trustedRoot({ platform: platform as 'ios' }));
      assert.equal(t.verdict.status, 'importable');
      assert.equal(t.request?.odataType, `#microsoft.graph.${type}`);
      assert.equal(t.request?.apiVersion, 'beta');
      assert.equal(t.request?.body.trustedRootCertificate, 'MIIDdzCCAl+gAwIBAgIQ');
      assert.equal(t.request?.body.certFileName, 'ContosoRootCA.cer');
      assertDocumentedBody(t);
    }
  });

  it('SCEP binds its root, uses the plan URL and Graph enum spellings', () => {
    const t = translateObject(scep({ rootCertificate: ROOT }), { scepServerUrl: 'https://ndes.contoso.com/certsrv/mscep/mscep.dll' });
    assert.equal(t.verdict.status, 'importable');
    assert.equal(t.request?.odataType, '#microsoft.graph.iosScepCertificateProfile');
    assert.deepEqual(t.dependencies, [{ uniqueId: ROOT, key: objectKey(ROOT, 'ios'), bind: 'rootCertificate' }]);
    const body = t.request!.body;
    assert.deepEqual(body.scepServerUrls, ['https://ndes.contoso.com/certsrv/mscep/mscep.dll']);
    assert.equal(body.keySize, 'size2048');
    assert.equal(body.keyUsage, 'digitalSignature,keyEncipherment');
    assert.equal(body.subjectAlternativeNameType, 'userPrincipalName');
    assert.equal(body.certificateValidityPeriodScale, 'years');
    assert.equal('rootCertificate@odata.bind' in body, false, 'binds are added only when the root id is known');
    assertDocumentedBody(t);
  });

  it('SCEP for Windows is windows81SCEPCertificateProfile; without a plan URL it keeps the site URL and says so', () => {
    const t = translateObject(scep({ platform: 'windows', rootCertificate: ROOT }));
    assert.equal(t.request?.odataType, '#microsoft.graph.windows81SCEPCertificateProfile');
    assert.deepEqual(t.request?.body.scepServerUrls, ['https://cm01.contoso.com/CMCertificateRegistration']);
    assert.match(t.verdict.notes.join(' '), /prepare\.scepServerUrl/);
    assertDocumentedBody(t);
  });

  it('SCEP without a root is not importable', () => {
    const t = translateObject(scep());
    assert.equal(t.verdict.status, 'notImportable');
    assert.match(t.verdict.reasons.join(' '), /trusted root/);
  });

  it('PFX is not importable, with the importer reason', () => {
    const t = translateObject(pfx());
    assert.equal(t.verdict.status, 'notImportable');
    assert.equal(t.request, undefined);
    assert.equal(t.verdict.reasons[0], PFX_REASON);
    assert.match(PFX_REASON, /^PFX settings can't be imported/);
    assert.match(PFX_REASON, /Intune certificate connector/);
  });

  it('bodyWithBinds links the root by URL', () => {
    const t = translateObject(scep({ rootCertificate: ROOT }));
    const body = bodyWithBinds(t, () => '11111111-2222-3333-4444-555555555555');
    assert.equal(
      body['rootCertificate@odata.bind'],
      "https://graph.microsoft.com/beta/deviceManagement/deviceConfigurations('11111111-2222-3333-4444-555555555555')",
    );
  });
});

describe('Wi-Fi profiles', () => {
  it('WPA2 personal on iOS: iosWiFiConfiguration, key not carried', () => {
    const t = translateObject(wifi());
    assert.equal(t.request?.odataType, '#microsoft.graph.iosWiFiConfiguration');
    assert.equal(t.request?.body.wiFiSecurityType, 'wpa2Personal');
    assert.equal(t.request?.body.ssid, 'CONTOSO-CORP');
    assert.equal(t.verdict.status, 'importable');
    assert.match(t.verdict.notes.join(' '), /pre-shared key/);
    assertDocumentedBody(t);
  });

  it('enterprise EAP-TLS binds the roots (many) and the identity certificate', () => {
    const t = translateObject(
      wifi({
        security: 'wpa2Enterprise',
        eapType: 'eapTls',
        rootCertificates: [ROOT],
        identityCertificate: SCEP,
        trustedServerCertificateNames: ['radius.contoso.com'],
      }),
    );
    assert.equal(t.request?.odataType, '#microsoft.graph.iosEnterpriseWiFiConfiguration');
    assert.equal(t.request?.body.eapType, 'eapTls');
    assert.equal(t.request?.body.authenticationMethod, 'certificate');
    assert.deepEqual(t.dependencies, [
      { uniqueId: ROOT, key: objectKey(ROOT, 'ios'), bind: 'rootCertificatesForServerValidation', many: true },
      { uniqueId: SCEP, key: objectKey(SCEP, 'ios'), bind: 'identityCertificateForClientAuthentication' },
    ]);
    assertDocumentedBody(t);
    const body = bodyWithBinds(t, (key) => (key.includes('TrustedRoot') ? 'root-id' : 'scep-id'));
    assert.deepEqual(body['rootCertificatesForServerValidation@odata.bind'], [
      "https://graph.microsoft.com/beta/deviceManagement/deviceConfigurations('root-id')",
    ]);
    assert.equal(
      body['identityCertificateForClientAuthentication@odata.bind'],
      "https://graph.microsoft.com/beta/deviceManagement/deviceConfigurations('scep-id')",
    );
  });

  it('Windows and Android enterprise types and their binding names', () => {
    const win = translateObject(wifi({ platform: 'windows', security: 'wpa2Enterprise', eapType: 'peap', rootCertificates: [ROOT] }));
    assert.equal(win.request?.odataType, '#microsoft.graph.windowsWifiEnterpriseEAPConfiguration');
    assert.equal(win.request?.body.wifiSecurityType, 'wpa2Enterprise');
    assertDocumentedBody(win);
    const android = translateObject(
      wifi({
        platform: 'android',
        security: 'wpa2Enterprise',
        eapType: 'eapTls',
        rootCertificates: [ROOT],
        identityCertificate: SCEP,
        trustedServerCertificateNames: ['radius.contoso.com', 'nps-02.contoso.com'],
      }),
    );
    assert.equal(android.request?.odataType, '#microsoft.graph.androidEnterpriseWiFiConfiguration');
    // androidEnterpriseWiFiConfiguration has the list too (beta metadata): carried over, nothing lost.
    assert.deepEqual(android.request?.body.trustedServerCertificateNames, ['radius.contoso.com', 'nps-02.contoso.com']);
    assert.equal(android.verdict.status, 'importable', android.verdict.reasons.join('; '));
    assert.deepEqual(
      android.dependencies.map((d) => d.bind),
      ['rootCertificateForServerValidation', 'identityCertificateForClientAuthentication'],
    );
    assert.equal(android.dependencies[0].key, objectKey(ROOT, 'android'));
    assertDocumentedBody(android);
  });

  it('EAP-TLS without a client certificate and Android WPA personal are not importable', () => {
    assert.equal(
      translateObject(wifi({ security: 'wpa2Enterprise', eapType: 'eapTls', rootCertificates: [ROOT] })).verdict.status,
      'notImportable',
    );
    const t = translateObject(wifi({ platform: 'android' }));
    assert.equal(t.verdict.status, 'notImportable');
    assert.match(t.verdict.reasons[0], /open and enterprise networks only/);
  });
});

describe('VPN profiles', () => {
  it('iOS Pulse Secure: one server, split tunnelling from "send all traffic"', () => {
    const t = translateObject(
      vpn({
        servers: [
          { address: 'vpn.contoso.com', description: 'Main', isDefault: true },
          { address: 'vpn2.contoso.com', description: 'Backup', isDefault: false },
        ],
      }),
    );
    assert.equal(t.request?.odataType, '#microsoft.graph.iosVpnConfiguration');
    assert.equal(t.request?.apiVersion, 'beta');
    assert.deepEqual(t.request?.body.server, { address: 'vpn.contoso.com', description: 'Main', isDefaultServer: true });
    assert.equal(t.request?.body.enableSplitTunneling, false);
    assert.equal(t.verdict.status, 'partial');
    assert.equal(t.verdict.droppedSettings[0].name, 'VPN server vpn2.contoso.com');
    assertDocumentedBody(t);
  });

  it('Windows certificate VPN binds the identity certificate and maps "automatic"', () => {
    const t = translateObject(
      vpn({ platform: 'windows', connectionType: 'microsoftAutomatic', authenticationMethod: 'certificate', identityCertificate: SCEP }),
    );
    assert.equal(t.request?.odataType, '#microsoft.graph.windows10VpnConfiguration');
    assert.equal(t.request?.body.connectionType, 'automatic');
    assert.deepEqual(t.dependencies, [{ uniqueId: SCEP, key: objectKey(SCEP, 'windows'), bind: 'identityCertificate' }]);
    assertDocumentedBody(t);
  });

  it('an iOS L2TP VPN is not importable', () => {
    const t = translateObject(vpn({ connectionType: 'l2tp' }));
    assert.equal(t.verdict.status, 'notImportable');
    assert.match(t.verdict.reasons[0], /l2tp/);
  });
});

describe('e-mail profiles', () => {
  it('iOS EAS with certificate auth binds identityCertificate', () => {
    const t = translateObject(email({ authenticationMethod: 'certificate', identityCertificate: SCEP, usernameSource: 'samAccountName' }));
    assert.equal(t.request?.odataType, '#microsoft.graph.iosEasEmailProfileConfiguration');
    assert.equal(t.request?.body.usernameAADSource, 'samAccountName');
    assert.equal('usernameSource' in t.request!.body, false);
    assert.equal(t.request?.body.easServices, 'email,calendars,contacts');
    assert.deepEqual(
      t.dependencies.map((d) => d.bind),
      ['identityCertificate'],
    );
    assertDocumentedBody(t);
  });

  it('Android and Windows types; Windows drops certificate auth; macOS has none', () => {
    const android = translateObject(email({ platform: 'android' }));
    assert.equal(android.request?.odataType, '#microsoft.graph.androidEasEmailProfileConfiguration');
    assertDocumentedBody(android);
    const win = translateObject(email({ platform: 'windows', authenticationMethod: 'certificate', identityCertificate: SCEP }));
    assert.equal(win.request?.odataType, '#microsoft.graph.windows10EasEmailProfileConfiguration');
    assert.equal(win.verdict.status, 'partial');
    assert.deepEqual(win.dependencies, []);
    assertDocumentedBody(win);
    assert.equal(translateObject(email({ platform: 'macos' })).verdict.status, 'notImportable');
  });
});

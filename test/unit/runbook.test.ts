import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyRunbook, checkRunbook, type RunbookTranscript } from '../../src/sandbox/world/runbook';
import { MemoryConsole, sampleUsers } from '../support/memory-console';
import { waveCollectionName } from '../../src/core/plan/waves';
import { waveRunbook, waveUndoRunbook as undoRunbook, type RunbookInput } from '../../src/core/phases/waves';

// The runbooks phase 3 writes, for four of the sample site's users.
const wavers = sampleUsers.slice(0, 4).map((user) => ({ resourceId: user.resourceId, uniqueName: user.uniqueName }));
const waveIds = wavers.map((user) => user.resourceId);
const planWave = { name: "Pilot – O'Neil & Zoë", users: wavers.map((user) => user.uniqueName) };
const wave = waveCollectionName(planWave);
const wavePlan: RunbookInput = { siteCode: 'P01', wave: planWave, users: wavers };

async function applied(text: string, site: MemoryConsole, options: { dryRunSwitch?: boolean } = {}): Promise<RunbookTranscript> {
  const result = await applyRunbook(text, site, options);
  assert.notEqual(result.outcome, 'refused', `refused: ${JSON.stringify(result)}`);
  const transcript = result as RunbookTranscript;
  assert.equal(transcript.outcome, 'completed', `failed: ${JSON.stringify(transcript.failure)}`);
  return transcript;
}

/** A site whose subscription already uses a collection with all users (no replacement needed). */
function siteWithSubscriptionCollection(): { site: MemoryConsole; subscriptionId: string } {
  const site = new MemoryConsole({ users: sampleUsers });
  const subscription = site.newCollection({ name: 'Intune hybrid users', type: 'user', limitToCollectionId: 'SMS00002' });
  site.addIncludeRule(subscription.collectionId, 'SMS00002');
  site.setSubscriptionCollection(subscription.collectionId);
  site.writes.length = 0;
  return { site, subscriptionId: subscription.collectionId };
}

describe('runbook: the real PowerShell grammar', () => {
  it('a generated wave runbook and its undo runbook parse without error', async () => {
    assert.deepEqual(await checkRunbook(waveRunbook(wavePlan)), []);
    assert.deepEqual(await checkRunbook(undoRunbook(wavePlan)), []);
  });

  it('a syntax error is reported with its line and column', async () => {
    const text = "param([switch]$DryRun)\nSet-Location 'P01:'\nif ($DryRun {\n  Write-Host 'x'\n}\n";
    const errors = await checkRunbook(text);
    assert.ok(errors.length > 0);
    assert.equal(errors[0].line, 3);
    assert.ok(errors[0].column >= 1 && errors[0].column <= 13, `column ${errors[0].column}`);
    const result = await applyRunbook(text, new MemoryConsole({ users: sampleUsers }));
    assert.equal(result.outcome, 'refused');
    assert.equal(result.line, 3);
    assert.match(result.reason, /syntax error/);
  });

  it('columns count characters, not UTF-8 bytes, after non-ASCII text', async () => {
    const errors = await checkRunbook("$name = 'Zoë Müller 山田'; Write-Host (\n");
    assert.equal(errors[0]?.line, 1);
    assert.equal(errors[0]?.column, 26, 'Write-Host starts at character 26 (byte 32 in UTF-8)');
  });
});

describe('runbook: a wave applied as the SMS Provider would', () => {
  it('creates the wave with direct rules by resource id and excludes it from the subscription collection', async () => {
    const { site, subscriptionId } = siteWithSubscriptionCollection();
    const first = await applied(waveRunbook(wavePlan), site);
    const created = site.getCollection({ name: wave });
    assert.ok(created, 'wave collection created under its Unicode name with an apostrophe');
    assert.deepEqual(
      site
        .getRules(created.collectionId)
        .direct.map((rule) => rule.resourceId)
        .sort(),
      [...waveIds].sort(),
    );
    assert.deepEqual(site.getRules(subscriptionId).exclude, [created.collectionId]);
    assert.deepEqual(
      site.members(created.collectionId),
      [...waveIds].sort((a, b) => a - b),
    );
    const stillHybrid = sampleUsers.map((user) => user.resourceId).filter((id) => !waveIds.includes(id));
    assert.deepEqual(site.members(subscriptionId), stillHybrid, 'the wave users left the subscription collection');
    // one new collection, four direct rules, one exclude rule
    assert.equal(first.changes, 6);
    const adds = first.entries.filter((entry) => entry.command === 'Add-CMUserCollectionDirectMembershipRule');
    assert.deepEqual(
      adds.map((entry) => entry.effect),
      ['changed', 'changed', 'changed', 'changed'],
    );
    assert.ok(
      adds.every((entry) => entry.line === adds[0].line),
      'each call carries its source line',
    );
    assert.ok(
      first.entries.some(
        (entry) => entry.effect === 'output' && entry.detail === `'${wave}' has 4 members, excluded from ${subscriptionId}`,
      ),
    );
  });

  it('prints the module version and the site build first, and a 1910 site stops it before any change', async () => {
    const { site } = siteWithSubscriptionCollection();
    const dry = await applied(waveRunbook(wavePlan), site, { dryRunSwitch: true });
    assert.ok(
      dry.entries.some((entry) => entry.detail === 'ConfigurationManager module 5.00.8853.1000, site build 8853'),
      JSON.stringify(dry.entries.slice(0, 5)),
    );
    const late = (await applyRunbook(waveRunbook(wavePlan), site, { siteBuildNumber: 8913 })) as RunbookTranscript;
    assert.equal(late.outcome, 'failed');
    assert.match(late.failure!.message, /1910 or later/);
    assert.deepEqual(site.writes, []);
  });

  it('applied twice: the second run changes nothing and the site is identical', async () => {
    const { site } = siteWithSubscriptionCollection();
    const text = waveRunbook(wavePlan);
    await applied(text, site);
    const before = site.snapshot();
    const writes = site.writes.length;
    const second = await applied(text, site);
    assert.equal(second.changes, 0, JSON.stringify(second.entries.filter((entry) => entry.effect === 'changed')));
    assert.ok(second.entries.every((entry) => entry.effect !== 'error'));
    assert.deepEqual(site.snapshot(), before);
    assert.equal(site.writes.length, writes, 'no write reached the console');
    // the checks ran: the direct-rule adds are reported as skipped, with their line
    const skipped = second.entries.filter(
      (entry) => entry.effect === 'skipped' && entry.command === 'Add-CMUserCollectionDirectMembershipRule',
    );
    assert.equal(skipped.length, 4);
  });

  it('with the dry-run switch nothing changes and the transcript says what it would do', async () => {
    const { site } = siteWithSubscriptionCollection();
    const before = site.snapshot();
    const logged: string[] = [];
    const result = await applyRunbook(waveRunbook(wavePlan), site, {
      dryRunSwitch: true,
      log: (entry) => logged.push(`${entry.line} ${entry.effect}`),
    });
    const dry = result as RunbookTranscript;
    assert.equal(dry.outcome, 'completed', JSON.stringify(result));
    assert.deepEqual(
      logged,
      dry.entries.map((entry) => `${entry.line} ${entry.effect}`),
      'the log sees each entry as it happens',
    );
    assert.equal(dry.dryRun, true);
    assert.equal(dry.changes, 0);
    assert.deepEqual(site.writes, []);
    assert.deepEqual(site.snapshot(), before);
    const said = dry.entries.filter((entry) => entry.effect === 'output').map((entry) => entry.detail);
    assert.ok(said.includes(`[dry run] would create the user collection '${wave}'`), said.join('\n'));
    assert.equal(said.filter((line) => line.startsWith('[dry run] would add')).length, 4);
    assert.ok(
      said.some((line) => line.includes("CONTOSO\\sean.o'brien")),
      'names with apostrophes reach the output intact',
    );
  });

  it('when the subscription uses All Users: a replacement collection with all users, the switch, then the exclude', async () => {
    const site = new MemoryConsole({ users: sampleUsers });
    assert.equal(site.getSubscriptionCollectionId(), 'SMS00002');
    const allUsers = site.members('SMS00002');
    const first = await applied(waveRunbook(wavePlan), site);
    const replacement = site.getCollection({ name: 'cm2intune Intune hybrid users' });
    assert.ok(replacement);
    assert.equal(site.getSubscriptionCollectionId(), replacement.collectionId);
    assert.deepEqual(site.getRules(replacement.collectionId).include, ['SMS00002']);
    assert.deepEqual(site.getRules('SMS00002').exclude, [], 'All Users itself is left alone');
    assert.deepEqual(site.members('SMS00002'), allUsers);
    assert.deepEqual(
      site.members(replacement.collectionId),
      allUsers.filter((id) => !waveIds.includes(id)),
    );
    const order = first.entries.filter((entry) => entry.effect === 'changed').map((entry) => entry.command);
    assert.ok(order.indexOf('Set-CMIntuneSubscription') < order.indexOf('Add-CMUserCollectionExcludeMembershipRule'), order.join(', '));
    const before = site.snapshot();
    const second = await applied(waveRunbook(wavePlan), site);
    assert.equal(second.changes, 0);
    assert.deepEqual(site.snapshot(), before);
  });

  it('the undo runbook restores the membership, and undoing twice changes nothing', async () => {
    const { site, subscriptionId } = siteWithSubscriptionCollection();
    const membershipBefore = site.members(subscriptionId);
    await applied(waveRunbook(wavePlan), site);
    assert.notDeepEqual(site.members(subscriptionId), membershipBefore);
    const undo = await applied(undoRunbook(wavePlan), site);
    assert.equal(undo.changes, 5, 'the exclude rule and four direct rules');
    assert.deepEqual(site.members(subscriptionId), membershipBefore);
    assert.deepEqual(site.getRules(subscriptionId).exclude, []);
    const after = site.snapshot();
    const again = await applied(undoRunbook(wavePlan), site);
    assert.equal(again.changes, 0);
    assert.deepEqual(site.snapshot(), after);
  });
});

describe('runbook: running faithfully', () => {
  const header =
    "param([switch]$DryRun)\n$ErrorActionPreference = 'Stop'\nImport-Module (Join-Path $env:SMS_ADMIN_UI_PATH '..\\ConfigurationManager.psd1')\n";

  it('a rule that already exists stops the runbook at its line ($ErrorActionPreference = Stop), later lines do not run', async () => {
    const { site, subscriptionId } = siteWithSubscriptionCollection();
    const text = `${header}Set-Location 'P01:'\n$w = New-CMUserCollection -Name 'w1' -LimitingCollectionId 'SMS00002'\nAdd-CMUserCollectionDirectMembershipRule -CollectionId $w.CollectionID -ResourceId ${waveIds[0]}\nAdd-CMUserCollectionDirectMembershipRule -CollectionId $w.CollectionID -ResourceId ${waveIds[0]}\nAdd-CMUserCollectionExcludeMembershipRule -CollectionId '${subscriptionId}' -ExcludeCollectionId $w.CollectionID\n`;
    const result = (await applyRunbook(text, site)) as RunbookTranscript;
    assert.equal(result.outcome, 'failed');
    assert.equal(result.failure?.line, 7);
    assert.match(result.failure.message, /already exists/);
    assert.deepEqual(site.getRules(subscriptionId).exclude, [], 'line 8 never ran');
  });

  it('without Stop the error is recorded and the runbook goes on; -ErrorAction Stop on the call stops it', async () => {
    const { site } = siteWithSubscriptionCollection();
    const body = `Set-Location 'P01:'\n$w = New-CMUserCollection -Name 'w2' -LimitingCollectionId 'SMS00002'\nAdd-CMUserCollectionDirectMembershipRule -CollectionId $w.CollectionID -ResourceId ${waveIds[0]}\nAdd-CMUserCollectionDirectMembershipRule -CollectionId $w.CollectionID -ResourceId ${waveIds[0]}\nWrite-Host 'went on'\n`;
    const text = `param([switch]$DryRun)\nImport-Module (Join-Path $env:SMS_ADMIN_UI_PATH '..\\ConfigurationManager.psd1')\n${body}`;
    const going = (await applyRunbook(text, site)) as RunbookTranscript;
    assert.equal(going.outcome, 'completed');
    assert.deepEqual(
      going.entries.filter((entry) => entry.effect === 'error').map((entry) => entry.line),
      [6],
    );
    assert.ok(going.entries.some((entry) => entry.detail === 'went on'));
    const stopping = (await applyRunbook(
      text.replace('w2', 'w3').replace(/(ResourceId \d+)\nWrite/, '$1 -ErrorAction Stop\nWrite'),
      site,
    )) as RunbookTranscript;
    assert.equal(stopping.outcome, 'failed');
    assert.equal(stopping.failure?.line, 6);
  });

  it('ConfigMgr cmdlets need the module and the site drive, as in a real console', async () => {
    const site = new MemoryConsole({ users: sampleUsers });
    const noDrive = (await applyRunbook(`${header}Get-CMUserCollection -Id 'SMS00002'\n`, site)) as RunbookTranscript;
    assert.equal(noDrive.outcome, 'failed');
    assert.equal(noDrive.failure?.line, 4);
    assert.match(noDrive.failure.message, /Set-Location 'P01:'/);
    const noModule = (await applyRunbook("$ErrorActionPreference = 'Stop'\nSet-Location 'P01:'\n", site)) as RunbookTranscript;
    assert.equal(noModule.failure?.line, 2);
    assert.match(noModule.failure.message, /drive/);
  });

  it('throw stops the runbook with its message and line', async () => {
    const site = new MemoryConsole({ users: sampleUsers });
    const result = (await applyRunbook(
      `${header}Set-Location 'P01:'\n$c = Get-CMUserCollection -Name 'nope'\nif (-not $c) { throw "Collection 'nope' is missing on $('P01')" }\n`,
      site,
    )) as RunbookTranscript;
    assert.equal(result.outcome, 'failed');
    assert.deepEqual(result.failure, { line: 6, column: 16, message: "Collection 'nope' is missing on P01" });
  });

  it('PowerShell semantics the generated runbooks lean on: -contains, member enumeration, @() counts, $null -eq, string escapes', async () => {
    const site = new MemoryConsole({ users: sampleUsers });
    const text = `${header}Set-Location 'P01:'
$ids = @(${waveIds.join(', ')})
$users = @(Get-CMUser -CollectionId 'SMS00002')
Write-Host "users: $($users.Count)"
Write-Host ($users.ResourceID -contains ${waveIds[1]})
Write-Host ($users.ResourceID -notcontains '${waveIds[2]}')
Write-Host ($null -eq $nothing)
Write-Host ("a" + 1 + 2)
Write-Host "tab\`there \`"quoted\`" ""doubled"" \`$literal"
Write-Host 'it''s'
$one = Get-CMUser -ResourceId ${waveIds[0]}
Write-Host $one.Name
Write-Host ($ids[-1] -eq ${waveIds[3]} -and !($ids.Count -gt 4))
foreach ($id in $ids) { if ($id -eq ${waveIds[1]}) { continue }; if ($id -eq ${waveIds[3]}) { break }; Write-Output $id }
`;
    const result = await applied(text, site);
    const said = result.entries.filter((entry) => entry.effect === 'output').map((entry) => entry.detail);
    assert.deepEqual(said, [
      'users: 6',
      'True',
      'False',
      'True',
      'a12',
      'tab\there "quoted" "doubled" $literal',
      "it's",
      "CONTOSO\\sean.o'brien",
      'True',
      String(waveIds[0]),
      String(waveIds[2]),
    ]);
  });

  it('comments between the parts of an if/elseif/else are accepted', async () => {
    const text =
      "param([switch]$DryRun)\nif ($DryRun) { Write-Host 'a' } # one\nelseif ($true) # two\n{ Write-Host 'b' } # three\nelse # four\n{ Write-Host 'c' }\n";
    const result = await applied(text, new MemoryConsole({ users: sampleUsers }));
    assert.deepEqual(
      result.entries.map((entry) => `${entry.line} ${entry.detail}`),
      ['4 b'],
    );
  });

  it('a dry run asked of a runbook without a dry-run switch is refused', async () => {
    const site = new MemoryConsole({ users: sampleUsers });
    const result = await applyRunbook("Write-Host 'x'\n", site, { dryRunSwitch: true });
    assert.equal(result.outcome, 'refused');
    assert.match(result.reason, /\[switch\]\$DryRun/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyRunbook, checkRunbook, type RunbookRefused, type RunbookTranscript } from '../../src/sandbox/world/runbook';
import { MemoryConsole, sampleUsers } from '../support/memory-console';

// Four valid lines that would change the site if they ran: a refusal must come before them.
const prefix = `param([switch]$DryRun)
Import-Module (Join-Path $env:SMS_ADMIN_UI_PATH '..\\ConfigurationManager.psd1')
Set-Location 'P01:'
$w = New-CMUserCollection -Name 'cm2intune wave refused' -LimitingCollectionId 'SMS00002'
`;
const refusedLine = 5;

const cases: { construct: string; line: string; reason: RegExp }[] = [
  {
    construct: 'a cmdlet outside the subset',
    line: "Get-Service -Name 'ccmexec'",
    reason: /cmdlet Get-Service is outside the runbook subset/,
  },
  {
    construct: 'Remove-CMCollection',
    line: "Remove-CMCollection -Id 'P0100010' -Force",
    reason: /Remove-CMCollection .*deleting collections/,
  },
  {
    construct: 'Switch-MdmDeviceAuthority',
    line: 'Switch-MdmDeviceAuthority -DeviceIds $ids -Force',
    reason: /Switch-MdmDeviceAuthority .*toggles/,
  },
  { construct: 'Invoke-Expression', line: "Invoke-Expression 'Remove-CMCollection -Id P0100010'", reason: /Invoke-Expression/ },
  { construct: 'the call operator', line: "& 'C:\\tools\\fix.ps1'", reason: /call operator/ },
  { construct: 'a script block', line: '$sb = { Remove-CMCollection -Id $args[0] }', reason: /script block/ },
  { construct: 'a .NET call', line: "[System.IO.File]::WriteAllText('C:\\x.txt', 'x')", reason: /method call|\.NET/ },
  { construct: 'a method call', line: '$w.Put()', reason: /method call/ },
  {
    construct: 'a pipeline into another cmdlet',
    line: "Get-CMUserCollection -Name 'x' | Remove-CMCollection -Force",
    reason: /pipeline into Remove-CMCollection/,
  },
  {
    construct: 'a wrong parameter name',
    line: 'Add-CMUserCollectionDirectMembershipRule -CollectionId $w.CollectionID -UserId 16777220',
    reason: /has no parameter -UserId/,
  },
  {
    construct: 'two parameter sets at once',
    line: "Add-CMUserCollectionExcludeMembershipRule -CollectionId 'P0100010' -CollectionName 'x' -ExcludeCollectionId $w.CollectionID",
    reason: /exactly one of -CollectionId, -CollectionName, -InputObject/,
  },
  {
    construct: '-WhatIf',
    line: 'Add-CMUserCollectionDirectMembershipRule -CollectionId $w.CollectionID -ResourceId 16777220 -WhatIf',
    reason: /-WhatIf .*dry-run/i,
  },
  {
    construct: 'a removal without -Force',
    line: "Remove-CMUserCollectionExcludeMembershipRule -CollectionId 'P0100010' -ExcludeCollectionId $w.CollectionID",
    reason: /without -Force/,
  },
  { construct: 'a while loop', line: 'while ($true) { Write-Host x }', reason: /a while loop/ },
  { construct: 'try/catch', line: "try { Write-Host 'x' } catch { Write-Host 'y' }", reason: /try\/catch/ },
  { construct: 'a function definition', line: 'function Add-Wave { }', reason: /function definition/ },
  { construct: 'a hashtable', line: '$h = @{ Name = 1 }', reason: /hashtable/ },
  { construct: 'splatting', line: 'Get-CMUser @params', reason: /splatting/ },
  { construct: 'an unsupported operator', line: "if ($w.Name -match 'wave') { Write-Host 'x' }", reason: /operator -match/ },
  { construct: 'a compound assignment', line: '$n += 1', reason: /assignment operator \+=/ },
  { construct: 'the wrong site code', line: "Set-Location 'ABC:'", reason: /site code is P01/ },
  {
    construct: 'Import-Module by name (2111 and later only)',
    line: 'Import-Module ConfigurationManager',
    reason: /by name works from ConfigMgr 2111/,
  },
  { construct: 'a positional argument to a ConfigMgr cmdlet', line: "Get-CMUserCollection 'All Users'", reason: /named parameters only/ },
  { construct: 'an environment variable', line: 'Write-Host $env:USERNAME', reason: /scope- or drive-qualified variable/ },
  {
    construct: 'Get-CMUser -Name (no lookup by name in the console)',
    line: "Get-CMUser -Name 'CONTOSO\\x'",
    reason: /Get-CMUser has no parameter -Name/,
  },
  { construct: 'a PowerShell 7 chain operator', line: "Write-Host 'a' && Write-Host 'b'", reason: /&&|outside/ },
  { construct: 'another param', line: 'param([string]$Wave)', reason: /./ },
];

describe('runbook refusals: validated whole before anything runs', () => {
  for (const { construct, line, reason } of cases) {
    it(`refuses ${construct} with its line, and applies nothing`, async () => {
      const site = new MemoryConsole({ users: sampleUsers });
      const before = site.snapshot();
      const text = `${prefix}${line}\nWrite-Host 'after'\n`;
      const result = await applyRunbook(text, site);
      assert.equal(result.outcome, 'refused', JSON.stringify(result));
      const refusal = result as RunbookRefused;
      assert.equal(refusal.line, refusedLine, JSON.stringify(refusal));
      assert.ok(refusal.column >= 1);
      assert.equal(refusal.text, line.length > 120 ? refusal.text : line);
      assert.match(refusal.reason, reason);
      assert.deepEqual(site.writes, [], 'the New-CMUserCollection on line 4 never ran');
      assert.deepEqual(site.snapshot(), before);
    });
  }

  it('names the column of the refused construct inside a line', async () => {
    const site = new MemoryConsole({ users: sampleUsers });
    const result = (await applyRunbook(`${prefix}if ($DryRun) { Write-Host 'dry' } else { Get-Service }\n`, site)) as RunbookRefused;
    assert.equal(result.line, 5);
    assert.equal(result.column, 42, 'Get-Service starts at character 42');
  });
});

describe('runbook: bounded work on a 10,000-line runbook', () => {
  function longRunbook(lines: number): string {
    const body: string[] = [
      'param([switch]$DryRun)',
      "$ErrorActionPreference = 'Stop'",
      "Import-Module (Join-Path $env:SMS_ADMIN_UI_PATH '..\\ConfigurationManager.psd1')",
      "Set-Location 'P01:'",
      "$w = Get-CMUserCollection -Name 'cm2intune wave long'",
      "if (-not $w) { $w = New-CMUserCollection -Name 'cm2intune wave long' -LimitingCollectionId 'SMS00002' }",
      '$rules = @()',
    ];
    const ids = sampleUsers.map((user) => user.resourceId);
    for (let i = body.length; i < lines; i++) {
      const id = ids[Math.floor(i / 4) % ids.length]!;
      // Each user's check-and-add is repeated: the check sees the rule added earlier.
      if (i % 4 === 0)
        body.push(
          `if ($rules -notcontains ${id}) { Add-CMUserCollectionDirectMembershipRule -CollectionId $w.CollectionID -ResourceId ${id}; $rules = $rules + @(${id}) }`,
        );
      else if (i % 4 === 1) body.push(`# user ${id}: "O'Brien" – Zoë`);
      else if (i % 4 === 2) body.push(`$last = "${id} on line ${i + 1}"`);
      else body.push(`Write-Verbose $last`);
    }
    return `${body.join('\n')}\n`;
  }

  it('parses and runs 10,000 lines with work proportional to the lines (not quadratic)', async () => {
    const small = longRunbook(1000);
    const large = longRunbook(10000);
    assert.deepEqual(await checkRunbook(large), []);
    const smallRun = (await applyRunbook(small, new MemoryConsole({ users: sampleUsers }))) as RunbookTranscript;
    const site = new MemoryConsole({ users: sampleUsers });
    const largeRun = (await applyRunbook(large, site)) as RunbookTranscript;
    assert.equal(largeRun.outcome, 'completed', JSON.stringify(largeRun.failure));
    assert.equal(smallRun.outcome, 'completed');
    assert.equal(largeRun.changes, 1 + sampleUsers.length, 'one collection, one rule per user, the rest skipped by the checks');
    const ratio = largeRun.nodesVisited / smallRun.nodesVisited;
    assert.ok(ratio > 8 && ratio < 12, `10x the lines visited ${ratio.toFixed(2)}x the nodes`);
    assert.ok(largeRun.entries.length / smallRun.entries.length < 12);
  });

  it('a refused construct on line 10,000 is named, and nothing before it ran', async () => {
    const site = new MemoryConsole({ users: sampleUsers });
    const text = `${longRunbook(9999)}Remove-CMCollection -Id 'P0100010' -Force\n`;
    const result = (await applyRunbook(text, site)) as RunbookRefused;
    assert.equal(result.outcome, 'refused');
    assert.equal(result.line, 10000);
    assert.deepEqual(site.writes, []);
  });
});

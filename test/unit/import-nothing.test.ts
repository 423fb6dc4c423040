// What an import with no step says (issue 17, item 7): what is in Intune, what can't be imported
// and why, never "every selected object is in Intune" when that is not true.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nothingToImportReasons, type ProposalNote } from '../../src/core/phases/render';

const nothingToImportMessage = (notes: ProposalNote[]) => `Nothing to import: ${nothingToImportReasons(notes).join('; ')}.`;

const note = (name: string, standing: ProposalNote['standing'], reasons: string[] = []): ProposalNote => ({
  key: name,
  name,
  standing,
  reasons,
});

test("nothing to import: in Intune, can't be imported (with the first reason), and nothing selected", () => {
  assert.equal(
    nothingToImportMessage([]),
    'Nothing to import: the plan selects no object of the site (import.kinds, include and exclude).',
  );
  assert.equal(
    nothingToImportMessage([note('Contoso Mail (iOS)', 'inIntune')]),
    'Nothing to import: 1 selected object is in Intune with its assignments.',
  );
  assert.equal(
    nothingToImportMessage([
      note('iOS Compliance – Corporate (iOS)', 'inIntune'),
      note("Zoë's Translator – 翻訳 (Android)", 'inIntune', ['its Intune name is "Translator", not "Zoë\'s Translator – 翻訳"']),
      note('Contoso User PFX (iOS)', 'cannotImport', ["PFX settings can't be imported", 'create a PKCS profile']),
    ]),
    'Nothing to import: 2 selected objects are in Intune with their assignments; 1 can\'t be imported: "Contoso User PFX (iOS)" (PFX settings can\'t be imported).',
  );
  const blocked = ['A', 'B', 'C', 'D', 'E'].map((n) => note(`Profile ${n}`, 'cannotImport', [`reason ${n}`]));
  assert.equal(
    nothingToImportMessage(blocked),
    'Nothing to import: no selected object is in Intune; 5 can\'t be imported: "Profile A" (reason A), "Profile B" (reason B), "Profile C" (reason C), and 2 more (see above).',
  );
});
